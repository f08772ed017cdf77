/** The account's security audit log with filters (event, user, period), newest first, paged by cursor. */
import { useState } from "react";
import { api } from "../../api/client";
import { useI18n } from "../../i18n";
import { ErrorNotice, Field, Loading, Page, TableWrap } from "../../ui/components";
import { formatDateTime } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { AdminTabs } from "./Tabs";

export interface AuditEntry {
  id: number; at: string; event: string; actor_kind: string; actor_email?: string | null; actor_id?: string | null;
  target_user_id?: string | null; ip?: string | null; details?: Record<string, unknown>;
}
interface AuditPageData { entries: AuditEntry[]; next_cursor: number | null }

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const { t, lang } = useI18n();
  return (
    <TableWrap label={t("admin.tab.audit")}>
      <thead><tr><th>{t("admin.audit.at")}</th><th>{t("admin.audit.event")}</th><th>{t("admin.audit.actor")}</th><th>{t("admin.audit.ip")}</th><th>{t("admin.audit.details")}</th></tr></thead>
      <tbody>
        {entries.length === 0 && <tr><td colSpan={5}>{t("common.none")}</td></tr>}
        {entries.map((e) => (
          <tr key={e.id}>
            <td>{formatDateTime(lang, e.at)}</td>
            <td><code>{e.event}</code></td>
            <td>{e.actor_email || e.actor_kind}</td>
            <td>{e.ip || "–"}</td>
            <td><small>{e.details && Object.keys(e.details).length ? JSON.stringify(e.details).slice(0, 200) : ""}</small></td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

export function AuditPage({ endpoint = "/api/v1/audit", embedded = false }: { endpoint?: string; embedded?: boolean }) {
  const { t } = useI18n();
  const filter = useForm({ event: "", user_id: "", since: "", until: "" });
  const [applied, setApplied] = useState(filter.values);
  const [more, setMore] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const query = (extra: Record<string, string | number | null>) => ({
    event: applied.event, user_id: applied.user_id,
    since: applied.since ? new Date(applied.since).toISOString() : "", until: applied.until ? new Date(applied.until).toISOString() : "", ...extra,
  });
  const page = useLoad(async (signal) => {
    const r = await api.get<AuditPageData>(endpoint, { signal, query: query({ limit: 50 }) });
    setMore([]);
    setCursor(r.next_cursor);
    return r;
  }, [applied, endpoint]);
  const loadMore = async () => {
    const r = await api.get<AuditPageData>(endpoint, { query: query({ limit: 50, cursor }) });
    setMore((m) => [...m, ...r.entries]);
    setCursor(r.next_cursor);
  };
  const body = (
    <>
      <form className="card" noValidate onSubmit={(e) => { e.preventDefault(); setApplied(filter.values); }} aria-label={t("common.filter")}>
        <div className="form-row">
          <Field label={t("admin.audit.event")} hint={t("admin.audit.eventHint")} value={filter.values.event} onChange={(e) => filter.set("event", e.target.value)} error={page.error?.fields.event} />
          <Field label={t("admin.audit.user")} value={filter.values.user_id} onChange={(e) => filter.set("user_id", e.target.value)} error={page.error?.fields.user_id} />
          <Field label={t("admin.audit.since")} type="date" value={filter.values.since} onChange={(e) => filter.set("since", e.target.value)} error={page.error?.fields.since} />
          <Field label={t("admin.audit.until")} type="date" value={filter.values.until} onChange={(e) => filter.set("until", e.target.value)} error={page.error?.fields.until} />
        </div>
        <div className="buttons"><button type="submit">{t("common.filter")}</button></div>
      </form>
      <ErrorNotice error={page.error} />
      {!page.data ? (page.loading ? <Loading /> : null) : <AuditTable entries={[...page.data.entries, ...more]} />}
      {cursor && <button type="button" onClick={loadMore}>{t("common.more")}</button>}
    </>
  );
  if (embedded) return body;
  return (
    <Page title={t("admin.title")} wide>
      <AdminTabs />
      {body}
    </Page>
  );
}
