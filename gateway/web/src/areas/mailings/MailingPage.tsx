/**
 * One mailing: content, recipients, check and send, report, as tabs over one draft held here. Switching tabs saves
 * a changed draft first; when the API refuses it, the typed values stay and the errors go next to their fields (the
 * tab holding a refused field is marked). Read-only clients and started mailings are shown, not editable.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type MouseEvent, type ReactNode } from "react";
import { Link, Route, Routes, useLocation, useNavigate, useParams } from "react-router-dom";
import type { ApiError, FieldErrors } from "../../api/client";
import { useClients } from "../../app/clients";
import { useI18n } from "../../i18n";
import { Badge, ErrorNotice, Loading, Notice, Page } from "../../ui/components";
import { useForm, useLoad } from "../../ui/hooks";
import { mailingApi, mailingStateKind, type Lane, type Mailing, type Source, type Volume } from "./api";
import { ContentTab } from "./ContentTab";
import { normaliseHtml } from "./Editor";
import { RecipientsTab } from "./RecipientsTab";
import { ReportTab } from "./ReportTab";
import { SendTab } from "./SendTab";

export interface Draft extends Record<string, unknown> {
  name: string;
  subject: string;
  html: string;
  text: string;
  sender_id: string;
  language: "de" | "en";
  lane: Lane;
  sources: Source[];
  /** open and click tracking; null: the account's default (tracking on unless the account turned it off) */
  tracking: boolean | null;
}

function fromMailing(m: Mailing): Draft {
  return {
    name: m.name ?? "", subject: m.subject ?? "", html: m.html ?? "", text: m.text ?? "", sender_id: m.sender_id ?? "",
    language: m.language ?? "de", lane: m.lane ?? "standard", sources: m.sources ?? [],
    tracking: m.track_opens === false || m.track_clicks === false ? false
      : m.track_opens === true && m.track_clicks === true ? true : null,
  };
}

function toBody(d: Draft): Partial<Mailing> {
  const html = normaliseHtml(d.html);
  return {
    name: d.name, subject: d.subject, html: html || null, text: d.text.trim() ? d.text : null,
    sender_id: d.sender_id || null, language: d.language, lane: d.lane, sources: d.sources,
    track_opens: d.tracking, track_clicks: d.tracking,
  };
}

const CONTENT_FIELDS = ["name", "subject", "html", "text", "sender_id", "language"];

interface MailingCtx {
  mailing: Mailing;
  setMailing: (m: Mailing) => void;
  reload: () => void;
  draft: Draft;
  set: <K extends keyof Draft>(name: K, value: Draft[K]) => void;
  fieldErrors: FieldErrors;
  error: ApiError | null;
  busy: boolean;
  dirty: boolean;
  /** saves a changed draft; true when saved (or nothing to save) */
  save: () => Promise<boolean>;
  /** may the user change this client's data */
  writable: boolean;
  /** writable and still a draft */
  editable: boolean;
  volume: Volume | null;
  volumeError: ApiError | null;
  volumeLoading: boolean;
  loadVolume: () => Promise<void>;
}

const Ctx = createContext<MailingCtx | null>(null);

export function useMailing(): MailingCtx {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("useMailing outside MailingPage");
  return ctx;
}

function tabOf(field: string): "content" | "recipients" | "send" {
  if (field.startsWith("sources")) return "recipients";
  if (field === "lane" || field === "scheduled_at") return "send";
  return CONTENT_FIELDS.includes(field.split(".")[0]) ? "content" : "content";
}

function Tabs({ base }: { base: string }) {
  const { t } = useI18n();
  const { dirty, editable, save, fieldErrors, mailing } = useMailing();
  const navigate = useNavigate();
  const location = useLocation();
  const wrong = new Set(Object.keys(fieldErrors).map(tabOf));
  const tabs: [string, string, string][] = [
    ["content", base, "mailings.tab.content"],
    ["recipients", `${base}/recipients`, "mailings.tab.recipients"],
    ["send", `${base}/send`, "mailings.tab.send"],
  ];
  if (mailing.state !== "draft") tabs.push(["report", `${base}/report`, "mailings.tab.report"]);
  const go = async (e: MouseEvent, to: string) => {
    if (!(dirty && editable)) return;
    e.preventDefault();
    if (await save()) navigate(to);
  };
  return (
    <nav className="tabs" aria-label={t("mailings.tabs")}>
      {tabs.map(([id, to, label]) => {
        const active = location.pathname === to || (id === "content" && location.pathname === `${base}/`);
        return (
          <Link key={id} to={to} className={active ? "active" : ""} aria-current={active ? "page" : undefined} onClick={(e) => go(e, to)}>
            {t(label)}
            {wrong.has(id as "content") && <span className="tab-error" aria-label={t("mailings.tab.hasErrors")}> ⚠</span>}
          </Link>
        );
      })}
    </nav>
  );
}

function Provider({ mailing, setMailing, reload, children }: { mailing: Mailing; setMailing: (m: Mailing) => void; reload: () => void; children: ReactNode }) {
  const { writable: canWrite } = useClients();
  const form = useForm<Draft>(fromMailing(mailing));
  const baseline = useRef(JSON.stringify(fromMailing(mailing)));
  const [volume, setVolume] = useState<Volume | null>(null);
  const [volumeError, setVolumeError] = useState<ApiError | null>(null);
  const [volumeLoading, setVolumeLoading] = useState(false);
  const dirty = JSON.stringify(form.values) !== baseline.current;
  const writable = canWrite(mailing.client_id);
  const editable = writable && mailing.state === "draft";

  const accept = useCallback((m: Mailing) => {
    baseline.current = JSON.stringify(fromMailing(m));
    form.setValues(fromMailing(m));
    setMailing(m);
  }, [form, setMailing]);

  const save = useCallback(async () => {
    if (!dirty || !editable) return true;
    let ok = false;
    await form.submit(async (values) => {
      const saved = await mailingApi.update(mailing.id, toBody(values));
      baseline.current = JSON.stringify(fromMailing(saved));
      // keep what was typed meanwhile; the server's normalised form only where nothing changed
      form.setValues((current) => (JSON.stringify(current) === JSON.stringify(values) ? fromMailing(saved) : current));
      setMailing(saved);
      setVolume(null);
      ok = true;
    });
    return ok;
  }, [dirty, editable, form, mailing.id, setMailing]);

  const loadVolume = useCallback(async () => {
    setVolumeLoading(true);
    setVolumeError(null);
    try {
      setVolume(await mailingApi.volume(mailing.id));
    } catch (exc) {
      setVolume(null);
      setVolumeError(exc as ApiError);
    } finally {
      setVolumeLoading(false);
    }
  }, [mailing.id]);

  // a page leave with unsaved changes asks first
  useEffect(() => {
    if (!dirty || !editable) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty, editable]);

  const value = useMemo<MailingCtx>(() => ({
    mailing, setMailing: accept, reload, draft: form.values, set: form.set, fieldErrors: form.fieldErrors, error: form.error,
    busy: form.busy, dirty, save, writable, editable, volume, volumeError, volumeLoading, loadVolume,
  }), [mailing, accept, reload, form.values, form.set, form.fieldErrors, form.error, form.busy, dirty, save, writable, editable, volume, volumeError, volumeLoading, loadVolume]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

function Head() {
  const { t } = useI18n();
  const { mailing, writable, draft } = useMailing();
  const { clients } = useClients();
  const client = clients.find((c) => c.id === mailing.client_id);
  return (
    <>
      <p className="mailing-meta">
        <Link to="/mailings">← {t("mailings.back")}</Link>
        <span>{t("common.client")}: <strong>{client?.name ?? "–"}</strong></span>
        <Badge kind={mailingStateKind(mailing.state)}>{t(`mailings.state.${mailing.state}`)}</Badge>
        {!writable && <Badge kind="warn">{t("common.right.read")}</Badge>}
        {draft.name && <span className="muted">{draft.name}</span>}
      </p>
      {!writable && <Notice kind="warning">{t("mailings.readOnly")}</Notice>}
      {writable && mailing.state !== "draft" && <Notice>{t("mailings.started")}</Notice>}
    </>
  );
}

export function MailingPage() {
  const { t } = useI18n();
  const { id = "" } = useParams();
  const load = useLoad((signal) => mailingApi.get(id, signal), [id]);
  const m = load.data;
  const base = `/mailings/${id}`;
  const title = m ? m.subject || m.name || t("mailings.untitled") : t("mailings.title");
  return (
    <Page title={title} wide>
      <ErrorNotice error={load.error} />
      {!m ? (load.error ? <p><Link to="/mailings">{t("mailings.back")}</Link></p> : <Loading />) : (
        <Provider key={m.id} mailing={m} setMailing={(x) => load.setData(x)} reload={load.reload}>
          <Head />
          <Tabs base={base} />
          <Routes>
            <Route index element={<ContentTab />} />
            <Route path="recipients" element={<RecipientsTab />} />
            <Route path="send" element={<SendTab />} />
            <Route path="report" element={<ReportTab />} />
          </Routes>
        </Provider>
      )}
    </Page>
  );
}
