/**
 * The report of a mailing: delivery figures, reactions by people (scanner and image-proxy hits apart), the Excel
 * export as a job with progress, undeliverable addresses corrected and sent again, and every recipient with a
 * timeline.
 */
import { Fragment, useState } from "react";
import { ApiError } from "../../api/client";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Field, Loading, Notice, Progress, Select, TableWrap } from "../../ui/components";
import { formatDateTime, formatNumber } from "../../ui/format";
import { useForm, useLoad, usePoll } from "../../ui/hooks";
import { mailingApi, type Job, type RecipientRow, type Report, type Timeline } from "./api";
import { useMailing } from "./MailingPage";
import { ProblemNotice } from "./ProblemNotice";

const DELIVERY_STATES = ["queued", "sending", "sent", "deferred", "failed", "bounced", "cancelled"];

function stateKind(state: string) {
  return ({ sent: "ok", deferred: "warn", failed: "bad", bounced: "bad", cancelled: "neutral", queued: "info", sending: "info" } as const)[state as "sent"] ?? "neutral";
}

function pct(lang: string, part: number, whole: number): string {
  if (!whole) return "";
  return new Intl.NumberFormat(lang === "de" ? "de-DE" : "en-GB", { style: "percent", maximumFractionDigits: 1 }).format(part / whole);
}

function Figure({ id, label, value, of, hint }: { id: string; label: string; value: number; of?: number; hint?: string }) {
  const { lang } = useI18n();
  return (
    <div className="figure" data-figure={id}>
      <dt>{label}</dt>
      <dd><span className="big">{formatNumber(lang, value)}</span>{of !== undefined && of > 0 && <span className="muted"> {pct(lang, value, of)}</span>}</dd>
      {hint && <dd className="hint">{hint}</dd>}
    </div>
  );
}

/** Delivered, deferred, bounced and complaints per receiving provider (Gmail, Outlook, GMX/web.de, ...). */
function Providers({ r }: { r: Report }) {
  const { t, lang } = useI18n();
  if (!r.by_provider?.length) return null;
  return (
    <Card title={t("mailings.report.providers")}>
      <p className="hint">{t("mailings.report.providersHint", { n: formatNumber(lang, r.complaints), count: r.complaints })}</p>
      <TableWrap label={t("mailings.report.providers")}>
        <table className="providers" data-testid="providers">
          <thead>
            <tr>
              <th scope="col">{t("mailings.report.provider")}</th>
              <th scope="col" className="num">{t("mailings.report.delivered")}</th>
              <th scope="col" className="num">{t("mailings.report.deferred")}</th>
              <th scope="col" className="num">{t("mailings.report.bounced")}</th>
              <th scope="col" className="num">{t("mailings.report.complaints")}</th>
            </tr>
          </thead>
          <tbody>
            {r.by_provider.map((p) => (
              <tr key={p.provider} data-provider={p.provider}>
                <th scope="row">{t(`mailings.provider.${p.provider}`)}</th>
                <td className="num">{formatNumber(lang, p.delivered)}</td>
                <td className="num">{formatNumber(lang, p.deferred)}</td>
                <td className="num">{formatNumber(lang, p.bounced)}</td>
                <td className="num">{formatNumber(lang, p.complaints)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Card>
  );
}

function Figures({ r }: { r: Report }) {
  const { t, lang } = useI18n();
  return (
    <>
      <Card title={t("mailings.report.delivery")}>
        <dl className="figures">
          <Figure id="total" label={t("mailings.report.total")} value={r.total} />
          <Figure id="sent" label={t("mailings.report.sent")} value={r.sent} of={r.total} />
          <Figure id="delivered" label={t("mailings.report.delivered")} value={r.delivered} of={r.total} />
          <Figure id="deferred" label={t("mailings.report.deferred")} value={r.deferred} hint={t("mailings.report.deferredHint")} />
          <Figure id="queued" label={t("mailings.report.queued")} value={r.queued} />
          <Figure id="bounced_hard" label={t("mailings.report.bouncedHard")} value={r.bounced_hard} of={r.total} hint={t("mailings.report.bouncedHardHint")} />
          <Figure id="bounced_soft" label={t("mailings.report.bouncedSoft")} value={r.bounced_soft} of={r.total} hint={t("mailings.report.bouncedSoftHint")} />
          {r.cancelled > 0 && <Figure id="cancelled" label={t("mailings.report.cancelled")} value={r.cancelled} />}
          <Figure id="left_out" label={t("mailings.report.leftOut")} value={r.left_out} />
          <Figure id="complaints" label={t("mailings.report.complaints")} value={r.complaints} of={r.sent} hint={t("mailings.report.complaintsHint")} />
        </dl>
        {r.sender_issue && (
          <Notice kind="warning">
            {t("mailings.report.senderIssue", { domain: r.sender_issue.domain, reason: t(`mailings.senderReason.${r.sender_issue.reason}`), at: r.sender_issue.at ? formatDateTime(lang, r.sender_issue.at) : "" })}
          </Notice>
        )}
      </Card>
      <Providers r={r} />
      <Card title={t("mailings.report.reactions")}>
        <dl className="figures">
          <Figure id="opened" label={t("mailings.report.opened")} value={r.opened} of={r.delivered} />
          <Figure id="clicked" label={t("mailings.report.clicked")} value={r.clicked} of={r.delivered} />
          <Figure id="unsubscribed" label={t("mailings.report.unsubscribed")} value={r.unsubscribed} of={r.delivered} />
        </dl>
        <h3>{t("mailings.report.machine")}</h3>
        <p className="hint">{t("mailings.report.machineHint")}</p>
        <dl className="figures">
          <Figure id="machine_opens" label={t("mailings.report.machineOpens")} value={r.machine_opens} />
          <Figure id="machine_clicks" label={t("mailings.report.machineClicks")} value={r.machine_clicks} />
        </dl>
      </Card>
    </>
  );
}

function Export() {
  const { t, lang } = useI18n();
  const { mailing } = useMailing();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  usePoll(async () => {
    if (!job) return false;
    const next = await mailingApi.job(job.id);
    setJob(next);
    return next.state === "running";
  }, job?.state === "running", 700);
  const start = async () => {
    setError(null);
    try {
      setJob(await mailingApi.startExport(mailing.id));
    } catch (exc) {
      setError(exc instanceof ApiError ? exc : new ApiError(0, null, null));
    }
  };
  return (
    <Card title={t("mailings.export.title")}>
      <p className="hint">{t("mailings.export.hint")}</p>
      <ErrorNotice error={error} />
      {job?.state === "running" && (
        <Progress label={t("mailings.export.progress", { done: formatNumber(lang, job.done), total: formatNumber(lang, job.total), count: job.total ?? "" })} value={job.done} max={job.total || null} />
      )}
      {job?.state === "failed" && <div className="notice error" role="alert">{t("mailings.export.failed")}</div>}
      {job?.state === "done" && (
        <Notice kind="success">
          {t("mailings.export.done")}{" "}
          <a href={`/api/v1/dispatch/exports/${job.id}/download`} download={job.filename ?? undefined}>{t("mailings.export.download", { name: job.filename ?? "" })}</a>
        </Notice>
      )}
      <div className="buttons">
        <button type="button" onClick={start} disabled={job?.state === "running"}>{t("mailings.export.start")}</button>
      </div>
    </Card>
  );
}

function Undeliverable({ onResent, tick }: { onResent: () => void; tick: number }) {
  const { t, lang } = useI18n();
  const { mailing, writable } = useMailing();
  const list = useLoad((signal) => mailingApi.undeliverable(mailing.id, signal), [mailing.id, tick]);
  const form = useForm<Record<string, string>>({});
  const [result, setResult] = useState<{ resent: number; skipped: { email: string; reason: string }[] } | null>(null);
  const rows = list.data ?? [];
  if (!list.data) return list.error ? <ErrorNotice error={list.error} /> : null;
  if (rows.length === 0) return null;
  const open = rows.filter((r) => !r.resent);
  const submit = () => form.submit(async (values) => {
    setResult(null);
    const corrections = open.filter((r) => (values[r.id] ?? "").trim()).map((r) => ({ delivery_id: r.id, email: values[r.id].trim() }));
    const r = await mailingApi.resend(mailing.id, corrections);
    setResult(r);
    form.setValues({});
    list.reload();
    onResent();
  });
  // corrections.<i> in the request = the i-th filled row
  const filled = open.filter((r) => (form.values[r.id] ?? "").trim());
  const errorFor = (id: number) => {
    const i = filled.findIndex((r) => r.id === id);
    return i < 0 ? undefined : form.fieldErrors[`corrections.${i}.email`] || form.fieldErrors[`corrections.${i}.delivery_id`];
  };
  return (
    <Card title={t("mailings.undeliverable.title", { n: formatNumber(lang, rows.length) })} className="undeliverable">
      <p className="hint">{t("mailings.undeliverable.hint")}</p>
      <ErrorNotice error={form.error} />
      {result && (
        <Notice kind="success">
          {t("mailings.undeliverable.resent", { n: formatNumber(lang, result.resent), count: result.resent })}
          {result.skipped.length > 0 && <> {t("mailings.undeliverable.skipped", { list: result.skipped.map((s) => `${s.email} (${t(`mailings.reason.${s.reason}`)})`).join(", ") })}</>}
        </Notice>
      )}
      <TableWrap label={t("mailings.undeliverable.table")}>
        <thead>
          <tr><th>{t("mailings.email")}</th><th>{t("mailings.undeliverable.why")}</th><th>{t("mailings.undeliverable.correction")}</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-undeliverable={r.email}>
              <td>{r.email}<br /><Badge kind="bad">{t(r.bounce === "soft" ? "mailings.report.bouncedSoft" : "mailings.report.bouncedHard")}</Badge></td>
              <td className="reply">{r.last_code ? `${r.last_code} ` : ""}{r.last_reply || "–"}<div className="muted small-text">{formatDateTime(lang, r.final_at)}</div></td>
              <td>
                {r.resent ? <Badge kind="ok">{t("mailings.undeliverable.done", { email: r.corrected_email ?? "" })}</Badge> : writable ? (
                  <Field label={t("mailings.undeliverable.newAddress", { email: r.email })} type="email" value={form.values[r.id] ?? r.corrected_email ?? ""}
                    onChange={(e) => form.set(String(r.id), e.target.value)} error={errorFor(r.id)}
                    hint={r.corrected_email ? t("mailings.undeliverable.fromCrm") : undefined} />
                ) : (r.corrected_email ?? "–")}
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      {writable && open.length > 0 && (
        <div className="buttons">
          <button type="button" className="primary" disabled={form.busy || (filled.length === 0 && !open.some((r) => r.corrected_email))} onClick={submit}>
            {t("mailings.undeliverable.submit")}
          </button>
        </div>
      )}
    </Card>
  );
}

function TimelineRow({ mailingId, row, cols }: { mailingId: string; row: RecipientRow; cols: number }) {
  const { t, lang } = useI18n();
  const load = useLoad<Timeline>(() => mailingApi.timeline(mailingId, row.id), [row.id]);
  return (
    <tr className="timeline-row">
      <td colSpan={cols}>
        <ErrorNotice error={load.error} />
        {!load.data ? <Loading /> : (
          <ol className="timeline" aria-label={t("mailings.timeline.of", { email: row.email })}>
            {load.data.events.map((e, i) => (
              <li key={i} data-event={e.kind}>
                <span className="when">{formatDateTime(lang, e.at)}</span>{" "}
                <strong>{t(`mailings.event.${e.kind}`)}</strong>
                {e.machine && <> <Badge>{t("mailings.event.machine")}</Badge></>}
                {e.detail && Object.keys(e.detail).length > 0 && <span className="muted small-text"> {describeDetail(e.detail)}</span>}
              </li>
            ))}
          </ol>
        )}
      </td>
    </tr>
  );
}

function describeDetail(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of ["code", "status", "reply", "reason", "url", "via"]) {
    if (detail[key] !== undefined && detail[key] !== null && detail[key] !== "") parts.push(String(detail[key]));
  }
  return parts.join(" · ").slice(0, 300);
}

function Recipients({ tick }: { tick: number }) {
  const { t, lang } = useI18n();
  const { mailing } = useMailing();
  const [state, setState] = useState("");
  const [q, setQ] = useState("");
  const [query, setQuery] = useState("");
  const [more, setMore] = useState<RecipientRow[]>([]);
  const [cursor, setCursor] = useState<string | number | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const load = useLoad(async (signal) => {
    const page = await mailingApi.recipients(mailing.id, { state: state || undefined, q: query || undefined, limit: 50 }, signal);
    setMore([]);
    setCursor(page.next_cursor);
    return page.items;
  }, [mailing.id, state, query, tick]);
  const loadMore = async () => {
    if (cursor === null) return;
    const page = await mailingApi.recipients(mailing.id, { state: state || undefined, q: query || undefined, limit: 50, cursor });
    setMore((m) => [...m, ...page.items]);
    setCursor(page.next_cursor);
  };
  const rows = [...(load.data ?? []), ...more];
  return (
    <Card title={t("mailings.recipients.title")}>
      <div className="form-row" role="search">
        <Select label={t("mailings.recipients.state")} value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">{t("mailings.state.all")}</option>
          {DELIVERY_STATES.map((s) => <option key={s} value={s}>{t(`mailings.delivery.${s}`)}</option>)}
        </Select>
        <Field label={t("mailings.recipients.search")} type="search" value={q} onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); setQuery(q.trim()); } }}
          onBlur={() => setQuery(q.trim())} />
      </div>
      <ErrorNotice error={load.error} />
      {!load.data ? <Loading /> : rows.length === 0 ? <p className="muted">{t("common.none")}</p> : (
        <TableWrap label={t("mailings.recipients.title")}>
          <thead>
            <tr>
              <th>{t("mailings.email")}</th><th>{t("mailings.recipients.state")}</th><th>{t("mailings.recipients.sentAt")}</th>
              <th className="num">{t("mailings.recipients.opens")}</th><th className="num">{t("mailings.recipients.clicks")}</th><th>{t("mailings.timeline")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Fragment key={r.id}>
                <tr data-recipient={r.email}>
                  <td>{r.email}</td>
                  <td>
                    <Badge kind={stateKind(r.state)}>{t(`mailings.delivery.${r.state}`)}</Badge>
                    {r.bounce && <> <span className="muted small-text">{t(`mailings.bounce.${r.bounce}`)}</span></>}
                    {r.state === "deferred" && r.next_attempt_at && <div className="muted small-text">{t("mailings.recipients.next", { at: formatDateTime(lang, r.next_attempt_at) })}</div>}
                  </td>
                  <td>{formatDateTime(lang, r.sent_at)}</td>
                  <td className="num">{formatNumber(lang, r.opens)}</td>
                  <td className="num">{formatNumber(lang, r.clicks)}</td>
                  <td>
                    <button type="button" className="small" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? null : r.id)}
                      aria-label={`${t("mailings.timeline")}: ${r.email}`}>
                      {open === r.id ? t("common.close") : t("mailings.timeline.show")}
                    </button>
                  </td>
                </tr>
                {open === r.id && <TimelineRow mailingId={mailing.id} row={r} cols={6} />}
              </Fragment>
            ))}
          </tbody>
        </TableWrap>
      )}
      {cursor !== null && <button type="button" onClick={loadMore}>{t("common.more")}</button>}
    </Card>
  );
}

export function ReportTab() {
  const { t } = useI18n();
  const { mailing, setMailing } = useMailing();
  const [tick, setTick] = useState(0);
  const report = useLoad((signal) => mailingApi.report(mailing.id, signal), [mailing.id, tick]);
  const active = mailing.state === "sending" || mailing.state === "scheduled";
  usePoll(async () => {
    const r = await mailingApi.report(mailing.id);
    report.setData(r);
    if (r.state !== mailing.state) {
      setMailing(await mailingApi.get(mailing.id));
      setTick((n) => n + 1);
      return false;
    }
    return true;
  }, active, 1500);
  if (mailing.state === "draft") return <Notice>{t("mailings.report.draft")}</Notice>;
  return (
    <>
      <ProblemNotice error={report.error} />
      {active && <Notice>{t(mailing.state === "scheduled" ? "mailings.report.scheduled" : "mailings.report.running")}</Notice>}
      {!report.data ? <Loading /> : <Figures r={report.data} />}
      <Undeliverable tick={tick} onResent={() => { setTick((n) => n + 1); mailingApi.get(mailing.id).then(setMailing).catch(() => undefined); }} />
      <Export />
      <Recipients tick={tick} />
    </>
  );
}
