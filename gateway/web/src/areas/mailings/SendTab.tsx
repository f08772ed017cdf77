/** Check and send: the volume and what stops the start, standard or premium dispatch, a preview per recipient,
 * a test send, then send now or at a time; a scheduled mailing can be called off, a running one shows progress. */
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "../../api/client";
import { useSession } from "../../app/session";
import { useI18n } from "../../i18n";
import { Card, ErrorNotice, Field, Notice, Progress, Select } from "../../ui/components";
import { formatDateTime, formatNumber } from "../../ui/format";
import { useForm, usePoll } from "../../ui/hooks";
import { mailingApi, type Lane, type PresendVerdict, type Preview, type Progress as JobProgress } from "./api";
import { useMailing } from "./MailingPage";
import { ProblemNotice } from "./ProblemNotice";
import { VolumeCard } from "./RecipientsTab";

function LaneChoice() {
  const { t } = useI18n();
  const { draft, set, editable, volume, fieldErrors } = useMailing();
  const premiumBlocked = volume ? !volume.premium_allowed : false;
  return (
    <fieldset className={fieldErrors.lane ? "has-error" : ""} aria-describedby={fieldErrors.lane ? "lane-error" : undefined}>
      <legend>{t("mailings.lane")}</legend>
      {(["standard", "premium"] as Lane[]).map((lane) => (
        <div className="field checkbox" key={lane}>
          <input type="radio" name="lane" id={`lane-${lane}`} value={lane} checked={draft.lane === lane}
            disabled={!editable || (lane === "premium" && premiumBlocked && draft.lane !== "premium")}
            onChange={() => set("lane", lane)} aria-describedby={`lane-${lane}-hint`} />
          <label htmlFor={`lane-${lane}`}>{t(`mailings.lane.${lane}`)}</label>
          <p className="hint" id={`lane-${lane}-hint`}>
            {t(`mailings.lane.${lane}Hint`)}{lane === "premium" && premiumBlocked && <> <strong>{t("mailings.lane.premiumBlocked")}</strong></>}
          </p>
        </div>
      ))}
      {fieldErrors.lane && <p className="field-error" id="lane-error">{fieldErrors.lane}</p>}
    </fieldset>
  );
}

function TrackingChoice() {
  const { t } = useI18n();
  const { draft, set, editable } = useMailing();
  return (
    <div className="field checkbox">
      <input type="checkbox" id="tracking" checked={draft.tracking !== false} disabled={!editable}
        onChange={(e) => set("tracking", e.target.checked)} aria-describedby="tracking-hint" />
      <label htmlFor="tracking">{t("mailings.tracking")}</label>
      <p className="hint" id="tracking-hint">{t("mailings.trackingHint")}</p>
    </div>
  );
}

function PreviewCard() {
  const { t } = useI18n();
  const { mailing, volume, dirty, save, editable } = useMailing();
  const [as, setAs] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [view, setView] = useState<"html" | "text">("html");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const show = async (email = as) => {
    setBusy(true);
    setError(null);
    try {
      if (dirty && editable && !(await save())) return;
      const p = await mailingApi.preview(mailing.id, email || undefined);
      setPreview(p);
      if (!p.html) setView("text");
    } catch (exc) {
      setError(exc instanceof ApiError ? exc : new ApiError(0, null, null));
    } finally {
      setBusy(false);
    }
  };
  const sample = volume?.sample ?? [];
  return (
    <Card title={t("mailings.preview.title")} className="preview-card">
      <div className="inline-form">
        <Select label={t("mailings.preview.as")} value={as} error={error?.fields.email}
          onChange={(e) => { setAs(e.target.value); show(e.target.value); }}>
          <option value="">{t("mailings.preview.first")}</option>
          {sample.map((r) => <option key={r.email} value={r.email}>{r.name ? `${r.name} <${r.email}>` : r.email}</option>)}
        </Select>
        <button type="button" onClick={() => show()} disabled={busy}>{t("mailings.preview.show")}</button>
      </div>
      {error && !error.fields.email && <ProblemNotice error={error} />}
      {preview && (
        <div className="preview">
          <dl className="facts">
            <dt>{t("mailings.preview.to")}</dt>
            <dd data-preview="to">{[preview.recipient.first_name, preview.recipient.last_name].filter(Boolean).join(" ")} &lt;{preview.recipient.email}&gt;</dd>
            <dt>{t("mailings.subject")}</dt>
            <dd data-preview="subject">{preview.subject}</dd>
          </dl>
          <div className="lang-tabs" role="group" aria-label={t("mailings.preview.view")}>
            <button type="button" className="small" aria-pressed={view === "html"} disabled={!preview.html} onClick={() => setView("html")}>HTML</button>
            <button type="button" className="small" aria-pressed={view === "text"} onClick={() => setView("text")}>{t("mailings.preview.text")}</button>
          </div>
          {view === "html" && preview.html ? (
            <iframe title={t("mailings.preview.frame")} className="preview-frame" sandbox="" srcDoc={preview.html} />
          ) : (
            <pre className="preview-text" data-preview="text">{preview.text}</pre>
          )}
        </div>
      )}
    </Card>
  );
}

function TestSend() {
  const { t } = useI18n();
  const { me } = useSession();
  const { mailing, dirty, save, editable } = useMailing();
  const form = useForm({ to: me?.email ?? "" });
  const [sent, setSent] = useState<string[] | null>(null);
  const toError = Object.entries(form.fieldErrors).filter(([k]) => k === "to" || k.startsWith("to.")).map(([k, v]) => {
    const n = k.split(".")[1];
    return n ? `${form.values.to.split(/[,;\s]+/).filter(Boolean)[Number(n)] ?? ""}: ${v}` : v;
  }).join(" ");
  return (
    <Card title={t("mailings.test.title")}>
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        setSent(null);
        form.submit(async (v) => {
          if (dirty && editable && !(await save())) return;
          const to = v.to.split(/[,;\s]+/).map((x) => x.trim()).filter(Boolean);
          const r = await mailingApi.testSend(mailing.id, to);
          setSent(r.to);
        });
      }}>
        {toError ? <ErrorNotice error={form.error} /> : <ProblemNotice error={form.error} />}
        <Field label={t("mailings.test.to")} hint={t("mailings.test.toHint")} value={form.values.to} error={toError || undefined}
          onChange={(e) => form.set("to", e.target.value)} disabled={!editable} />
        <div className="buttons">
          <button type="submit" disabled={form.busy || !editable}>{t("mailings.test.send")}</button>
        </div>
        {sent && <Notice kind="success">{t("mailings.test.sent", { to: sent.join(", ") })}</Notice>}
      </form>
    </Card>
  );
}

function toIso(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

const LIGHT_ORDER = { red: 0, amber: 1, green: 2 } as const;

/** The pre-send verdict: its light and every reason, the ones that warn or stop first. */
function VerdictNotice({ verdict }: { verdict: PresendVerdict }) {
  const { t, lang } = useI18n();
  const reasons = [...verdict.reasons].sort((a, b) => LIGHT_ORDER[a.light] - LIGHT_ORDER[b.light]);
  return (
    <div className={`verdict verdict-${verdict.light}`} data-verdict={verdict.light}>
      <strong>{t(`mailings.verdict.${verdict.light}`)}</strong>
      <ul>
        {reasons.map((r) => (
          <li key={r.code} data-reason={r.code} data-light={r.light}>
            <span className={`light light-${r.light}`}>{t(`mailings.verdict.light.${r.light}`)}</span>{" "}
            {r.message[lang] || r.message.de}
          </li>
        ))}
      </ul>
    </div>
  );
}

function SendNow() {
  const { t, lang } = useI18n();
  const { mailing, setMailing, volume, dirty, save, editable } = useMailing();
  const form = useForm({ mode: "now", at: "" });
  const [confirming, setConfirming] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const problems = volume?.problems ?? [];
  const blocked = problems.length > 0 || volume?.verdict?.light === "red";
  const start = () => form.submit(async (v) => {
    setConfirming(false);
    if (dirty && editable && !(await save())) return;
    const r = await mailingApi.start(mailing.id, v.mode === "later" ? toIso(v.at) : undefined);
    setMailing(r.mailing);
  });
  return (
    <Card title={t("mailings.send.title")} className="send-card">
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        setLocalError(null);
        if (form.values.mode === "later" && !form.values.at) {
          setLocalError(t("mailings.send.atMissing"));
          return;
        }
        setConfirming(true);
      }}>
        {form.fieldErrors.scheduled_at ? <ErrorNotice error={form.error} /> : <ProblemNotice error={form.error} />}
        <fieldset>
          <legend>{t("mailings.send.when")}</legend>
          <div className="field checkbox">
            <input type="radio" id="send-now" name="send-mode" checked={form.values.mode === "now"} onChange={() => form.set("mode", "now")} disabled={!editable} />
            <label htmlFor="send-now">{t("mailings.send.now")}</label>
          </div>
          <div className="field checkbox">
            <input type="radio" id="send-later" name="send-mode" checked={form.values.mode === "later"} onChange={() => form.set("mode", "later")} disabled={!editable} />
            <label htmlFor="send-later">{t("mailings.send.later")}</label>
          </div>
          {form.values.mode === "later" && (
            <Field type="datetime-local" label={t("mailings.send.at")} value={form.values.at} onChange={(e) => form.set("at", e.target.value)}
              error={form.fieldErrors.scheduled_at || localError || undefined} hint={t("mailings.send.atHint")} />
          )}
        </fieldset>
        {volume?.verdict && <VerdictNotice verdict={volume.verdict} />}
        {blocked && <p className="hint">{t("mailings.send.blocked")}</p>}
        {!confirming ? (
          <div className="buttons">
            <button type="submit" className="primary" disabled={!editable || blocked || form.busy}>
              {form.values.mode === "later" ? t("mailings.send.schedule") : t("mailings.send.submit")}
            </button>
          </div>
        ) : (
          <div className="confirm" role="alertdialog" aria-labelledby="send-confirm-text">
            <p id="send-confirm-text">
              {form.values.mode === "later"
                ? t("mailings.send.confirmLater", { n: volume ? formatNumber(lang, volume.recipients) : "?", count: volume?.recipients ?? "?", at: formatDateTime(lang, toIso(form.values.at)) })
                : t("mailings.send.confirmNow", { n: volume ? formatNumber(lang, volume.recipients) : "?", count: volume?.recipients ?? "?" })}
            </p>
            <div className="buttons">
              <button type="button" className="primary" onClick={start} disabled={form.busy} autoFocus>{t("mailings.send.confirm")}</button>
              <button type="button" onClick={() => setConfirming(false)}>{t("common.cancel")}</button>
            </div>
          </div>
        )}
      </form>
    </Card>
  );
}

function Running() {
  const { t, lang } = useI18n();
  const { mailing, setMailing, writable } = useMailing();
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const active = mailing.state === "sending" || mailing.state === "scheduled";
  usePoll(async () => {
    const p = await mailingApi.progress(mailing.id);
    setProgress(p);
    if (p.state !== mailing.state) {
      setMailing(await mailingApi.get(mailing.id));
      return false;
    }
    return true;
  }, active, mailing.state === "scheduled" ? 5000 : 1000);
  useEffect(() => {
    if (active) mailingApi.progress(mailing.id).then(setProgress).catch(() => undefined);
  }, [active, mailing.id]);
  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await mailingApi.cancel(mailing.id);
      setMailing(r.mailing);
    } catch (exc) {
      setError(exc instanceof ApiError ? exc : new ApiError(0, null, null));
    } finally {
      setBusy(false);
      setConfirm(false);
    }
  };
  return (
    <Card title={t(`mailings.state.${mailing.state}`)}>
      <ErrorNotice error={error} />
      {mailing.state === "scheduled" && <p data-state="scheduled">{t("mailings.send.scheduledFor", { at: formatDateTime(lang, mailing.scheduled_at) })}</p>}
      {mailing.state === "sending" && (
        <Progress label={t("mailings.send.progress", { done: formatNumber(lang, progress?.done ?? 0), total: formatNumber(lang, progress?.total ?? mailing.total) })}
          value={progress?.done ?? 0} max={progress?.total ?? mailing.total} />
      )}
      {mailing.state === "finished" && <Notice kind="success">{t("mailings.send.finished", { n: formatNumber(lang, mailing.total), count: mailing.total, at: formatDateTime(lang, mailing.finished_at) })}</Notice>}
      {mailing.state === "cancelled" && <Notice kind="warning">{t("mailings.send.cancelled", { at: formatDateTime(lang, mailing.finished_at) })}</Notice>}
      {active && writable && (!confirm ? (
        <div className="buttons">
          <button type="button" className="danger" onClick={() => setConfirm(true)}>
            {mailing.state === "scheduled" ? t("mailings.send.unschedule") : t("mailings.send.stop")}
          </button>
        </div>
      ) : (
        <div className="confirm" role="alertdialog" aria-labelledby="cancel-confirm-text">
          <p id="cancel-confirm-text">{mailing.state === "scheduled" ? t("mailings.send.unscheduleConfirm") : t("mailings.send.stopConfirm")}</p>
          <div className="buttons">
            <button type="button" className="danger" onClick={cancel} disabled={busy} autoFocus>{t("mailings.send.cancelYes")}</button>
            <button type="button" onClick={() => setConfirm(false)}>{t("mailings.send.cancelNo")}</button>
          </div>
        </div>
      ))}
      <p><Link to={`/mailings/${mailing.id}/report`}>{t("mailings.toReport")}</Link></p>
    </Card>
  );
}

export function SendTab() {
  const { t } = useI18n();
  const { mailing, draft, editable, volume, volumeLoading, loadVolume, dirty, save } = useMailing();

  useEffect(() => {
    if (mailing.state === "draft" && !volume && !volumeLoading && draft.sources.length > 0 && !dirty) loadVolume();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  // a different dispatch lane is saved at once: the volume says whether the subscription allows it
  useEffect(() => {
    if (editable && draft.lane !== mailing.lane) save().then((ok) => { if (ok) loadVolume(); });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft.lane]);

  if (mailing.state !== "draft") return <Running />;
  // a client the user may only read: the check and the preview, nothing that sends
  if (!editable) {
    return (
      <>
        <VolumeCard title={t("mailings.send.check")} />
        <PreviewCard />
      </>
    );
  }
  return (
    <>
      <VolumeCard title={t("mailings.send.check")} />
      <div className="grid two">
        <div>
          <Card><LaneChoice /><TrackingChoice /></Card>
          <TestSend />
          <SendNow />
        </div>
        <PreviewCard />
      </div>
    </>
  );
}
