/**
 * Pieces the crm pages share: a job's progress with its download, client names with their right, read-only
 * notices, e-mail state badges, the contact table (optionally with selection), a contact picker, the Excel
 * export button and a confirm-twice button.
 */
import { useEffect, useState, type ReactNode } from "react";
import { Link } from "react-router-dom";
import { ApiError, api, url } from "../../api/client";
import type { ClientRight } from "../../app/clients";
import { useI18n } from "../../i18n";
import { Badge, ErrorNotice, Field, Notice, Progress, TableWrap } from "../../ui/components";
import { formatNumber } from "../../ui/format";
import { usePoll, useSelection } from "../../ui/hooks";
import { CRM, displayName, pick, searchContacts, type ContactSummary, type Job } from "./api";

export function jobRunning(job: Job | null): boolean {
  return !!job && (job.state === "queued" || job.state === "running");
}

/** Polls a crm job until it is done or failed; shows progress, the error, and the file to download. */
export function JobStatus({ job, onChange, label, downloadLabel, children }: {
  job: Job; onChange: (job: Job) => void; label: string; downloadLabel?: string; children?: ReactNode;
}) {
  const { t, lang } = useI18n();
  usePoll(async () => {
    const next = await api.get<Job>(`${CRM}/jobs/${job.id}`);
    onChange(next);
    return jobRunning(next);
  }, jobRunning(job), 700);
  const fileName = job.result && typeof job.result.filename === "string" ? job.result.filename : undefined;
  return (
    <div className="job-status" data-job-state={job.state} aria-live="polite">
      {jobRunning(job) && (
        <Progress value={job.done} max={job.total} label={`${label}: ${job.state === "queued" ? t("contacts.job.queued") : t("contacts.job.running")}${job.total ? ` (${formatNumber(lang, job.done)} / ${formatNumber(lang, job.total)})` : ""}`} />
      )}
      {job.state === "failed" && (
        <div className="notice error" role="alert">
          <strong>{t("contacts.job.failed")}</strong> {pick(lang, job.error?.detail)}
        </div>
      )}
      {job.state === "done" && (
        <Notice kind="success">
          {t("contacts.job.done")}{" "}
          {downloadLabel && job.result?.file_id ? (
            <a href={url(`${CRM}/jobs/${job.id}/file`)} download={fileName}>{downloadLabel}{fileName ? ` (${fileName})` : ""}</a>
          ) : null}
          {children}
        </Notice>
      )}
      {/* an export in the starting phase leaves pressbase contacts out and says so (crm.exporter) */}
      {job.state === "done" && typeof (job.result?.left_out as { note?: unknown } | undefined)?.note === "string" && (
        <Notice kind="warning">{(job.result?.left_out as { note: string }).note}</Notice>
      )}
    </div>
  );
}

/** Starts an Excel export (mail merge columns) of a list, an event's participants, a mailing's recipients or
 * chosen contacts, and follows the job to its download. */
export function ExportButton({ source, label, disabled }: { source: Record<string, unknown>; label?: string; disabled?: boolean }) {
  const { t, lang } = useI18n();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const start = async () => {
    setError(null);
    try {
      setJob(await api.post<Job>(`${CRM}/exports`, { source, language: lang }));
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    }
  };
  return (
    <div className="export-box">
      <button type="button" onClick={start} disabled={disabled || jobRunning(job)}>{label ?? t("contacts.export.button")}</button>
      <ErrorNotice error={error} fieldsShown={false} />
      {job && <JobStatus job={job} onChange={setJob} label={t("contacts.export.job")} downloadLabel={t("contacts.export.download")} />}
    </div>
  );
}

export function ClientLabel({ clients, id }: { clients: ClientRight[]; id: string }) {
  const { t } = useI18n();
  const c = clients.find((x) => x.id === id);
  if (!c) return <span className="muted">–</span>;
  return (
    <span className="client-label">
      {c.name}
      {c.right === "read" && <> <Badge kind="warn">{t("common.right.read")}</Badge></>}
    </span>
  );
}

export function ReadOnlyNotice({ clients, id }: { clients: ClientRight[]; id: string | null | undefined }) {
  const { t } = useI18n();
  const c = clients.find((x) => x.id === id);
  if (!c || c.right !== "read") return null;
  return (
    <div className="notice warning" role="note" data-testid="read-only">
      <Badge kind="warn">{t("common.right.read")}</Badge> {t("contacts.readOnly", { client: c.name })}
    </div>
  );
}

export function EmailState({ state }: { state: string | null | undefined }) {
  const { t } = useI18n();
  if (!state) return null;
  const kind = state === "valid" ? "ok" : state === "invalid" ? "bad" : "neutral";
  return <Badge kind={kind}>{t(`contacts.emailState.${state}`)}</Badge>;
}

/** The contact table: name (link), organisation, position, e-mail with state, city, client; optional checkboxes. */
export function ContactTable({ items, clients, label, selected, onSelect, extra, showClient = true }: {
  items: ContactSummary[]; clients: ClientRight[]; label: string; selected?: Set<string>; onSelect?: (id: string, on: boolean) => void;
  extra?: { head: ReactNode; cell: (c: ContactSummary) => ReactNode }; showClient?: boolean;
}) {
  const { t } = useI18n();
  const allOn = !!selected && items.length > 0 && items.every((c) => selected.has(c.id));
  return (
    <TableWrap label={label}>
      <thead>
        <tr>
          {onSelect && (
            <th>
              <input type="checkbox" aria-label={t("contacts.selectAll")} checked={allOn} onChange={(e) => items.forEach((c) => onSelect(c.id, e.target.checked))} />
            </th>
          )}
          <th>{t("contacts.name")}</th>
          <th>{t("contacts.organisation")}</th>
          <th>{t("contacts.position")}</th>
          <th>{t("contacts.email")}</th>
          <th>{t("contacts.city")}</th>
          {showClient && <th>{t("common.client")}</th>}
          {extra && <th>{extra.head}</th>}
        </tr>
      </thead>
      <tbody>
        {items.length === 0 && <tr><td colSpan={8}>{t("contacts.noResults")}</td></tr>}
        {items.map((c) => (
          <tr key={c.id} data-contact={displayName(c)}>
            {onSelect && (
              <td>
                <input type="checkbox" aria-label={t("contacts.select", { name: displayName(c) })} checked={selected?.has(c.id) ?? false} onChange={(e) => onSelect(c.id, e.target.checked)} />
              </td>
            )}
            <td>
              <Link to={`/contacts/${c.id}`}>{displayName(c)}</Link>
              {c.kind === "organisation" && <> <Badge kind="info">{t("contacts.kind.organisation")}</Badge></>}
            </td>
            <td>{c.kind === "organisation" ? (c.org_name ? "" : "–") : c.organisation || "–"}</td>
            <td>{c.position || "–"}</td>
            <td>{c.email ? <><span className="nowrap">{c.email}</span> {c.email_state !== "valid" && <EmailState state={c.email_state} />}</> : <span className="muted">–</span>}</td>
            <td>{[c.city, c.country && c.country !== "DE" ? c.country : ""].filter(Boolean).join(", ") || "–"}</td>
            {showClient && <td><ClientLabel clients={clients} id={c.client_id} /></td>}
            {extra && <td>{extra.cell(c)}</td>}
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

/** Search contacts of one client and add the chosen ones (to a list, to an event). */
export function ContactPicker({ clientId, clients, onAdd, addLabel, busy }: {
  clientId: string; clients: ClientRight[]; onAdd: (ids: string[]) => Promise<void>; addLabel: string; busy?: boolean;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState("");
  const [items, setItems] = useState<ContactSummary[] | null>(null);
  const { selected, toggle, clear: clearSelected } = useSelection();
  const [error, setError] = useState<ApiError | null>(null);
  const search = async (e?: React.FormEvent) => {
    e?.preventDefault();
    setError(null);
    try {
      const page = await searchContacts({ q, client_ids: [clientId] }, null, 25);
      setItems(page.items);
      clearSelected();
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    }
  };
  return (
    <div className="picker">
      <form role="search" onSubmit={search} className="inline-form" aria-label={t("contacts.picker.title")}>
        <Field label={t("contacts.picker.search")} value={q} onChange={(e) => setQ(e.target.value)} type="search" />
        <button type="submit">{t("common.search")}</button>
      </form>
      <ErrorNotice error={error} />
      {items && (
        <>
          <ContactTable items={items} clients={clients} label={t("contacts.picker.results")} selected={selected} onSelect={toggle} showClient={false} />
          <div className="buttons">
            <button type="button" className="primary" disabled={busy || selected.size === 0} onClick={async () => {
              await onAdd([...selected]);
              clearSelected();
            }}>
              {addLabel} ({selected.size})
            </button>
          </div>
        </>
      )}
    </div>
  );
}

/** A dangerous action asks once more inline (no browser dialog): the first click shows the question. */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, disabled, className = "danger" }: {
  label: string; question: ReactNode; confirmLabel: string; onConfirm: () => Promise<void> | void; disabled?: boolean; className?: string;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) return <button type="button" className={className === "danger" ? "" : className} disabled={disabled} onClick={() => setAsking(true)}>{label}</button>;
  return (
    <div className="confirm" role="group" aria-label={label}>
      <p className="confirm-question">{question}</p>
      <div className="buttons">
        <button type="button" className={className} disabled={busy} onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}>{confirmLabel}</button>
        <button type="button" onClick={() => setAsking(false)}>{t("common.cancel")}</button>
      </div>
    </div>
  );
}

/** Cursor paging: the items so far and "load more". */
export function useCursorList<T>(load: (cursor: string | null, signal?: AbortSignal) => Promise<{ items: T[]; next_cursor: string | null }>, deps: unknown[]) {
  const [items, setItems] = useState<T[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    load(null, controller.signal)
      .then((page) => {
        setItems(page.items);
        setCursor(page.next_cursor);
      })
      .catch((exc) => {
        if ((exc as Error).name !== "AbortError") setError(exc instanceof ApiError ? exc : new ApiError(0, null, null));
      })
      .finally(() => setLoading(false));
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps, as with useEffect (load is new each render)
  }, [...deps, tick]);
  const more = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await load(cursor);
      setItems((old) => [...(old ?? []), ...page.items]);
      setCursor(page.next_cursor);
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    } finally {
      setLoading(false);
    }
  };
  return { items, cursor, error, loading, more, reload: () => setTick((x) => x + 1), setItems };
}

export function MoreButton({ list }: { list: { cursor: string | null; loading: boolean; more: () => void } }) {
  const { t } = useI18n();
  if (!list.cursor) return null;
  return <div className="buttons"><button type="button" onClick={list.more} disabled={list.loading}>{t("common.more")}</button></div>;
}
