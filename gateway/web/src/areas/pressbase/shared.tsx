/**
 * Pieces the pressbase pages share: the area's tabs, a long job followed to its end (progress, result, error),
 * the transfer into CRM contacts, adding records to a hand-picked list, and small renderers.
 */
import { useEffect, useState, type ReactNode } from "react";
import { Link, NavLink } from "react-router-dom";
import { api, ApiError } from "../../api/client";
import { ClientSelect, type ClientRight } from "../../app/clients";
import { canWriteShared, writableClients } from "../../app/rights";
import { useI18n, useT } from "../../i18n";
import { Badge, ErrorNotice, Field, Notice, Progress, Select } from "../../ui/components";
import { formatNumber } from "../../ui/format";
import { useForm, usePoll } from "../../ui/hooks";
import { getJob, P, type Code, type Job, type Page, type Selection } from "./api";

export function PressbaseTabs() {
  const t = useT();
  const tabs: [string, string, boolean][] = [
    ["/pressbase", "pressbase.tab.search", true],
    ["/pressbase/selections", "pressbase.tab.selections", false],
    ["/pressbase/forward-features", "pressbase.tab.ff", false],
    ["/pressbase/changes", "pressbase.tab.changes", false],
    ["/pressbase/exports", "pressbase.tab.exports", false],
  ];
  return (
    <nav className="tabs" aria-label={t("pressbase.nav")}>
      {tabs.map(([to, label, end]) => (
        <NavLink key={to} to={to} end={end}>{t(label)}</NavLink>
      ))}
    </nav>
  );
}

/** A job started by the caller, followed until it is done or failed. */
export function useJob(initial: Job | null) {
  const [job, setJob] = useState<Job | null>(initial);
  useEffect(() => setJob(initial), [initial]);
  const running = !!job && (job.state === "queued" || job.state === "running");
  usePoll(async () => {
    if (!job) return false;
    const next = await getJob(job.id);
    setJob(next);
    return next.state === "queued" || next.state === "running";
  }, running, 700);
  return { job, running };
}

export function JobProgress({ job, label }: { job: Job; label: string }) {
  const { t } = useI18n();
  if (job.state === "failed") {
    return (
      <div className="notice error" role="alert">
        <strong>{t("pressbase.job.failed")}</strong> {job.error?.detail}
        {job.error?.fields && Object.keys(job.error.fields).length > 0 && (
          <ul>{Object.entries(job.error.fields).map(([f, m]) => <li key={f}>{m}</li>)}</ul>
        )}
      </div>
    );
  }
  if (job.state === "done") return null;
  return <Progress value={job.done} max={job.total} label={job.state === "queued" ? t("pressbase.job.queued") : label} />;
}

export function Codes({ codes }: { codes: Code[] | null | undefined }) {
  if (!codes || codes.length === 0) return <>–</>;
  return <>{codes.map((c) => c.label).join(", ")}</>;
}

export function DatasetBadge({ dataset }: { dataset: string }) {
  const t = useT();
  if (dataset === "dach") return null;
  return <Badge kind="info">{t(`pressbase.dataset.${dataset}`)}</Badge>;
}

/**
 * Transfer journalists (chosen ones or a selection's) into CRM contacts of a client the user may write to; the
 * transfer is a job: progress while it runs, then created / linked.
 */
export function TransferPanel({ clients, journalistIds, selectionId, names }: {
  clients: ClientRight[]; journalistIds?: number[]; selectionId?: string; names?: string[];
}) {
  const { t, lang } = useI18n();
  const writable = writableClients(clients);
  const form = useForm({ client_id: writable.length === 1 ? writable[0].id : "" });
  const [started, setStarted] = useState<Job | null>(null);
  const { job, running } = useJob(started);
  useEffect(() => {
    if (!form.values.client_id && writable.length === 1) form.set("client_id", writable[0].id);
  }, [writable.length]); // eslint-disable-line react-hooks/exhaustive-deps -- only when the writable clients arrive, not on each edit
  if (writable.length === 0) {
    return <Notice kind="warning">{t("pressbase.transfer.noClient")}</Notice>;
  }
  const count = journalistIds?.length ?? 0;
  const start = () => form.submit(async (v) => {
    setStarted(null);
    const body = { client_id: v.client_id || null, journalist_ids: journalistIds };
    const created = selectionId
      ? await api.post<Job>(`${P}/selections/${selectionId}/transfer`, { client_id: v.client_id || null })
      : await api.post<Job>(`${P}/transfers`, body);
    setStarted(created);
  });
  const result = job?.state === "done" ? job.result as { transferred: number; created: number; linked: number } : null;
  const client = clients.find((c) => c.id === form.values.client_id);
  // the contacts page filtered to what this transfer made: transferred from the pressbase into that client
  const contactsQuery = `?${new URLSearchParams([
    ...(names && names.length === 1 ? [["q", names[0]]] : []), ["source_kind", "pressbase"],
    ...(form.values.client_id ? [["client_ids", form.values.client_id]] : []),
  ]).toString()}`;
  return (
    <form className="transfer-panel" noValidate onSubmit={(e) => { e.preventDefault(); start(); }}
      aria-label={t("pressbase.transfer.title")}>
      <p className="hint">{t("pressbase.transfer.intro")}</p>
      <ClientSelect clients={clients} writableOnly value={form.values.client_id} onChange={(id) => form.set("client_id", id)}
        label={t("pressbase.transfer.client")} error={form.fieldErrors.client_id} />
      {form.fieldErrors.journalist_ids && <p className="field-error">{form.fieldErrors.journalist_ids}</p>}
      {form.fieldErrors.selection_id && <p className="field-error">{form.fieldErrors.selection_id}</p>}
      <ErrorNotice error={form.error} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={form.busy || running || (!selectionId && count === 0)}>
          {selectionId || count <= 1 ? t("pressbase.transfer.submit") : t("pressbase.transfer.submitN", { n: formatNumber(lang, count), count: count })}
        </button>
      </div>
      {job && <JobProgress job={job} label={t("pressbase.transfer.running")} />}
      {result && (
        <Notice kind="success">
          {t("pressbase.transfer.done", { n: formatNumber(lang, result.transferred), created: formatNumber(lang, result.created), linked: formatNumber(lang, result.linked), client: client?.name ?? "" })}{" "}
          <Link to={`/contacts${contactsQuery}`}>{t("pressbase.transfer.toContacts")}</Link>
        </Notice>
      )}
    </form>
  );
}

/** Hand-picked lists of the account the user may change (same target), loaded on demand. */
async function writableLists(target: string, clients: ClientRight[]): Promise<Selection[]> {
  const out: Selection[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Selection> = await api.get<Page<Selection>>(`${P}/selections`, { query: { limit: 200, cursor } });
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && out.length < 1000);
  return out.filter((s) => s.kind === "list" && s.target === target
    && canWriteShared(clients, s.client_id));
}

/**
 * Add records to a hand-picked list: an existing one or a new one (name, optionally limited to a client). Either
 * the chosen records or the best results of the current search (`fromSearch`).
 */
export function AddToListPanel({ clients, target, journalistIds = [], outletIds = [], fromSearch, onDone }: {
  clients: ClientRight[]; target: "journalists" | "outlets"; journalistIds?: number[]; outletIds?: number[];
  fromSearch?: { q?: string; filters: Record<string, unknown>; total?: number } | null; onDone?: () => void;
}) {
  const { t, lang } = useI18n();
  const [lists, setLists] = useState<Selection[] | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const form = useForm({ list: "", name: "", client_id: "", scope: fromSearch && journalistIds.length + outletIds.length === 0 ? "search" : "chosen" });
  const [done, setDone] = useState<{ name: string; id: string; added: number } | null>(null);
  useEffect(() => {
    writableLists(target, clients).then(setLists).catch((e) => setLoadError(e instanceof ApiError ? e : null));
  }, [target, clients]);
  const chosen = journalistIds.length + outletIds.length;
  const submit = () => form.submit(async (v) => {
    setDone(null);
    let list = lists?.find((l) => l.id === v.list) ?? null;
    if (!list) {
      list = await api.post<Selection>(`${P}/selections`, { name: v.name, kind: "list", target, client_id: v.client_id || null });
      setLists((ls) => [...(ls ?? []), list!]);
      form.set("list", list.id);
    }
    let added = 0;
    if (v.scope === "search" && fromSearch) {
      const r = await api.post<{ added: number }>(`${P}/selections/${list.id}/items/from-search`,
        { q: fromSearch.q || null, filters: fromSearch.filters, max: 1000 });
      added = r.added;
    } else {
      const r = await api.post<{ added: number }>(`${P}/selections/${list.id}/items`, { journalist_ids: journalistIds, outlet_ids: outletIds });
      added = r.added;
    }
    setDone({ name: list.name, id: list.id, added });
    onDone?.();
  });
  return (
    <form className="add-panel" noValidate onSubmit={(e) => { e.preventDefault(); submit(); }} aria-label={t("pressbase.add.title")}>
      <ErrorNotice error={loadError} />
      {fromSearch && (
        <fieldset>
          <legend>{t("pressbase.add.what")}</legend>
          <div className="field checkbox">
            <input type="radio" id="add-scope-chosen" name="add-scope" checked={form.values.scope === "chosen"} disabled={chosen === 0}
              onChange={() => form.set("scope", "chosen")} />
            <label htmlFor="add-scope-chosen">{t("pressbase.add.chosen", { n: formatNumber(lang, chosen) })}</label>
          </div>
          <div className="field checkbox">
            <input type="radio" id="add-scope-search" name="add-scope" checked={form.values.scope === "search"}
              onChange={() => form.set("scope", "search")} />
            <label htmlFor="add-scope-search">{t("pressbase.add.search")}</label>
          </div>
        </fieldset>
      )}
      <Select label={t("pressbase.add.list")} value={form.values.list} onChange={(e) => form.set("list", e.target.value)}
        error={form.fieldErrors.selection_id}>
        <option value="">{t("pressbase.add.newList")}</option>
        {(lists ?? []).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
      </Select>
      {!form.values.list && (
        <div className="form-row">
          <Field label={t("pressbase.add.name")} value={form.values.name} onChange={(e) => form.set("name", e.target.value)}
            error={form.fieldErrors.name} required maxLength={200} />
          <SelectionClientSelect clients={clients} value={form.values.client_id}
            onChange={(id) => form.set("client_id", id)} error={form.fieldErrors.client_id} />
        </div>
      )}
      {(form.fieldErrors.journalist_ids || form.fieldErrors.outlet_ids) && (
        <p className="field-error">{form.fieldErrors.journalist_ids || form.fieldErrors.outlet_ids}</p>
      )}
      <ErrorNotice error={form.error} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={form.busy || (form.values.scope === "chosen" && chosen === 0)}>
          {t("pressbase.add.submit")}
        </button>
      </div>
      {done && (
        <Notice kind="success">
          {t("pressbase.add.done", { n: formatNumber(lang, done.added), name: done.name })}{" "}
          <Link to={`/pressbase/selections/${done.id}`}>{t("pressbase.add.open")}</Link>
        </Notice>
      )}
    </form>
  );
}

/** A collapsible action panel (a real button with aria-expanded). */
export function ActionPanel({ title, children, defaultOpen = false, id }: { title: string; children: ReactNode; defaultOpen?: boolean; id: string }) {
  const [open, setOpen] = useState(defaultOpen);
  return (
    <section className={`action-panel${open ? " open" : ""}`}>
      <h2>
        <button type="button" className="panel-toggle" aria-expanded={open} aria-controls={id} onClick={() => setOpen((o) => !o)}>
          {title}
        </button>
      </h2>
      {open && <div id={id} className="panel-body">{children}</div>}
    </section>
  );
}

/** "Load more" for a cursor-paged list: busy while loading, a failure shown next to it (the rows loaded stay). */
export function MoreButton({ load }: { load: () => Promise<void> }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await load();
    } catch (exc) {
      setError(exc instanceof ApiError ? exc : new ApiError(0, null, null));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" onClick={run} disabled={busy}>{busy ? t("common.loading") : t("common.more")}</button>
      <ErrorNotice error={error} />
    </>
  );
}

/** The client a new selection belongs to: clients with full access, or the whole account (every user sees it). */
export function SelectionClientSelect({ clients, value, onChange, error }: {
  clients: ClientRight[]; value: string; onChange: (id: string) => void; error?: string;
}) {
  const t = useT();
  return (
    <Select label={t("pressbase.selection.client")} value={value} onChange={(e) => onChange(e.target.value)}
      error={error} hint={t("pressbase.selection.clientHint")}>
      <option value="">{t("pressbase.selection.accountWide")}</option>
      {writableClients(clients).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
    </Select>
  );
}
