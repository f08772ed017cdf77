/** Accounts with their subscriptions; one account: subscription, invoices, consumption, contracts. */
import { Link, useParams } from "react-router-dom";
import { api } from "../../api/client";
import { useI18n } from "../../i18n";
import { Card, ErrorNotice, Loading, Page, TableWrap } from "../../ui/components";
import { formatBytes, formatDate, formatMoney, formatNumber } from "../../ui/format";
import { useLoad } from "../../ui/hooks";
import { PhaseBadge } from "../home/HomePage";
import type { Consumption, Subscription } from "../subscription/api";
import { BackofficeTabs } from "./Tabs";

interface AccountRow { account_id: string; name: string | null; state: string; phase: string; seats: number | null; addons: string[]; ends_on: string | null }
interface IdentityAccount { id: string; name: string; active_users: number; seats: number }
interface Overview {
  account_id: string; state: string; subscription?: Subscription; consumption: Consumption;
  invoices: { id: string; number: string; issue_date: string; gross_cents: number; doc_type: string }[];
  contracts: { id?: string; valid_from?: string; monthly_cents?: number; one_time_cents?: number; note?: string }[];
}

export function AccountsPage() {
  const { t, lang } = useI18n();
  const data = useLoad(async (signal) => {
    const [billing, identity] = await Promise.all([
      api.get<AccountRow[]>("/api/v1/backoffice/billing/accounts", { signal }),
      api.get<{ accounts: IdentityAccount[] }>("/api/v1/backoffice/accounts", { signal }).catch(() => ({ accounts: [] })),
    ]);
    const users = new Map(identity.accounts.map((a) => [a.id, a]));
    return billing.map((b) => ({ ...b, identity: users.get(b.account_id) }));
  });
  return (
    <Page title={t("bo.title")} wide>
      <BackofficeTabs />
      <ErrorNotice error={data.error} />
      {!data.data ? <Loading /> : (
        <TableWrap label={t("bo.tab.accounts")}>
          <thead><tr><th>{t("bo.accounts.name")}</th><th>{t("sub.state")}</th><th className="num">{t("sub.seats")}</th><th className="num">{t("bo.accounts.activeUsers")}</th><th>{t("sub.addons")}</th><th>{t("bo.accounts.endsOn")}</th></tr></thead>
          <tbody>
            {data.data.length === 0 && <tr><td colSpan={6}>{t("common.none")}</td></tr>}
            {data.data.map((a) => (
              <tr key={a.account_id}>
                <td><Link to={`/backoffice/accounts/${a.account_id}`}>{a.name || a.identity?.name || a.account_id}</Link></td>
                <td><PhaseBadge phase={a.phase} /></td>
                <td className="num">{a.seats ?? "–"}</td>
                <td className="num">{a.identity ? formatNumber(lang, a.identity.active_users) : "–"}</td>
                <td>{a.addons.join(", ") || "–"}</td>
                <td>{formatDate(lang, a.ends_on)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </Page>
  );
}

export function AccountPage() {
  const { t, lang } = useI18n();
  const { accountId } = useParams();
  const data = useLoad((signal) => api.get<Overview>(`/api/v1/backoffice/billing/accounts/${accountId}`, { signal }), [accountId]);
  const d = data.data;
  const sub = d?.subscription;
  return (
    <Page title={t("bo.account.title")} wide>
      <BackofficeTabs />
      <p><Link to="/backoffice/accounts">{t("common.back")}</Link></p>
      <ErrorNotice error={data.error} />
      {!d ? (data.loading ? <Loading /> : null) : (
        <>
          <div className="grid">
            <Card title={t("sub.plan")}>
              {sub ? (
                <dl className="facts">
                  <dt>{t("bo.accounts.name")}</dt><dd>{sub.invoice_recipient.name}</dd>
                  <dt>{t("sub.state")}</dt><dd><PhaseBadge phase={sub.phase} /></dd>
                  <dt>{t("sub.seats")}</dt><dd>{sub.plan.seats}</dd>
                  <dt>{t("sub.addons")}</dt><dd>{sub.plan.addons.join(", ") || "–"}</dd>
                  <dt>{t("sub.monthly")}</dt><dd>{formatMoney(lang, sub.plan.monthly_net_cents)}</dd>
                  <dt>{t("sub.termEnd")}</dt><dd>{formatDate(lang, sub.term_end)}</dd>
                </dl>
              ) : <p>{d.state}</p>}
            </Card>
            <Card title={t("home.consumption")}>
              <dl className="facts">
                <dt>{t("home.storage")}</dt><dd>{formatBytes(lang, d.consumption.storage.used_bytes)}</dd>
                <dt>{t("home.mailsMonth")}</dt><dd>{formatNumber(lang, d.consumption.mails.this_month.mails_standard + d.consumption.mails.this_month.mails_premium)}</dd>
                <dt>{t("home.mailsTotal")}</dt><dd>{formatNumber(lang, d.consumption.mails.total.mails_standard + d.consumption.mails.total.mails_premium)}</dd>
              </dl>
            </Card>
          </div>
          <h2 style={{ marginTop: "1rem" }}>{t("sub.invoices")}</h2>
          <TableWrap label={t("sub.invoices")}>
            <thead><tr><th>{t("sub.inv.number")}</th><th>{t("sub.inv.date")}</th><th className="num">{t("sub.inv.gross")}</th></tr></thead>
            <tbody>
              {d.invoices.length === 0 && <tr><td colSpan={3}>{t("sub.inv.none")}</td></tr>}
              {d.invoices.map((i) => <tr key={i.id}><td>{i.number}</td><td>{formatDate(lang, i.issue_date)}</td><td className="num">{formatMoney(lang, i.gross_cents)}</td></tr>)}
            </tbody>
          </TableWrap>
          <h2>{t("bo.tab.contracts")}</h2>
          <TableWrap label={t("bo.tab.contracts")}>
            <thead><tr><th>{t("bo.contracts.validFrom")}</th><th className="num">{t("bo.contracts.oneTime")}</th><th className="num">{t("bo.contracts.monthly")}</th><th>{t("bo.contracts.note")}</th></tr></thead>
            <tbody>
              {d.contracts.length === 0 && <tr><td colSpan={4}>{t("common.none")}</td></tr>}
              {d.contracts.map((c, i) => <tr key={c.id ?? i}><td>{formatDate(lang, c.valid_from)}</td><td className="num">{formatMoney(lang, c.one_time_cents)}</td><td className="num">{formatMoney(lang, c.monthly_cents)}</td><td>{c.note}</td></tr>)}
            </tbody>
          </TableWrap>
        </>
      )}
    </Page>
  );
}
