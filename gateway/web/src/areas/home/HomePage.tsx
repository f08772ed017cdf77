/**
 * The start screen: consumption (storage, mails this month and in total), the subscription's state (starting
 * phase: days left and the cancel button for the license manager), the user's clients with their right, and the
 * latest mailings and imports where those services offer a list. A panel whose route is missing or not allowed
 * shows nothing rather than an error.
 */
import { Link } from "react-router-dom";
import { api, optional } from "../../api/client";
import { useSession } from "../../app/session";
import { hasMessage, useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Loading, Page } from "../../ui/components";
import { daysUntil, formatBytes, formatDate, formatNumber } from "../../ui/format";
import { useLoad } from "../../ui/hooks";
import { CancelPanel } from "../subscription/CancelPanel";
import type { Consumption, Subscription } from "../subscription/api";

interface Client { id: string; name: string; description?: string; right: "full" | "read" }
interface Entitlements { phase?: string; term_end?: string | null; max_recipients_per_mailing?: number | null }
interface Mailing { id: string; subject?: string; name?: string; state?: string; status?: string; created_at?: string; sent_at?: string | null }
interface ImportItem { id: string; filename?: string; state?: string; created_at?: string }

function asList<T>(value: unknown, key: string): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === "object" && Array.isArray((value as Record<string, unknown>)[key])) return (value as Record<string, T[]>)[key];
  return [];
}

export function PhaseBadge({ phase }: { phase: string }) {
  const { t } = useI18n();
  const kind = phase === "regular" ? "ok" : phase === "starting" ? "info" : phase === "cancelled" ? "warn" : "bad";
  return <Badge kind={kind}>{t(`home.phase.${phase}`)}</Badge>;
}

export function HomePage() {
  const { t, lang } = useI18n();
  const { me, hasRole } = useSession();
  const isManager = hasRole("license_manager");
  const data = useLoad(async (signal) => {
    const [consumption, subscription, entitlements, clients, mailings, imports] = await Promise.all([
      optional<Consumption>("/api/v1/billing/consumption", { signal }),
      isManager ? optional<Subscription>("/api/v1/billing/subscription", { signal }) : Promise.resolve(null),
      optional<Entitlements>("/api/v1/billing/entitlements", { signal }),
      api.get<{ clients: Client[] }>("/api/v1/clients", { signal }),
      optional<unknown>("/api/v1/dispatch/mailings", { signal, query: { limit: 5 } }),
      optional<unknown>("/api/v1/crm/imports", { signal, query: { limit: 5 } }),
    ]);
    return { consumption, subscription, entitlements, clients: clients.clients,
      mailings: asList<Mailing>(mailings, "mailings").slice(0, 5), imports: asList<ImportItem>(imports, "imports").slice(0, 5) };
  }, [isManager]);

  const name = me?.first_name || me?.email || "";
  if (data.loading && !data.data) return <Page title={t("home.title")}><Loading /></Page>;
  const d = data.data;
  const sub = d?.subscription;
  const phase = sub?.phase ?? d?.entitlements?.phase;
  const c = d?.consumption;
  const sum = (m?: { mails_standard: number; mails_premium: number }) => (m ? m.mails_standard + m.mails_premium : 0);
  return (
    <Page title={t("home.title")}>
      <p className="muted">{t("home.hello", { name })}</p>
      <ErrorNotice error={data.error} />
      {phase && (
        <Card title={t("home.subscription")} className="subscription-card">
          <p>
            <PhaseBadge phase={phase} />{" "}
            {sub && sub.phase === "starting" && (
              <strong data-testid="days-left">{t("home.daysLeft", { n: Math.max(0, daysUntil(sub.starting_phase.last_day)), date: formatDate(lang, sub.starting_phase.last_day) })}</strong>
            )}
            {sub && sub.phase === "regular" && <span>{t("home.termEnd", { date: formatDate(lang, sub.term_end) })}</span>}
            {sub && sub.phase === "ended" && <span>{t("home.ended")}</span>}
          </p>
          {sub && sub.phase === "starting" && <p className="muted">{t("home.startingInfo")}</p>}
          {sub && (sub.phase === "starting" || sub.cancellation.cancelled_on) && (
            <CancelPanel sub={sub} onChanged={(s) => data.setData(d ? { ...d, subscription: s } : d)} />
          )}
          {isManager && <p><Link to="/subscription">{t("home.toSubscription")}</Link></p>}
        </Card>
      )}
      {c && (
        <div className="grid" aria-label={t("home.consumption")} role="group">
          <Card title={t("home.storage")}>
            <p className="big">{formatBytes(lang, c.storage.used_bytes)}</p>
            <p className="muted">{t("home.storageOf", { included: formatBytes(lang, c.storage.included_bytes) })}</p>
          </Card>
          <Card title={t("home.mailsMonth")}>
            <p className="big">{formatNumber(lang, sum(c.mails.this_month))}</p>
            <p className="muted">{t("home.mailsSplit", { standard: formatNumber(lang, c.mails.this_month.mails_standard), premium: formatNumber(lang, c.mails.this_month.mails_premium) })}</p>
          </Card>
          <Card title={t("home.mailsTotal")}>
            <p className="big">{formatNumber(lang, sum(c.mails.total))}</p>
            <p className="muted">{t("home.mailsSplit", { standard: formatNumber(lang, c.mails.total.mails_standard), premium: formatNumber(lang, c.mails.total.mails_premium) })}</p>
          </Card>
        </div>
      )}
      <div className="grid" style={{ marginTop: "1rem" }}>
        <Card title={t("home.clients")}>
          {d && d.clients.length === 0 && <p className="muted">{t("home.noClients")}</p>}
          <ul className="status-list" data-testid="my-clients">
            {d?.clients.map((client) => (
              <li key={client.id} data-client={client.name}>
                <span>{client.name}</span>
                <Badge kind={client.right === "full" ? "ok" : "warn"}>{t(`common.right.${client.right}`)}</Badge>
              </li>
            ))}
          </ul>
        </Card>
        {d && d.mailings.length > 0 && (
          <Card title={t("home.mailings")}>
            <ul className="status-list">
              {d.mailings.map((m) => (
                <li key={m.id}>
                  <span>{m.subject || m.name || m.id}</span>
                  <span className="muted">{hasMessage(`home.mailingState.${m.state}`) ? t(`home.mailingState.${m.state}`) : m.state || m.status}{(m.sent_at || m.created_at) && ` · ${formatDate(lang, m.sent_at || m.created_at)}`}</span>
                </li>
              ))}
            </ul>
          </Card>
        )}
        {d && d.imports.length > 0 && (
          <Card title={t("home.imports")}>
            <ul className="status-list">
              {d.imports.map((i) => (
                <li key={i.id}>
                  <span>{i.filename || i.id}</span>
                  <span className="muted">{i.state} · {formatDate(lang, i.created_at)}</span>
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    </Page>
  );
}
