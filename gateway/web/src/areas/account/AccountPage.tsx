/** The user's own account: name and language, password, second factor (codes by mail, authenticator app with
 * backup codes) and the live sessions. */
import { useState } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api/client";
import { useSession, type Me } from "../../app/session";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Field, Notice, Page, Select, TableWrap } from "../../ui/components";
import { formatDateTime } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";

interface Session { id: string; created_at: string; last_seen_at: string; ip: string | null; user_agent: string | null; current: boolean }

function Profile({ me, onSaved }: { me: Me; onSaved: () => void }) {
  const { t } = useI18n();
  const { setLanguage } = useSession();
  const form = useForm({ first_name: me.first_name ?? "", last_name: me.last_name ?? "", language: me.language });
  const [saved, setSaved] = useState(false);
  return (
    <form noValidate aria-labelledby="profile-title" onSubmit={(e) => {
      e.preventDefault();
      setSaved(false);
      form.submit(async (v) => {
        // only what changed: a name the administrator left empty does not stand in the way of the language
        const changes: Partial<typeof v> = {};
        if (v.first_name !== (me.first_name ?? "")) changes.first_name = v.first_name;
        if (v.last_name !== (me.last_name ?? "")) changes.last_name = v.last_name;
        if (v.language !== me.language) changes.language = v.language;
        if (Object.keys(changes).length) await api.patch("/api/v1/me", changes);
        await setLanguage(v.language);
        setSaved(true);
        onSaved();
      });
    }}>
      <h2 id="profile-title">{t("account.profile")}</h2>
      {saved && <Notice kind="success">{t("common.saved")}</Notice>}
      <ErrorNotice error={form.error} />
      <div className="form-row">
        <Field label={t("admin.users.firstName")} value={form.values.first_name} onChange={(e) => form.set("first_name", e.target.value)} error={form.fieldErrors.first_name} />
        <Field label={t("admin.users.lastName")} value={form.values.last_name} onChange={(e) => form.set("last_name", e.target.value)} error={form.fieldErrors.last_name} />
        <Select label={t("common.language")} value={form.values.language} onChange={(e) => form.set("language", e.target.value as Me["language"])} error={form.fieldErrors.language}>
          <option value="de">Deutsch</option><option value="en">English</option>
        </Select>
      </div>
      <p className="muted">{t("account.email", { email: me.email })} <Link to="/password/change">{t("auth.change.title")}</Link></p>
      <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("common.save")}</button></div>
    </form>
  );
}

/** Codes by mail, the authenticator app and backup codes. Everything that weakens the second factor or hands out
 * new codes (codes by mail off, confirming or removing the app, new backup codes) asks for the current password:
 * a session left open somewhere must not be enough to take the account over. */
function TwoFactor({ me, onChanged }: { me: Me; onChanged: () => void }) {
  const { t } = useI18n();
  const tf = (me.two_factor ?? {}) as { method?: string; own_choice?: string | null; totp?: boolean; required_by_account?: boolean };
  const form = useForm({ code: "", current_password: "" });
  const [setup, setSetup] = useState<{ secret: string; otpauth_uri: string } | null>(null);
  const [backup, setBackup] = useState<string[] | null>(null);
  const mailOn = tf.own_choice === "email";
  const settingUp = Boolean(setup) && !tf.totp;
  const needsPassword = settingUp || Boolean(tf.totp) || mailOn;
  const done = () => {
    form.setValues({ code: "", current_password: "" });
    onChanged();
  };
  return (
    <div aria-labelledby="tf-title">
      <h2 id="tf-title">{t("account.twoFactor")}</h2>
      <p>{t("account.twoFactor.now")} <Badge kind={tf.method && tf.method !== "none" ? "ok" : "warn"}>{t(`account.method.${tf.method ?? "none"}`)}</Badge>
        {tf.required_by_account && <> <Badge kind="info">{t("account.required")}</Badge></>}</p>
      <ErrorNotice error={form.error} />
      {backup && (
        <Notice kind="warning">
          <p><strong>{t("account.backup.title")}</strong> {t("account.backup.intro")}</p>
          <pre className="report">{backup.join("\n")}</pre>
        </Notice>
      )}
      <form noValidate onSubmit={(e) => {
        e.preventDefault();
        if (!settingUp) return;
        form.submit(async (v) => {
          const r = await api.post<{ backup_codes: string[] }>("/api/v1/me/two-factor/totp/confirm", { code: v.code, current_password: v.current_password });
          setBackup(r.backup_codes);
          setSetup(null);
          done();
        });
      }}>
        {settingUp && setup && (
          <>
            <p>{t("account.totp.intro")}</p>
            <p><code>{setup.secret}</code></p>
            <p className="muted"><small>{setup.otpauth_uri}</small></p>
            <Field label={t("account.totp.code")} inputMode="numeric" autoComplete="one-time-code" value={form.values.code} onChange={(e) => form.set("code", e.target.value)} error={form.fieldErrors.code} />
          </>
        )}
        {needsPassword && (
          <Field label={t("auth.change.current")} type="password" autoComplete="current-password" value={form.values.current_password}
            onChange={(e) => form.set("current_password", e.target.value)} error={form.fieldErrors.current_password}
            hint={t(settingUp ? "account.reauth.confirm" : tf.totp ? "account.totp.passwordHint" : "account.reauth.mailOff")} />
        )}
        <div className="buttons">
          {settingUp && <button type="submit" className="primary" disabled={form.busy}>{t("account.totp.confirm")}</button>}
          {!tf.totp && !settingUp && (
            <>
              <button type="button" disabled={form.busy} onClick={() => form.submit(async (v) => {
                await api.put("/api/v1/me/two-factor/mail", mailOn ? { enabled: false, current_password: v.current_password } : { enabled: true });
                done();
              })}>{mailOn ? t("account.mail.off") : t("account.mail.on")}</button>
              <button type="button" disabled={form.busy} onClick={() => form.submit(async () => setSetup(await api.post("/api/v1/me/two-factor/totp")))}>{t("account.totp.start")}</button>
            </>
          )}
          {tf.totp && (
            <>
              <button type="button" disabled={form.busy} onClick={() => form.submit(async (v) => {
                const r = await api.post<{ backup_codes: string[] }>("/api/v1/me/two-factor/backup-codes", { current_password: v.current_password });
                setBackup(r.backup_codes);
                form.setValues({ code: "", current_password: "" });
              })}>{t("account.backup.new")}</button>
              <button type="button" className="danger" disabled={form.busy} onClick={() => form.submit(async (v) => {
                await api.post("/api/v1/me/two-factor/totp/disable", { current_password: v.current_password });
                done();
              })}>{t("account.totp.disable")}</button>
            </>
          )}
        </div>
      </form>
    </div>
  );
}

function Sessions() {
  const { t, lang } = useI18n();
  const list = useLoad((signal) => api.get<{ sessions: Session[] }>("/api/v1/me/sessions", { signal }));
  const form = useForm({});
  return (
    <div>
      <h2>{t("account.sessions")}</h2>
      <ErrorNotice error={list.error ?? form.error} />
      <TableWrap label={t("account.sessions")}>
        <thead><tr><th>{t("account.sessions.since")}</th><th>{t("account.sessions.seen")}</th><th>{t("admin.audit.ip")}</th><th>{t("account.sessions.browser")}</th><th>{t("common.actions")}</th></tr></thead>
        <tbody>
          {(list.data?.sessions ?? []).map((s) => (
            <tr key={s.id}>
              <td>{formatDateTime(lang, s.created_at)}</td>
              <td>{formatDateTime(lang, s.last_seen_at)}</td>
              <td>{s.ip ?? "–"}</td>
              <td><small>{(s.user_agent ?? "–").slice(0, 80)}</small></td>
              <td>{s.current ? <Badge kind="info">{t("account.sessions.current")}</Badge> : (
                <button type="button" className="small" disabled={form.busy} onClick={() => form.submit(async () => {
                  await api.delete(`/api/v1/me/sessions/${s.id}`);
                  list.reload();
                })}>{t("account.sessions.end")}</button>
              )}</td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
    </div>
  );
}

export function AccountPage() {
  const { t } = useI18n();
  const { me, refresh } = useSession();
  if (!me) return null;
  return (
    <Page title={t("common.account")}>
      <Card><Profile me={me} onSaved={() => refresh()} /></Card>
      <Card><TwoFactor me={me} onChanged={() => refresh()} /></Card>
      <Sessions />
    </Page>
  );
}
