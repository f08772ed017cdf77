/** Orders to activate (activation creates the account and mails both users), and rejected/activated ones. */
import { useState } from "react";
import { ApiError, api } from "../../api/client";
import { useI18n, type Vars } from "../../i18n";
import { Badge, ErrorNotice, Loading, Notice, Page, Select, TableWrap } from "../../ui/components";
import { formatDate, formatDateTime } from "../../ui/format";
import { useLoad } from "../../ui/hooks";
import { BackofficeTabs } from "./Tabs";

interface Order {
  id: string; state: string; source: string; company: string; license_manager: string; seats: number; addons: string[];
  start_date: string; account_id: string | null; created_at: string | null; has_document: boolean;
}

export function OrdersPage() {
  const { t, lang } = useI18n();
  const [state, setState] = useState("received");
  const orders = useLoad((signal) => api.get<Order[]>("/api/v1/backoffice/billing/orders", { signal, query: { state } }), [state]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<[string, Vars] | null>(null);
  const act = async (order: Order, action: "activate" | "reject") => {
    setBusy(order.id);
    setError(null);
    setDone(null);
    try {
      await api.post(`/api/v1/backoffice/billing/orders/${order.id}/${action}`, action === "reject" ? { reason: "" } : {});
      setDone([action === "activate" ? "bo.orders.activated" : "bo.orders.rejected", { company: order.company }]);
      orders.reload();
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Page title={t("bo.title")} wide>
      <BackofficeTabs />
      <div className="form-row" style={{ maxWidth: "20rem" }}>
        <Select label={t("bo.orders.state")} value={state} onChange={(e) => setState(e.target.value)}>
          {["received", "activated", "rejected", "all"].map((s) => <option key={s} value={s}>{t(`bo.orders.state.${s}`)}</option>)}
        </Select>
      </div>
      {done && <Notice kind="success">{t(...done)}</Notice>}
      <ErrorNotice error={error ?? orders.error} />
      {!orders.data ? <Loading /> : (
        <TableWrap label={t("bo.tab.orders")}>
          <thead><tr><th>{t("bo.orders.company")}</th><th>{t("bo.orders.manager")}</th><th className="num">{t("bo.orders.seats")}</th><th>{t("bo.orders.start")}</th><th>{t("bo.orders.received")}</th><th>{t("bo.orders.stateCol")}</th><th>{t("common.actions")}</th></tr></thead>
          <tbody>
            {orders.data.length === 0 && <tr><td colSpan={7}>{t("bo.orders.none")}</td></tr>}
            {orders.data.map((o) => (
              <tr key={o.id} data-company={o.company}>
                <td>{o.company} {o.source === "written" && <Badge>{t("bo.orders.written")}</Badge>}</td>
                <td>{o.license_manager}</td>
                <td className="num">{o.seats}</td>
                <td>{formatDate(lang, o.start_date)}</td>
                <td>{formatDateTime(lang, o.created_at)}</td>
                <td><Badge kind={o.state === "activated" ? "ok" : o.state === "rejected" ? "bad" : "info"}>{t(`bo.orders.state.${o.state}`)}</Badge></td>
                <td>
                  {o.state === "received" && (
                    <div className="buttons">
                      <button type="button" className="small primary" disabled={busy === o.id} onClick={() => act(o, "activate")}
                        aria-label={`${t("bo.orders.activate")}: ${o.company}`}>{t("bo.orders.activate")}</button>
                      <button type="button" className="small" disabled={busy === o.id} onClick={() => act(o, "reject")}
                        aria-label={`${t("bo.orders.reject")}: ${o.company}`}>{t("bo.orders.reject")}</button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </Page>
  );
}
