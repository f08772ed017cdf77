/** The suppression list (Sperrliste): addresses and whole domains never mailed, with the reason; everyone may add
 * an entry, only administrators lift one (an unsubscribe is the recipient's wish, a hard bounce a fact). */
import { useState } from "react";
import { ApiError } from "../../api/client";
import { useSession } from "../../app/session";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Field, Loading, Notice, Page, Select, TableWrap } from "../../ui/components";
import { formatDateTime } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { api } from "../../api/client";
import { D, type Page as ApiPage, type Suppression } from "./api";
import { MailingsTabs } from "./MailingsPage";

const REASONS = ["blacklist", "unsubscribed", "hard_bounce", "soft_bounces", "complaint"];

export function SuppressionsPage() {
  const { t, lang } = useI18n();
  const { hasRole } = useSession();
  const admin = hasRole("administrator");
  const [reason, setReason] = useState("");
  const [q, setQ] = useState("");
  const [query, setQuery] = useState("");
  const [more, setMore] = useState<Suppression[]>([]);
  const [cursor, setCursor] = useState<string | number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ address: string; error: ApiError } | null>(null);
  const list = useLoad(async (signal) => {
    const page = await api.get<ApiPage<Suppression>>(`${D}/suppressions`, { signal, query: { q: query || undefined, state: reason || undefined, limit: 100 } });
    setMore([]);
    setCursor(page.next_cursor);
    return page.items;
  }, [query, reason]);
  const form = useForm({ address: "" });
  const rows = [...(list.data ?? []), ...more];

  const loadMore = async () => {
    if (cursor === null) return;
    const page = await api.get<ApiPage<Suppression>>(`${D}/suppressions`, { query: { q: query || undefined, state: reason || undefined, limit: 100, cursor } });
    setMore((m) => [...m, ...page.items]);
    setCursor(page.next_cursor);
  };
  const remove = async (address: string) => {
    setRowError(null);
    setDone(null);
    try {
      await api.delete(`${D}/suppressions/${encodeURIComponent(address)}`);
      setDone(t("mailings.sup.removed", { address }));
      list.reload();
    } catch (exc) {
      if (exc instanceof ApiError) setRowError({ address, error: exc });
    }
  };
  return (
    <Page title={t("mailings.sup.title")} wide>
      <MailingsTabs />
      <p className="muted">{t("mailings.sup.intro")}</p>
      <Card title={t("mailings.sup.add")}>
        <form noValidate className="inline-form" onSubmit={(e) => {
          e.preventDefault();
          setDone(null);
          form.submit(async (v) => {
            const r = await api.post<{ address: string; created: boolean }>(`${D}/suppressions`, { address: v.address.trim() });
            setDone(t(r.created ? "mailings.sup.added" : "mailings.sup.already", { address: r.address }));
            form.setValues({ address: "" });
            list.reload();
          });
        }}>
          <Field label={t("mailings.sup.address")} hint={t("mailings.sup.addressHint")} value={form.values.address}
            onChange={(e) => form.set("address", e.target.value)} error={form.fieldErrors.address} required />
          <button type="submit" className="primary" disabled={form.busy || !form.values.address.trim()}>{t("mailings.sup.addButton")}</button>
        </form>
        {form.error && !form.fieldErrors.address && <ErrorNotice error={form.error} />}
      </Card>
      {done && <Notice kind="success">{done}</Notice>}
      <div className="form-row" role="search">
        <Field label={t("mailings.sup.search")} type="search" value={q} onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); setQuery(q.trim()); } }} onBlur={() => setQuery(q.trim())} />
        <Select label={t("mailings.reason")} value={reason} onChange={(e) => setReason(e.target.value)}>
          <option value="">{t("mailings.state.all")}</option>
          {REASONS.map((r) => <option key={r} value={r}>{t(`mailings.reason.${r}`)}</option>)}
        </Select>
      </div>
      {!admin && <p className="hint">{t("mailings.sup.adminOnly")}</p>}
      <ErrorNotice error={list.error} />
      {!list.data ? <Loading /> : rows.length === 0 ? <p className="muted">{t("mailings.sup.empty")}</p> : (
        <TableWrap label={t("mailings.sup.title")}>
          <thead>
            <tr>
              <th>{t("mailings.sup.address")}</th><th>{t("mailings.reason")}</th><th>{t("mailings.sup.scope")}</th><th>{t("mailings.sup.since")}</th>
              {admin && <th>{t("common.actions")}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => {
              const erased = s.address.startsWith("#");
              return (
                <tr key={s.id} data-suppression={s.address}>
                  <td>{erased ? <span className="muted">{t("mailings.sup.erased")}</span> : s.address}{s.address.startsWith("@") && <> <Badge kind="info">{t("mailings.sup.domain")}</Badge></>}</td>
                  <td><Badge kind={s.reason === "blacklist" ? "neutral" : "warn"}>{t(`mailings.reason.${REASONS.includes(s.reason) ? s.reason : "other"}`)}</Badge></td>
                  <td data-scope={s.scope ?? "account"}>
                    {t(s.scope === "client" ? "mailings.sup.scopeClient" : "mailings.sup.scopeAccount")}
                    {s.mailing && <div className="small-text">{t("mailings.sup.fromMailing", { name: s.mailing.name || s.mailing.id })}</div>}
                  </td>
                  <td>{formatDateTime(lang, s.created_at)}</td>
                  {admin && (
                    <td>
                      {!erased && (
                        <button type="button" className="small" onClick={() => remove(s.address)} aria-label={`${t("mailings.sup.remove")}: ${s.address}`}>
                          {t("mailings.sup.remove")}
                        </button>
                      )}
                      {rowError?.address === s.address && <p className="field-error" role="alert">{rowError.error.detail || rowError.error.title}</p>}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </TableWrap>
      )}
      {cursor !== null && <button type="button" onClick={loadMore}>{t("common.more")}</button>}
    </Page>
  );
}
