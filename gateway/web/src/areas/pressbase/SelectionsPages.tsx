/**
 * Selections: saved searches (their records are the search's current results) and hand-picked lists. The list of
 * them, a new list, and one selection: its records (a list's entries can be removed), its use as mailing
 * recipients, the transfer into contacts, the Excel export (where licensed, otherwise the reason), rename, delete.
 * A selection limited to a read-only client is shown read-only; hidden clients' selections are not listed.
 */
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api } from "../../api/client";
import { useClients, type ClientRight } from "../../app/clients";
import { canWriteShared } from "../../app/rights";
import { useI18n } from "../../i18n";
import { Badge, ErrorNotice, Field, Loading, Notice, Page, Select, TableWrap } from "../../ui/components";
import { formatBytes, formatDateTime, formatNumber } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import {
  labelOf, loadLicence, loadReference, P, type Job, type Journalist, type Licence, type Member, type Outlet,
  type Page as ApiPage, type Reference, type Selection,
} from "./api";
import { searchUrl } from "./SearchPage";
import { ActionPanel, Codes, JobProgress, MoreButton, PressbaseTabs, SelectionClientSelect, TransferPanel, useJob } from "./shared";

function clientOf(clients: ClientRight[], id: string | null) {
  return id ? clients.find((c) => c.id === id) ?? null : null;
}

export function ClientCell({ clients, id }: { clients: ClientRight[]; id: string | null }) {
  const { t } = useI18n();
  if (!id) return <span className="muted">{t("pressbase.selection.accountWide")}</span>;
  const c = clientOf(clients, id);
  return (
    <>
      {c?.name ?? "–"} {c?.right === "read" && <Badge kind="warn">{t("common.right.read")}</Badge>}
    </>
  );
}

function NewList({ clients, onCreated }: { clients: ClientRight[]; onCreated: (s: Selection) => void }) {
  const { t } = useI18n();
  const form = useForm({ name: "", target: "journalists", client_id: "" });
  const submit = () => form.submit(async (v) => {
    const s = await api.post<Selection>(`${P}/selections`, { name: v.name, kind: "list", target: v.target, client_id: v.client_id || null });
    onCreated(s);
  });
  return (
    <form className="card" noValidate onSubmit={(e) => { e.preventDefault(); submit(); }} aria-labelledby="new-list-title">
      <h2 id="new-list-title">{t("pressbase.selections.new")}</h2>
      <div className="form-row">
        <Field label={t("pressbase.add.name")} value={form.values.name} onChange={(e) => form.set("name", e.target.value)} error={form.fieldErrors.name} required maxLength={200} />
        <Select label={t("pressbase.selection.target")} value={form.values.target} onChange={(e) => form.set("target", e.target.value)} error={form.fieldErrors.target}>
          <option value="journalists">{t("pressbase.target.journalists")}</option>
          <option value="outlets">{t("pressbase.target.outlets")}</option>
        </Select>
        <SelectionClientSelect clients={clients} value={form.values.client_id}
          onChange={(id) => form.set("client_id", id)} error={form.fieldErrors.client_id} />
      </div>
      <ErrorNotice error={form.error} />
      <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("pressbase.selections.create")}</button></div>
    </form>
  );
}

export function SelectionsPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { clients } = useClients();
  const [more, setMore] = useState<Selection[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useLoad(async (signal) => {
    const r = await api.get<ApiPage<Selection>>(`${P}/selections`, { signal, query: { limit: 100 } });
    setMore([]);
    setCursor(r.next_cursor);
    return r;
  }, []);
  const loadMore = async () => {
    const r = await api.get<ApiPage<Selection>>(`${P}/selections`, { query: { limit: 100, cursor } });
    setMore((m) => [...m, ...r.items]);
    setCursor(r.next_cursor);
  };
  const items = list.data ? [...list.data.items, ...more] : [];
  return (
    <Page title={t("pressbase.selections.title")} wide>
      <PressbaseTabs />
      <p className="hint">{t("pressbase.selections.intro")}</p>
      <ErrorNotice error={list.error} />
      {!list.data && list.loading && <Loading />}
      {list.data && (
        <TableWrap label={t("pressbase.selections.title")}>
          <thead>
            <tr>
              <th>{t("pressbase.name")}</th><th>{t("pressbase.selection.kind")}</th><th>{t("pressbase.selection.target")}</th>
              <th>{t("common.client")}</th><th className="num">{t("pressbase.selection.entries")}</th><th>{t("pressbase.selection.changed")}</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && <tr><td colSpan={6}>{t("pressbase.selections.none")}</td></tr>}
            {items.map((s) => (
              <tr key={s.id} data-selection={s.name}>
                <td><Link to={`/pressbase/selections/${s.id}`}>{s.name}</Link></td>
                <td>{t(`pressbase.kind.${s.kind}`)}</td>
                <td>{t(`pressbase.target.${s.target}`)}</td>
                <td><ClientCell clients={clients} id={s.client_id} /></td>
                <td className="num">{s.kind === "list" ? formatNumber(lang, s.items.journalists + s.items.outlets) : <span className="muted">{t("pressbase.selection.live")}</span>}</td>
                <td>{formatDateTime(lang, s.updated_at ?? s.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {cursor && <MoreButton load={loadMore} />}
      <NewList clients={clients} onCreated={(s) => navigate(`/pressbase/selections/${s.id}`)} />
    </Page>
  );
}

function QuerySummary({ selection }: { selection: Selection }) {
  const { t, lang } = useI18n();
  const [refData, setRefData] = useState<Reference | null>(null);
  useEffect(() => { loadReference(lang).then(setRefData).catch(() => setRefData(null)); }, [lang]);
  const q = selection.query?.q;
  const filters = selection.query?.filters ?? {};
  const parts = Object.entries(filters).flatMap(([g, v]) => {
    const values = Array.isArray(v) ? v : [v];
    return values.map((x) => `${t(`pressbase.facet.${g}`)}: ${g === "freelance" ? t(`pressbase.freelance.${x}`) : labelOf(refData, g, String(x)) ?? String(x)}`);
  });
  return (
    <p>
      {q ? <>{t("pressbase.q")}: <strong>„{q}“</strong></> : t("pressbase.selection.noWords")}
      {parts.length > 0 && <> · {parts.join(" · ")}</>}{" "}
      <Link to={searchUrl(selection.target, q, filters as Record<string, unknown>)}>{t("pressbase.selection.openSearch")}</Link>
    </p>
  );
}

function Members({ selection, canWrite, onChanged }: { selection: Selection; canWrite: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [more, setMore] = useState<Member[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [tick, setTick] = useState(0);
  const members = useLoad(async (signal) => {
    const r = await api.get<ApiPage<Member>>(`${P}/selections/${selection.id}/members`, { signal, query: { limit: 50 } });
    setMore([]);
    setCursor(r.next_cursor);
    setPicked(new Set());
    return r;
  }, [selection.id, tick]);
  const loadMore = async () => {
    const r = await api.get<ApiPage<Member>>(`${P}/selections/${selection.id}/members`, { query: { limit: 50, cursor } });
    setMore((m) => [...m, ...r.items]);
    setCursor(r.next_cursor);
  };
  const remove = useForm({});
  const removePicked = () => remove.submit(async () => {
    const ids = [...picked].map((k) => k.split(":"));
    await api.post(`${P}/selections/${selection.id}/items/remove`, {
      journalist_ids: ids.filter(([k]) => k === "journalist").map(([, i]) => Number(i)),
      outlet_ids: ids.filter(([k]) => k === "outlet").map(([, i]) => Number(i)),
    });
    setTick((n) => n + 1);
    onChanged();
  });
  const items = members.data ? [...members.data.items, ...more] : [];
  const listable = selection.kind === "list" && canWrite;
  return (
    <>
      <ErrorNotice error={members.error} />
      {!members.data && members.loading && <Loading />}
      {members.data && (
        <TableWrap label={t("pressbase.selection.members")}>
          <thead>
            <tr>
              {listable && <th><span className="sr-only">{t("pressbase.selection.pick")}</span></th>}
              <th>{t("pressbase.name")}</th><th>{t("pressbase.details")}</th><th>{t("pressbase.email")}</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && <tr><td colSpan={listable ? 4 : 3}>{t("pressbase.selection.empty")}</td></tr>}
            {items.map((m) => {
              const key = `${m.kind}:${m.id as number}`;
              const j = m.kind === "journalist" ? (m as unknown as Journalist) : null;
              const o = m.kind === "outlet" ? (m as unknown as Outlet) : null;
              const name = (j?.name ?? o?.name) as string;
              return (
                <tr key={key}>
                  {listable && (
                    <td>
                      <input type="checkbox" checked={picked.has(key)} aria-label={t("pressbase.pick", { name })}
                        onChange={(e) => setPicked((s) => { const n = new Set(s); if (e.target.checked) n.add(key); else n.delete(key); return n; })} />
                    </td>
                  )}
                  <td>
                    <Link to={j ? `/pressbase/journalists/${j.id}` : `/pressbase/outlets/${o!.id}`}>{name}</Link>
                    <div className="muted small">{j ? t("pressbase.journalist") : t("pressbase.outlet")}</div>
                  </td>
                  <td>
                    {j && <>{j.position}{j.outlets.length > 0 && ` · ${j.outlets.map((x) => x.name).join(", ")}`}<div className="muted small"><Codes codes={j.desks} /></div></>}
                    {o && <>{[o.media_type?.label, o.city].filter(Boolean).join(" · ")}</>}
                  </td>
                  <td>{(j?.email ?? o?.email) || <span className="muted">{t("pressbase.noEmail")}</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </TableWrap>
      )}
      <div className="buttons">
        {cursor && <MoreButton load={loadMore} />}
        {listable && (
          <button type="button" className="danger" disabled={picked.size === 0 || remove.busy} onClick={removePicked}>
            {t("pressbase.selection.remove", { n: picked.size })}
          </button>
        )}
      </div>
      <ErrorNotice error={remove.error} />
    </>
  );
}

function Recipients({ selection }: { selection: Selection }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<{ total: number; withEmail: number; more: boolean } | null>(null);
  const check = useForm({});
  const run = () => check.submit(async () => {
    const r = await api.get<{ recipients: { email_valid: boolean }[]; next_cursor: string | null }>(
      `${P}/selections/${selection.id}/recipients`, { query: { limit: 1000 } });
    setState({ total: r.recipients.length, withEmail: r.recipients.filter((x) => x.email_valid).length, more: !!r.next_cursor });
  });
  return (
    <>
      <p>{t("pressbase.recipients.intro", { name: selection.name })}</p>
      <div className="buttons"><button type="button" onClick={run} disabled={check.busy}>{t("pressbase.recipients.check")}</button></div>
      <ErrorNotice error={check.error} />
      {state && (
        <Notice>
          {t(state.more ? "pressbase.recipients.countMore" : "pressbase.recipients.count", { n: formatNumber(lang, state.total), count: state.total, ok: formatNumber(lang, state.withEmail) })}
          {state.total > state.withEmail && <> {t("pressbase.recipients.missing", { n: formatNumber(lang, state.total - state.withEmail), count: state.total - state.withEmail })}</>}
        </Notice>
      )}
    </>
  );
}

/** The Excel export of a selection where licensed: a job with progress, then the download; otherwise the reason. */
export function ExportPanel({ selection, licence, reason }: { selection: Selection; licence: Licence | null; reason: string | null }) {
  const { t, lang } = useI18n();
  const [started, setStarted] = useState<Job | null>(null);
  const { job, running } = useJob(started);
  const form = useForm({});
  const [refusal, setRefusal] = useState<string | null>(null);
  if (!licence) return <Loading />;
  const start = () => form.submit(async () => {
    setStarted(null);
    try {
      setStarted(await api.post<Job>(`${P}/selections/${selection.id}/export`, { lang }));
    } catch (exc) {
      if ((exc as { status?: number }).status === 403) setRefusal((exc as { detail: string }).detail);
      throw exc;
    }
  });
  if (!licence.export || refusal) {
    return (
      <div className="notice warning" role="note" data-testid="export-reason">
        <strong>{t("pressbase.export.unavailable")}</strong> {refusal || reason || t("pressbase.export.notLicensed")}
      </div>
    );
  }
  const result = job?.state === "done" ? job.result as { export_id: string; records: number; filename: string; size: number } : null;
  return (
    <>
      <p className="hint">{t("pressbase.export.intro")}</p>
      <div className="buttons">
        <button type="button" className="primary" onClick={start} disabled={form.busy || running}>{t("pressbase.export.submit")}</button>
      </div>
      <ErrorNotice error={form.error} fieldsShown={false} />
      {job && <JobProgress job={job} label={t("pressbase.export.running")} />}
      {result && (
        <Notice kind="success">
          {t("pressbase.export.done", { n: formatNumber(lang, result.records), count: result.records })}{" "}
          <a href={`${P}/exports/${result.export_id}/file`} download={result.filename}>
            {t("pressbase.export.download", { file: result.filename, size: formatBytes(lang, result.size) })}
          </a>
        </Notice>
      )}
    </>
  );
}

function Rename({ selection, onSaved }: { selection: Selection; onSaved: (s: Selection) => void }) {
  const { t } = useI18n();
  const form = useForm({ name: selection.name });
  const [saved, setSaved] = useState(false);
  return (
    <form noValidate onSubmit={(e) => { e.preventDefault(); setSaved(false); form.submit(async (v) => { onSaved(await api.patch<Selection>(`${P}/selections/${selection.id}`, { name: v.name })); setSaved(true); }); }}>
      <Field label={t("pressbase.add.name")} value={form.values.name} onChange={(e) => form.set("name", e.target.value)} error={form.fieldErrors.name} required maxLength={200} />
      <ErrorNotice error={form.error} />
      <div className="buttons"><button type="submit" disabled={form.busy}>{t("common.save")}</button>{saved && <span role="status">{t("common.saved")}</span>}</div>
    </form>
  );
}

export function SelectionPage() {
  const { id } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const { clients } = useClients();
  const load = useLoad((signal) => api.get<Selection>(`${P}/selections/${id}`, { signal }), [id]);
  const licence = useLoad((signal) => loadLicence(signal), []);
  const del = useForm({});
  const [confirming, setConfirming] = useState(false);
  const s = load.data;
  const canWrite = !!s && canWriteShared(clients, s.client_id);
  const exportReason = licence.data?.reasons?.export ?? null;
  return (
    <Page title={s ? s.name : t("pressbase.selection")} wide>
      <PressbaseTabs />
      <p><Link to="/pressbase/selections">← {t("pressbase.selections.title")}</Link></p>
      <ErrorNotice error={load.error} />
      {!s && load.loading && <Loading />}
      {s && (
        <>
          <p className="selection-meta">
            <Badge kind="info">{t(`pressbase.kind.${s.kind}`)}</Badge> <Badge>{t(`pressbase.target.${s.target}`)}</Badge>{" "}
            {t("common.client")}: <ClientCell clients={clients} id={s.client_id} />
          </p>
          {!canWrite && <Notice kind="warning">{t("pressbase.selection.readOnly")}</Notice>}
          {s.kind === "search" && <QuerySummary selection={s} />}
          <h2>{t("pressbase.selection.members")}</h2>
          <Members selection={s} canWrite={canWrite} onChanged={load.reload} />
          <div className="panels">
            <ActionPanel id="s-recipients" title={t("pressbase.recipients.title")}>
              <Recipients selection={s} />
            </ActionPanel>
            {s.target === "journalists" && (
              <ActionPanel id="s-transfer" title={t("pressbase.transfer.title")}>
                <TransferPanel clients={clients} selectionId={s.id} />
              </ActionPanel>
            )}
            <ActionPanel id="s-export" title={t("pressbase.export.title")}>
              <ExportPanel selection={s} licence={licence.data} reason={exportReason} />
            </ActionPanel>
            {canWrite && (
              <ActionPanel id="s-edit" title={t("pressbase.selection.edit")}>
                <Rename selection={s} onSaved={(n) => load.setData(n)} />
                <h3>{t("pressbase.selection.delete")}</h3>
                {!confirming ? (
                  <button type="button" className="danger" onClick={() => setConfirming(true)}>{t("pressbase.selection.delete")}</button>
                ) : (
                  <div role="alertdialog" aria-labelledby="del-q" className="notice warning">
                    <p id="del-q">{t("pressbase.selection.deleteConfirm", { name: s.name })}</p>
                    <div className="buttons">
                      <button type="button" className="danger" disabled={del.busy}
                        onClick={() => del.submit(async () => { await api.delete(`${P}/selections/${s.id}`); navigate("/pressbase/selections"); })}>
                        {t("pressbase.selection.deleteNow")}
                      </button>
                      <button type="button" onClick={() => setConfirming(false)}>{t("common.cancel")}</button>
                    </div>
                  </div>
                )}
                <ErrorNotice error={del.error} />
              </ActionPanel>
            )}
          </div>
        </>
      )}
    </Page>
  );
}
