/**
 * After a transfer: journalists whose pressbase record changed (or was deleted) since they were transferred into a
 * client's contacts, field by field, and applying the chosen changes to the contacts. And the export log with
 * the downloads of the last 7 days (where the Excel export is licensed; otherwise the reason).
 */
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api/client";
import { ClientSelect, useClients } from "../../app/clients";
import { useI18n } from "../../i18n";
import { Badge, ErrorNotice, Loading, Notice, Page, TableWrap } from "../../ui/components";
import { formatBytes, formatDate, formatDateTime, formatNumber } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { loadLicence, P, type Change, type ExportEntry, type Page as ApiPage } from "./api";
import { MoreButton, PressbaseTabs } from "./shared";

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  return String(value);
}

export function ChangesPage() {
  const { t, lang } = useI18n();
  const { clients } = useClients();
  const [clientId, setClientId] = useState("");
  useEffect(() => {
    if (clients.length > 0) setClientId((current) => current || clients[0].id);
  }, [clients]);
  const client = clients.find((c) => c.id === clientId);
  const canWrite = client?.right === "full";
  const [more, setMore] = useState<Change[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [tick, setTick] = useState(0);
  const changes = useLoad(async (signal) => {
    if (!clientId) return null;
    const r = await api.get<ApiPage<Change>>(`${P}/transfers/changes`, { signal, query: { client_id: clientId, limit: 50 } });
    setMore([]);
    setCursor(r.next_cursor);
    setPicked(new Set());
    return r;
  }, [clientId, tick, lang]);
  const loadMore = async () => {
    const r = await api.get<ApiPage<Change>>(`${P}/transfers/changes`, { query: { client_id: clientId, limit: 50, cursor } });
    setMore((m) => [...m, ...r.items]);
    setCursor(r.next_cursor);
  };
  const apply = useForm({});
  const [applied, setApplied] = useState<{ applied: number; closed: number; unchanged: number } | null>(null);
  const submit = () => apply.submit(async () => {
    setApplied(null);
    const r = await api.post<{ applied: number; closed: number; unchanged: number }>(`${P}/transfers/apply`, { client_id: clientId, link_ids: [...picked] });
    setApplied(r);
    setTick((n) => n + 1);
  });
  const items = changes.data ? [...changes.data.items, ...more] : [];
  return (
    <Page title={t("pressbase.changes.title")} wide>
      <PressbaseTabs />
      <p className="hint">{t("pressbase.changes.intro")}</p>
      <div className="form-row narrow-row">
        <ClientSelect clients={clients} value={clientId} onChange={(id) => { setClientId(id); setApplied(null); }} error={changes.error?.fields.client_id} />
      </div>
      {client && !canWrite && <Notice kind="warning">{t("pressbase.changes.readOnly")}</Notice>}
      <ErrorNotice error={changes.error} />
      {applied && (
        <Notice kind="success">{t("pressbase.changes.applied", { n: applied.applied, closed: applied.closed, unchanged: applied.unchanged })}</Notice>
      )}
      {clientId && !changes.data && changes.loading && <Loading />}
      {changes.data && (
        items.length === 0 ? <p>{t("pressbase.changes.none")}</p> : (
          <TableWrap label={t("pressbase.changes.title")}>
            <thead>
              <tr>
                {canWrite && <th><span className="sr-only">{t("pressbase.selection.pick")}</span></th>}
                <th>{t("pressbase.journalist")}</th><th>{t("pressbase.changes.what")}</th><th>{t("pressbase.changes.transferred")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.link_id} data-link={c.link_id}>
                  {canWrite && (
                    <td>
                      <input type="checkbox" checked={picked.has(c.link_id)} aria-label={t("pressbase.pick", { name: c.name })}
                        onChange={(e) => setPicked((s) => { const n = new Set(s); if (e.target.checked) n.add(c.link_id); else n.delete(c.link_id); return n; })} />
                    </td>
                  )}
                  <td>
                    {c.state === "deleted" ? c.name : <Link to={`/pressbase/journalists/${c.journalist_id}`}>{c.name}</Link>}
                    <div className="muted small">{c.pressbase_id}</div>
                  </td>
                  <td>
                    {c.state === "deleted" ? <Badge kind="bad">{t("pressbase.changes.deleted")}</Badge> : (
                      <ul className="plain changes">
                        {c.changes.map((f) => (
                          <li key={f.field}><strong>{f.label}:</strong> <del>{show(f.old)}</del> → <ins>{show(f.new)}</ins></li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{formatDate(lang, c.transferred_at)}<div className="muted small">{t("pressbase.changes.version", { from: c.transferred_version, to: c.current_version ?? "–" })}</div></td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )
      )}
      <div className="buttons">
        {cursor && <MoreButton load={loadMore} />}
        {canWrite && items.length > 0 && (
          <>
            <button type="button" onClick={() => setPicked(new Set(items.map((c) => c.link_id)))}>{t("pressbase.changes.all")}</button>
            <button type="button" className="primary" disabled={picked.size === 0 || apply.busy} onClick={submit}>
              {t("pressbase.changes.apply", { n: formatNumber(lang, picked.size) })}
            </button>
          </>
        )}
      </div>
      {apply.fieldErrors.link_ids && <p className="field-error">{apply.fieldErrors.link_ids}</p>}
      <ErrorNotice error={apply.error} />
    </Page>
  );
}

export function ExportsPage() {
  const { t, lang } = useI18n();
  const licence = useLoad((signal) => loadLicence(signal), []);
  const [more, setMore] = useState<ExportEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const log = useLoad(async (signal) => {
    const r = await api.get<ApiPage<ExportEntry>>(`${P}/exports`, { signal, query: { limit: 50 } });
    setMore([]);
    setCursor(r.next_cursor);
    return r;
  }, []);
  const loadMore = async () => {
    const r = await api.get<ApiPage<ExportEntry>>(`${P}/exports`, { query: { limit: 50, cursor } });
    setMore((m) => [...m, ...r.items]);
    setCursor(r.next_cursor);
  };
  const items = log.data ? [...log.data.items, ...more] : [];
  const l = licence.data;
  return (
    <Page title={t("pressbase.exports.title")} wide>
      <PressbaseTabs />
      {l && !l.export ? (
        <div className="notice warning" role="note" data-testid="export-reason">
          <strong>{t("pressbase.export.unavailable")}</strong> {l.reasons?.export ?? t("pressbase.export.notLicensed")}
        </div>
      ) : (
        <p className="hint">{t("pressbase.exports.intro")}</p>
      )}
      <ErrorNotice error={log.error} />
      {!log.data && log.loading && <Loading />}
      {log.data && (
        <TableWrap label={t("pressbase.exports.title")}>
          <thead>
            <tr><th>{t("pressbase.exports.when")}</th><th>{t("pressbase.selection")}</th><th className="num">{t("pressbase.exports.records")}</th><th>{t("pressbase.exports.file")}</th></tr>
          </thead>
          <tbody>
            {items.length === 0 && <tr><td colSpan={4}>{t("pressbase.exports.none")}</td></tr>}
            {items.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(lang, e.created_at)}</td>
                <td>{e.selection_id ? <Link to={`/pressbase/selections/${e.selection_id}`}>{e.selection_name}</Link> : e.selection_name}</td>
                <td className="num">{formatNumber(lang, e.records)}</td>
                <td>
                  {e.available ? (
                    <a href={`${P}/exports/${e.id}/file`} download={e.filename ?? undefined}>
                      {t("pressbase.export.download", { file: e.filename ?? "export.xlsx", size: formatBytes(lang, e.size) })}
                    </a>
                  ) : <span className="muted">{t("pressbase.exports.expired")}</span>}
                  {e.available && e.expires_at && <div className="muted small">{t("pressbase.exports.until", { date: formatDate(lang, e.expires_at) })}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {cursor && <MoreButton load={loadMore} />}
    </Page>
  );
}
