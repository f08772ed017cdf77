/** Mailings: the list with their states (per client, read-only clients marked), and a new draft. */
import { useState } from "react";
import { Link, NavLink, useNavigate } from "react-router-dom";
import { useClients, ClientSelect } from "../../app/clients";
import { writableClients } from "../../app/rights";
import { useSession } from "../../app/session";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Field, Loading, Page, Select, TableWrap } from "../../ui/components";
import { formatDateTime, formatNumber } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { mailingApi, mailingStateKind, type Mailing } from "./api";

export function MailingsTabs() {
  const { t } = useI18n();
  const { hasRole } = useSession();
  return (
    <nav className="tabs" aria-label={t("mailings.nav")}>
      <NavLink to="/mailings" end>{t("mailings.tab.mailings")}</NavLink>
      <NavLink to="/mailings/suppressions">{t("mailings.tab.suppressions")}</NavLink>
      {hasRole("administrator") && <NavLink to="/mailings/senders">{t("mailings.tab.senders")}</NavLink>}
    </nav>
  );
}

const STATES = ["draft", "scheduled", "sending", "finished", "cancelled"];

function NewMailing({ onCancel }: { onCancel: () => void }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { clients } = useClients();
  const writable = writableClients(clients);
  const form = useForm({ client_id: writable.length === 1 ? writable[0].id : "", name: "" });
  return (
    <Card title={t("mailings.new.title")}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          form.submit(async (v) => {
            const senders = await mailingApi.senders().catch(() => []);
            const m = await mailingApi.create({
              client_id: v.client_id, name: v.name, language: lang,
              ...(senders.length === 1 ? { sender_id: senders[0].id } : {}),
            });
            navigate(`/mailings/${m.id}`);
          });
        }}
        noValidate
      >
        <ErrorNotice error={form.error} />
        <div className="form-row">
          <ClientSelect clients={clients} writableOnly value={form.values.client_id} onChange={(id) => form.set("client_id", id)}
            error={form.fieldErrors.client_id} />
          <Field label={t("mailings.name")} hint={t("mailings.nameHint")} value={form.values.name}
            onChange={(e) => form.set("name", e.target.value)} error={form.fieldErrors.name} maxLength={200} />
        </div>
        <div className="buttons">
          <button type="submit" className="primary" disabled={form.busy}>{t("mailings.new.create")}</button>
          <button type="button" onClick={onCancel}>{t("common.cancel")}</button>
        </div>
      </form>
    </Card>
  );
}

export function MailingsPage() {
  const { t, lang } = useI18n();
  const { clients } = useClients();
  const [client, setClient] = useState("");
  const [state, setState] = useState("");
  const [creating, setCreating] = useState(false);
  const list = useLoad((signal) => mailingApi.list({ client_id: client || undefined, state: state || undefined }, signal), [client, state]);
  const clientOf = (m: Mailing) => clients.find((c) => c.id === m.client_id);
  const canCreate = clients.some((c) => c.right === "full");
  return (
    <Page title={t("mailings.title")} wide
      actions={canCreate && !creating ? <button type="button" className="primary" onClick={() => setCreating(true)}>{t("mailings.new")}</button> : undefined}>
      <MailingsTabs />
      {creating && <NewMailing onCancel={() => setCreating(false)} />}
      <div className="form-row filters">
        <ClientSelect clients={clients} value={client} onChange={setClient} />
        <Select label={t("mailings.state")} value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">{t("mailings.state.all")}</option>
          {STATES.map((s) => <option key={s} value={s}>{t(`mailings.state.${s}`)}</option>)}
        </Select>
      </div>
      <ErrorNotice error={list.error} />
      {!list.data ? <Loading /> : list.data.length === 0 ? <p className="muted">{t("mailings.empty")}</p> : (
        <TableWrap label={t("mailings.title")}>
          <thead>
            <tr>
              <th>{t("mailings.subject")}</th><th>{t("common.client")}</th><th>{t("mailings.state")}</th>
              <th className="num">{t("mailings.recipients")}</th><th>{t("mailings.date")}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((m) => {
              const c = clientOf(m);
              return (
                <tr key={m.id} data-mailing={m.name || m.subject}>
                  <td>
                    <Link to={m.state === "draft" ? `/mailings/${m.id}` : `/mailings/${m.id}/report`}>
                      {m.subject || m.name || t("mailings.untitled")}
                    </Link>
                    {m.name && m.subject && <div className="muted small-text">{m.name}</div>}
                  </td>
                  <td>{c?.name ?? "–"} {c?.right === "read" && <Badge kind="warn">{t("common.right.read")}</Badge>}</td>
                  <td><Badge kind={mailingStateKind(m.state)}>{t(`mailings.state.${m.state}`)}</Badge>{m.lane === "premium" && <> <Badge kind="info">{t("mailings.lane.premium")}</Badge></>}</td>
                  <td className="num">{m.state === "draft" ? "–" : formatNumber(lang, m.total)}</td>
                  <td>{formatDateTime(lang, m.state === "scheduled" ? m.scheduled_at : m.started_at ?? m.created_at)}</td>
                </tr>
              );
            })}
          </tbody>
        </TableWrap>
      )}
    </Page>
  );
}
