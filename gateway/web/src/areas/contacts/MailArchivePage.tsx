/**
 * The user's IMAP archive: connect a mailbox (host, port, TLS, login; the password is stored encrypted and never
 * shown again), choose folders, see when it last synced and why it failed, sync now (a job with progress).
 * Messages to and from known contacts land in their history.
 */
import { useState } from "react";
import { ApiError, api } from "../../api/client";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Field, Loading, Notice, Page, Select } from "../../ui/components";
import { formatDateTime } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { CRM, pick, splitTags, type Job } from "./api";
import { ConfirmButton, JobStatus } from "./shared";
import { ContactsTabs } from "./Tabs";

interface Mailbox { id: string; host: string; port: number; security: "ssl" | "starttls" | "none"; username: string; folders: string[]; last_sync_at: string | null; last_error: unknown; password_set: boolean }

function MailboxForm({ box, onSaved, onCancel }: { box?: Mailbox; onSaved: () => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const form = useForm({ host: box?.host ?? "", port: String(box?.port ?? 993), security: box?.security ?? "ssl", username: box?.username ?? "", password: "", folders: (box?.folders ?? ["INBOX"]).join(", ") });
  const v = form.values;
  const f = form.fieldErrors;
  const folderError = f.folders ?? Object.entries(f).find(([k]) => k.startsWith("folders."))?.[1];
  const id = box ? `mb-${box.id}` : "mb-new";
  return (
    <form noValidate aria-labelledby={id} onSubmit={(e) => {
      e.preventDefault();
      form.submit(async (values) => {
        const port = Number(values.port);
        const body: Record<string, unknown> = { host: values.host.trim(), port: Number.isFinite(port) && values.port !== "" ? port : values.port, security: values.security, username: values.username, folders: splitTags(values.folders) };
        if (values.password || !box) body.password = values.password;
        if (box) await api.patch(`${CRM}/mailboxes/${box.id}`, body);
        else await api.post(`${CRM}/mailboxes`, body);
        form.set("password", "");
        onSaved();
      });
    }}>
      <h3 id={id}>{t(box ? "mail.edit" : "mail.connect")}</h3>
      <ErrorNotice error={form.error} />
      <div className="form-row">
        <Field label={t("mail.host")} hint={t("mail.hostHint")} value={v.host} onChange={(e) => form.set("host", e.target.value)} error={f.host} autoComplete="off" />
        <Field label={t("mail.port")} inputMode="numeric" value={v.port} onChange={(e) => form.set("port", e.target.value)} error={f.port} />
        <Select label={t("mail.security")} value={v.security} onChange={(e) => {
          const sec = e.target.value as Mailbox["security"];
          form.set("security", sec);
          if (v.port === "993" || v.port === "143") form.set("port", sec === "ssl" ? "993" : "143");
        }} error={f.security}>
          <option value="ssl">{t("mail.security.ssl")}</option>
          <option value="starttls">{t("mail.security.starttls")}</option>
          <option value="none">{t("mail.security.none")}</option>
        </Select>
      </div>
      <div className="form-row">
        <Field label={t("mail.username")} value={v.username} onChange={(e) => form.set("username", e.target.value)} error={f.username} autoComplete="off" />
        <Field label={t("mail.password")} type="password" hint={box ? t("mail.passwordKeep") : t("mail.passwordHint")} value={v.password} onChange={(e) => form.set("password", e.target.value)} error={f.password} autoComplete="new-password" />
        <Field label={t("mail.folders")} hint={t("mail.foldersHint")} value={v.folders} onChange={(e) => form.set("folders", e.target.value)} error={folderError} />
      </div>
      <div className="buttons">
        <button type="submit" className="primary" disabled={form.busy}>{t(box ? "common.save" : "mail.connectButton")}</button>
        {onCancel && <button type="button" onClick={onCancel}>{t("common.cancel")}</button>}
      </div>
    </form>
  );
}

function MailboxCard({ box, onChanged }: { box: Mailbox; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState(false);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const lastError = pick(lang, box.last_error);
  return (
    <Card title={`${box.username} @ ${box.host}`}>
      <dl className="facts">
        <dt>{t("mail.server")}</dt><dd>{box.host}:{box.port} · {t(`mail.security.${box.security}`)}</dd>
        <dt>{t("mail.folders")}</dt><dd>{box.folders.join(", ")}</dd>
        <dt>{t("mail.password")}</dt><dd>{box.password_set ? <Badge kind="ok">{t("mail.passwordStored")}</Badge> : <Badge kind="bad">{t("mail.passwordMissing")}</Badge>}</dd>
        <dt>{t("mail.lastSync")}</dt><dd>{box.last_sync_at ? formatDateTime(lang, box.last_sync_at) : t("mail.never")}</dd>
        {lastError && <><dt>{t("mail.lastError")}</dt><dd className="field-error">{lastError}</dd></>}
      </dl>
      <ErrorNotice error={error} />
      {job && <JobStatus job={job} onChange={(j) => { setJob(j); if (j.state === "done" || j.state === "failed") onChanged(); }} label={t("mail.syncJob")}>
        {job.result && typeof job.result.archived === "number" ? t("mail.synced", { n: job.result.archived }) : null}
      </JobStatus>}
      {editing ? <MailboxForm box={box} onSaved={() => { setEditing(false); onChanged(); }} onCancel={() => setEditing(false)} /> : (
        <div className="buttons">
          <button type="button" className="primary" disabled={!!job && (job.state === "queued" || job.state === "running")} onClick={async () => {
            setError(null);
            try { setJob(await api.post<Job>(`${CRM}/mailboxes/${box.id}/sync`)); } catch (exc) { if (exc instanceof ApiError) setError(exc); }
          }}>{t("mail.syncNow")}</button>
          <button type="button" onClick={() => setEditing(true)}>{t("mail.edit")}</button>
          <ConfirmButton label={t("mail.disconnect")} question={t("mail.disconnectQuestion")} confirmLabel={t("mail.disconnectNow")} onConfirm={async () => {
            try { await api.delete(`${CRM}/mailboxes/${box.id}`); onChanged(); } catch (exc) { if (exc instanceof ApiError) setError(exc); }
          }} />
        </div>
      )}
    </Card>
  );
}

export function MailArchivePage() {
  const { t } = useI18n();
  const boxes = useLoad((signal) => api.get<Mailbox[]>(`${CRM}/mailboxes`, { signal }));
  const [added, setAdded] = useState(false);
  return (
    <Page title={t("mail.title")} wide>
      <ContactsTabs />
      <p className="muted">{t("mail.intro")}</p>
      <ErrorNotice error={boxes.error} />
      {added && <Notice kind="success">{t("mail.connected")}</Notice>}
      {!boxes.data ? <Loading /> : boxes.data.map((b) => <MailboxCard key={b.id + b.last_sync_at + b.folders.join()} box={b} onChanged={boxes.reload} />)}
      <Card><MailboxForm key={boxes.data?.length ?? 0} onSaved={() => { setAdded(true); boxes.reload(); }} /></Card>
    </Page>
  );
}
