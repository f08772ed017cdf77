/**
 * Administration owned by dispatch: sender domains with the exact DNS records to publish (DKIM TXT for RSA and
 * Ed25519, the SPF include, a DMARC suggestion) and their check, and the sender accounts users may mail as.
 */
import { useEffect, useState } from "react";
import { ApiError, api } from "../../api/client";
import { useI18n } from "../../i18n";
import { Badge, Card, Checkbox, ErrorNotice, Field, Loading, Notice, Page, TableWrap } from "../../ui/components";
import { formatDateTime, formatNumber } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { senderApi, type DnsRecord, type Sender, type SenderDomain } from "./api";
import { MailingsTabs } from "./MailingsPage";

interface UserRow { id: string; email: string; first_name: string; last_name: string; active: boolean; roles: string[] }

const PROBLEMS = ["missing", "nxdomain", "no_record", "dns_unreachable", "key_mismatch", "include_missing", "no_spf_record", "no_dmarc_record", "wrong_target"];

function asError(exc: unknown): ApiError {
  return exc instanceof ApiError ? exc : new ApiError(0, null, null);
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  return (
    <button type="button" className="small" aria-label={`${t("mailings.domains.copy")}: ${label}`}
      onClick={() => {
        navigator.clipboard?.writeText(text).then(() => { setDone(true); window.setTimeout(() => setDone(false), 1500); }).catch(() => undefined);
      }}>
      {done ? t("mailings.domains.copied") : t("mailings.domains.copy")}
    </button>
  );
}

function RecordRow({ r, domain }: { r: DnsRecord; domain: SenderDomain }) {
  const { t } = useI18n();
  const check = domain.check?.[r.kind];
  const label = t(`mailings.domains.kind.${r.kind}`);
  return (
    <tr data-record={r.kind}>
      <td>
        <strong>{label}</strong>
        <div>{r.required ? <Badge kind="warn">{t("mailings.domains.required")}</Badge> : <Badge>{t("mailings.domains.recommended")}</Badge>}</div>
      </td>
      <td>{r.type}</td>
      <td className="dns-name"><code>{r.name}</code> <CopyButton text={r.name} label={`${label} ${t("mailings.domains.name")}`} /></td>
      <td className="dns-value">
        <code>{r.value}</code> <CopyButton text={r.value} label={`${label} ${t("mailings.domains.value")}`} />
        {r.strings && r.strings.length > 1 && (
          <details>
            <summary className="small-text">{t("mailings.domains.strings")}</summary>
            <code>{r.strings.map((s) => `"${s}"`).join(" ")}</code>
          </details>
        )}
        <p className="hint">{t(`mailings.domains.note.${r.kind}`)}</p>
      </td>
      <td data-check={r.kind}>
        {!check ? <span className="muted">–</span> : check.ok ? <Badge kind="ok">{t("mailings.domains.ok")}</Badge> : (
          <Badge kind={r.required ? "bad" : "warn"}>
            {t(`mailings.domains.problem.${PROBLEMS.includes(check.problem ?? "") ? check.problem : "other"}`)}
          </Badge>
        )}
      </td>
    </tr>
  );
}

/** DKIM key rotation: a new key under new selectors signs only after its records are found; the replaced key
 * stays listed (keep its records published) until its grace period ends. */
/** The DNS records of a domain (or of a pending key rotation) with their check. */
function RecordsTable({ label, records, domain }: { label: string; records: DnsRecord[]; domain: SenderDomain }) {
  const { t } = useI18n();
  return (
    <TableWrap label={label}>
      <thead>
        <tr>
          <th>{t("mailings.domains.record")}</th><th>{t("mailings.domains.type")}</th>
          <th>{t("mailings.domains.name")}</th><th>{t("mailings.domains.value")}</th><th>{t("mailings.domains.checkOf")}</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => <RecordRow key={r.kind} r={r} domain={domain} />)}
      </tbody>
    </TableWrap>
  );
}

function Rotation({ domain, busy, run, onChange }: { domain: SenderDomain; busy: boolean; run: (a: () => Promise<void>) => void; onChange: (d: SenderDomain) => void }) {
  const { t, lang } = useI18n();
  const retiring = (domain.keys ?? []).filter((k) => k.state === "retiring");
  const rotation = domain.rotation;
  return (
    <section className="dkim-rotation" aria-label={t("mailings.domains.rotation")}>
      <h3>{t("mailings.domains.rotation")}</h3>
      {rotation ? (
        <>
          <p>{t("mailings.domains.rotationPending")}</p>
          <RecordsTable label={t("mailings.domains.rotationRecords", { domain: domain.domain })}
            records={rotation.records.map((r) => ({ ...r, required: true }))} domain={{ ...domain, check: rotation.check }} />
          <button type="button" disabled={busy} onClick={() => run(async () => {
            await senderApi.cancelRotation(domain.id);
            onChange({ ...domain, rotation: null, keys: (domain.keys ?? []).filter((k) => k.state !== "pending") });
          })}>{t("mailings.domains.rotationCancel")}</button>
        </>
      ) : (
        <>
          <p className="muted">{t("mailings.domains.rotationIntro")}</p>
          <button type="button" disabled={busy} onClick={() => run(async () => onChange(await senderApi.startRotation(domain.id)))}>
            {t("mailings.domains.rotationStart")}
          </button>
        </>
      )}
      {retiring.map((k) => (
        <p key={k.rsa_selector} className="hint" data-retiring={k.rsa_selector}>
          {t("mailings.domains.retiring", { selectors: `${k.rsa_selector}, ${k.ed25519_selector}`, at: k.retire_after ? formatDateTime(lang, k.retire_after) : "–" })}
        </p>
      ))}
    </section>
  );
}

function DomainCard({ domain, onChange, onRemoved }: { domain: SenderDomain; onChange: (d: SenderDomain) => void; onRemoved: () => void }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirm, setConfirm] = useState(false);
  // the box follows the click at once; a refusal puts it back (and says why)
  const [allow, setAllow] = useState(domain.allow_unverified);
  useEffect(() => setAllow(domain.allow_unverified), [domain.allow_unverified]);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (exc) {
      setError(asError(exc));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="domain-card" title={<>{domain.domain}{" "}
      {domain.dkim_ok ? <Badge kind="ok">{t("mailings.domains.verified")}</Badge> : <Badge kind="warn">{t("mailings.domains.unverified")}</Badge>}
      {!domain.dkim_ok && domain.allow_unverified && <> <Badge kind="info">{t("mailings.domains.allowed")}</Badge></>}
    </>}>
      <ErrorNotice error={error} fieldsShown={false} />
      <RecordsTable label={t("mailings.domains.records", { domain: domain.domain })} records={domain.records} domain={domain} />
      {domain.alignment && domain.alignment.explanation.length > 0 && (
        <div className="hint" data-alignment={domain.alignment.spf_aligned ? "aligned" : "not-aligned"}>
          <strong>{t("mailings.domains.alignment")}</strong>
          {domain.alignment.explanation.map((e, i) => <p key={i}>{lang === "en" ? e.en : e.de}</p>)}
        </div>
      )}
      {domain.sender_issue && (
        <Notice kind="warning">{t("mailings.domains.senderIssue", { reason: t(`mailings.senderReason.${domain.sender_issue}`), at: domain.sender_issue_at ? formatDateTime(lang, domain.sender_issue_at) : "" })}</Notice>
      )}
      {(domain.sent_30d ?? 0) > 0 && (
        <p className="muted" data-complaint-rate={domain.complaint_rate_30d ?? ""}>
          {t("mailings.domains.complaints", { n: formatNumber(lang, domain.complaints_30d ?? 0), sent: formatNumber(lang, domain.sent_30d ?? 0), count: domain.sent_30d ?? 0,
            rate: new Intl.NumberFormat(lang === "de" ? "de-DE" : "en-GB", { style: "percent", maximumFractionDigits: 2 }).format(domain.complaint_rate_30d ?? 0) })}
        </p>
      )}
      <p className="muted">{domain.checked_at ? t("mailings.domains.checkedAt", { at: formatDateTime(lang, domain.checked_at) }) : t("mailings.domains.notChecked")}</p>
      <Checkbox label={t("mailings.domains.allowUnverified")} hint={t("mailings.domains.allowHint")} checked={allow} disabled={busy}
        onChange={(e) => {
          const next = e.target.checked;
          setAllow(next);
          run(async () => {
            try {
              onChange(await senderApi.allowUnverified(domain.id, next));
            } catch (exc) {
              setAllow(!next);
              throw exc;
            }
          });
        }} />
      <Rotation domain={domain} busy={busy} run={run} onChange={onChange} />
      <div className="buttons">
        <button type="button" className="primary" disabled={busy} onClick={() => run(async () => onChange(await senderApi.check(domain.id)))}>
          {t("mailings.domains.check")}
        </button>
        {!confirm ? (
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirm(true)}>{t("mailings.domains.delete")}</button>
        ) : (
          <span className="confirm" role="alertdialog" aria-labelledby={`del-${domain.id}`}>
            <span id={`del-${domain.id}`}>{t("mailings.domains.deleteConfirm", { domain: domain.domain })}</span>{" "}
            <button type="button" className="danger" autoFocus disabled={busy}
              onClick={() => run(async () => { await senderApi.removeDomain(domain.id); onRemoved(); })}>{t("common.yes")}</button>
            <button type="button" onClick={() => setConfirm(false)}>{t("common.no")}</button>
          </span>
        )}
      </div>
      {busy && <p className="loading" role="status">{t("common.loading")}</p>}
    </Card>
  );
}

function Domains({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const list = useLoad((signal) => senderApi.domains(signal));
  const form = useForm({ domain: "" });
  const [added, setAdded] = useState<string | null>(null);
  return (
    <section aria-labelledby="domains-title">
      <h2 id="domains-title">{t("mailings.domains.title")}</h2>
      <ErrorNotice error={list.error} />
      {!list.data ? (list.error ? null : <Loading />) : list.data.length === 0 ? <p className="muted">{t("mailings.domains.none")}</p> : (
        list.data.map((d) => (
          <DomainCard key={d.id} domain={d}
            onChange={(next) => { list.setData((list.data ?? []).map((x) => (x.id === next.id ? next : x))); onChanged(); }}
            onRemoved={() => { list.reload(); onChanged(); }} />
        ))
      )}
      <Card title={t("mailings.domains.add")}>
        <form noValidate className="inline-form" onSubmit={(e) => {
          e.preventDefault();
          setAdded(null);
          form.submit(async (v) => {
            const d = await senderApi.addDomain(v.domain.trim());
            setAdded(d.domain);
            form.setValues({ domain: "" });
            list.setData([...(list.data ?? []), d].sort((a, b) => a.domain.localeCompare(b.domain)));
          });
        }}>
          <Field label={t("mailings.domains.domain")} hint={t("mailings.domains.domainHint")} value={form.values.domain}
            onChange={(e) => form.set("domain", e.target.value)} error={form.fieldErrors.domain} autoComplete="off" />
          <button type="submit" className="primary" disabled={form.busy}>{t("mailings.domains.add")}</button>
        </form>
        {form.error && !form.fieldErrors.domain && <ErrorNotice error={form.error} />}
        {added && <Notice kind="success">{t("mailings.domains.added", { domain: added })}</Notice>}
      </Card>
    </section>
  );
}

function UserChoice({ users, value, onChange, idPrefix }: { users: UserRow[]; value: string[]; onChange: (ids: string[]) => void; idPrefix: string }) {
  const { t } = useI18n();
  return (
    <fieldset>
      <legend>{t("mailings.senders.users")}</legend>
      <p className="hint">{t("mailings.senders.usersHint")}</p>
      <ul className="check-list">
        {users.filter((u) => u.active || value.includes(u.id)).map((u) => (
          <li key={u.id}>
            <input type="checkbox" id={`${idPrefix}-${u.id}`} checked={value.includes(u.id)}
              onChange={(e) => onChange(e.target.checked ? [...value, u.id] : value.filter((x) => x !== u.id))} />
            <label htmlFor={`${idPrefix}-${u.id}`}>{[u.first_name, u.last_name].filter(Boolean).join(" ") || u.email} <span className="muted">{u.email}</span></label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

function SenderForm({ users, sender, onDone, onCancel }: { users: UserRow[]; sender?: Sender; onDone: (s: Sender) => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const form = useForm({ from_name: sender?.from_name ?? "", from_address: sender?.from_address ?? "", reply_to: sender?.reply_to ?? "", user_ids: sender?.user_ids ?? [] as string[] });
  const prefix = sender ? `edit-${sender.id}` : "new-sender";
  return (
    <form noValidate onSubmit={(e) => {
      e.preventDefault();
      form.submit(async (v) => {
        const body = { from_name: v.from_name.trim(), reply_to: v.reply_to.trim() || null, user_ids: v.user_ids };
        const saved = sender ? await senderApi.updateSender(sender.id, body) : await senderApi.addSender({ ...body, from_address: v.from_address.trim() });
        if (!sender) form.setValues({ from_name: "", from_address: "", reply_to: "", user_ids: [] });
        onDone(saved);
      });
    }}>
      <ErrorNotice error={form.error} />
      <div className="form-row">
        <Field id={`${prefix}-name`} label={t("mailings.senders.fromName")} value={form.values.from_name} onChange={(e) => form.set("from_name", e.target.value)}
          error={form.fieldErrors.from_name} maxLength={200} />
        <Field id={`${prefix}-address`} label={t("mailings.senders.fromAddress")} type="email" value={form.values.from_address} readOnly={!!sender}
          hint={sender ? undefined : t("mailings.senders.fromAddressHint")} onChange={(e) => form.set("from_address", e.target.value)} error={form.fieldErrors.from_address} />
        <Field id={`${prefix}-reply`} label={t("mailings.senders.replyTo")} type="email" value={form.values.reply_to} onChange={(e) => form.set("reply_to", e.target.value)}
          error={form.fieldErrors.reply_to} />
      </div>
      <UserChoice users={users} value={form.values.user_ids} onChange={(ids) => form.set("user_ids", ids)} idPrefix={prefix} />
      {form.fieldErrors.user_ids && <p className="field-error">{form.fieldErrors.user_ids}</p>}
      <div className="buttons">
        <button type="submit" className="primary" disabled={form.busy}>{sender ? t("common.save") : t("mailings.senders.add")}</button>
        {onCancel && <button type="button" onClick={onCancel}>{t("common.cancel")}</button>}
      </div>
    </form>
  );
}

function Senders({ tick }: { tick: number }) {
  const { t } = useI18n();
  const list = useLoad((signal) => senderApi.senders(signal), [tick]);
  const users = useLoad((signal) => api.get<{ users: UserRow[] }>("/api/v1/users", { signal }).then((r) => r.users).catch(() => [] as UserRow[]));
  const [editing, setEditing] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const userName = (id: string) => {
    const u = users.data?.find((x) => x.id === id);
    return u ? [u.first_name, u.last_name].filter(Boolean).join(" ") || u.email : "?";
  };
  return (
    <section aria-labelledby="senders-title">
      <h2 id="senders-title">{t("mailings.senders.list")}</h2>
      <ErrorNotice error={list.error ?? error} />
      {done && <Notice kind="success">{done}</Notice>}
      {!list.data ? (list.error ? null : <Loading />) : list.data.length === 0 ? <p className="muted">{t("mailings.senders.none")}</p> : (
        <TableWrap label={t("mailings.senders.list")}>
          <thead>
            <tr>
              <th>{t("mailings.senders.fromName")}</th><th>{t("mailings.senders.fromAddress")}</th><th>{t("mailings.replyTo")}</th>
              <th>{t("mailings.senders.users")}</th><th>{t("common.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => editing === s.id ? (
              <tr key={s.id}>
                <td colSpan={5}>
                  <SenderForm users={users.data ?? []} sender={s} onCancel={() => setEditing(null)}
                    onDone={(saved) => { list.setData((list.data ?? []).map((x) => (x.id === saved.id ? saved : x))); setEditing(null); setDone(t("mailings.senders.saved")); }} />
                </td>
              </tr>
            ) : (
              <tr key={s.id} data-sender={s.from_address}>
                <td>{s.from_name}</td>
                <td>{s.from_address}{" "}
                  {s.sendable === false ? <Badge kind="warn">{t("mailings.senders.notSendable")}</Badge> : <Badge kind="ok">{t("mailings.senders.sendable")}</Badge>}
                </td>
                <td>{s.reply_to || "–"}</td>
                <td>{s.user_ids.length ? s.user_ids.map(userName).join(", ") : <span className="muted">{t("mailings.senders.allAdmins")}</span>}</td>
                <td>
                  {confirm === s.id ? (
                    <span className="confirm" role="alertdialog" aria-labelledby={`sdel-${s.id}`}>
                      <span id={`sdel-${s.id}`}>{t("mailings.senders.deleteConfirm", { address: s.from_address })}</span>{" "}
                      <button type="button" className="danger small" autoFocus onClick={async () => {
                        setError(null);
                        try {
                          await senderApi.removeSender(s.id);
                          list.reload();
                        } catch (exc) {
                          setError(asError(exc));
                        } finally {
                          setConfirm(null);
                        }
                      }}>{t("common.yes")}</button>
                      <button type="button" className="small" onClick={() => setConfirm(null)}>{t("common.no")}</button>
                    </span>
                  ) : (
                    <>
                      <button type="button" className="small" aria-label={`${t("mailings.senders.edit")}: ${s.from_address}`} onClick={() => setEditing(s.id)}>{t("mailings.senders.edit")}</button>{" "}
                      <button type="button" className="small danger" aria-label={`${t("mailings.senders.delete")}: ${s.from_address}`} onClick={() => setConfirm(s.id)}>{t("mailings.senders.delete")}</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <Card title={t("mailings.senders.add")}>
        <SenderForm users={users.data ?? []} onDone={(s) => { list.setData([...(list.data ?? []), s]); setDone(t("mailings.senders.added", { address: s.from_address })); }} />
      </Card>
    </section>
  );
}

export function SendersPage() {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  return (
    <Page title={t("mailings.senders.title")} wide>
      <MailingsTabs />
      <p className="muted">{t("mailings.senders.intro")}</p>
      <Domains onChanged={() => setTick((n) => n + 1)} />
      <Senders tick={tick} />
    </Page>
  );
}
