/** The public status page (no login): each component works or not, and the incident notes operators post. */
import { api } from "../../api/client";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Loading, Notice, Page } from "../../ui/components";
import { formatDateTime } from "../../ui/format";
import { useLoad, usePoll } from "../../ui/hooks";

export const COMPONENT_IDS = ["web", "login", "contacts", "mailings", "pressbase", "billing"];

export interface Incident {
  id: string; severity: "info" | "minor" | "major"; components: string[];
  title: { de: string; en: string }; body: { de: string; en: string }; resolution: { de: string; en: string } | null;
  created_at: string; updated_at: string; resolved_at: string | null;
}
interface Status { status: "operational" | "degraded"; components: { id: string; ok: boolean }[]; incidents: Incident[]; incidents_available: boolean; checked_at: string }

export function StatusPage() {
  const { t, lang } = useI18n();
  const status = useLoad((signal) => api.get<Status>("/api/v1/status", { signal, auth: false }));
  usePoll(async () => {
    status.reload();
    return true;
  }, true, 30_000);
  const s = status.data;
  const open = s?.incidents.filter((i) => !i.resolved_at) ?? [];
  const past = s?.incidents.filter((i) => i.resolved_at) ?? [];
  return (
    <Page title={t("status.title")}>
      {status.error && <ErrorNotice error={status.error} />}
      {!s ? <Loading /> : (
        <>
          <div className={`notice ${s.status !== "operational" ? "error" : open.length ? "warning" : "success"}`} role="status" data-testid="overall">
            <strong>{t(`status.overall.${s.status}`)}</strong>{" "}
            {s.status === "operational" && open.length > 0 && <span>{t("status.openNotes", { n: open.length })} </span>}
            <span className="muted">{t("status.checked", { at: formatDateTime(lang, s.checked_at) })}</span>
          </div>
          <Card title={t("status.components")}>
            <ul className="status-list">
              {s.components.map((c) => (
                <li key={c.id} data-component={c.id}>
                  <span>{t(`status.component.${c.id}`)}</span>
                  <Badge kind={c.ok ? "ok" : "bad"}>{c.ok ? t("status.ok") : t("status.down")}</Badge>
                </li>
              ))}
            </ul>
          </Card>
          <h2>{t("status.incidents")}</h2>
          {!s.incidents_available && <Notice kind="warning">{t("status.notesUnavailable")}</Notice>}
          {s.incidents_available && s.incidents.length === 0 && <p>{t("status.noIncidents")}</p>}
          {[...open, ...past].map((i) => (
            <Card key={i.id} className={`incident ${i.severity}${i.resolved_at ? " resolved" : ""}`}>
              <h3>
                {i.title[lang]}{" "}
                <Badge kind={i.resolved_at ? "ok" : i.severity === "major" ? "bad" : "warn"}>
                  {i.resolved_at ? t("status.resolved") : t(`status.severity.${i.severity}`)}
                </Badge>
              </h3>
              <p className="muted">
                {t("status.since", { at: formatDateTime(lang, i.created_at) })}
                {i.components.length > 0 && ` · ${i.components.map((c) => t(`status.component.${c}`)).join(", ")}`}
              </p>
              <p>{i.body[lang]}</p>
              {i.resolved_at && <p><strong>{t("status.resolvedAt", { at: formatDateTime(lang, i.resolved_at) })}</strong> {i.resolution?.[lang]}</p>}
            </Card>
          ))}
        </>
      )}
    </Page>
  );
}
