/** Forgot password (a one-time password by mail), set a new one with it, and change the password (also the forced
 * change after a one-time password or when the password has expired). */
import { useState } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { api } from "../../api/client";
import { safeNext } from "../../app/paths";
import { useSession, type LoginResult } from "../../app/session";
import { useT } from "../../i18n";
import { ErrorNotice, Field, Notice, Page } from "../../ui/components";
import { useForm } from "../../ui/hooks";

export function ForgotPage() {
  const t = useT();
  const location = useLocation();
  const email = new URLSearchParams(location.search).get("email") ?? "";
  const form = useForm({ email });
  const [message, setMessage] = useState<string | null>(null);
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    form.submit(async (v) => {
      const r = await api.post<{ message: string }>("/api/v1/auth/password/forgot", { email: v.email }, { auth: false });
      setMessage(r.message);
    });
  };
  return (
    <Page title={t("auth.forgot.title")}>
      <form className="narrow card" onSubmit={onSubmit} noValidate>
        <p>{t("auth.forgot.intro")}</p>
        <ErrorNotice error={form.error} />
        {message && (
          <Notice kind="success">
            {message} <Link to={`/password/reset?email=${encodeURIComponent(form.values.email)}`}>{t("auth.reset.link")}</Link>
          </Notice>
        )}
        <Field label={t("auth.email")} type="email" autoComplete="username" value={form.values.email}
          onChange={(e) => form.set("email", e.target.value)} error={form.fieldErrors.email} required />
        <div className="buttons">
          <button type="submit" className="primary" disabled={form.busy}>{t("auth.forgot.submit")}</button>
          <Link to="/login">{t("common.back")}</Link>
        </div>
      </form>
    </Page>
  );
}

export function ResetPage() {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const form = useForm({ email: new URLSearchParams(location.search).get("email") ?? "", one_time_password: "", new_password: "", repeat: "" });
  const [mismatch, setMismatch] = useState(false);
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    if (form.values.new_password !== form.values.repeat) return setMismatch(true);
    setMismatch(false);
    form.submit(async (v) => {
      await api.post("/api/v1/auth/password/reset", { email: v.email, one_time_password: v.one_time_password.trim(), new_password: v.new_password }, { auth: false });
      navigate(`/login?reset=1&email=${encodeURIComponent(v.email)}`, { replace: true });
    });
  };
  return (
    <Page title={t("auth.reset.title")}>
      <form className="narrow card" onSubmit={onSubmit} noValidate>
        <p>{t("auth.reset.intro")}</p>
        <ErrorNotice error={form.error} />
        <Field label={t("auth.email")} type="email" autoComplete="username" value={form.values.email}
          onChange={(e) => form.set("email", e.target.value)} error={form.fieldErrors.email} required />
        <Field label={t("auth.reset.otp")} autoComplete="one-time-code" value={form.values.one_time_password}
          onChange={(e) => form.set("one_time_password", e.target.value)} error={form.fieldErrors.one_time_password} required />
        <NewPasswordFields form={form} mismatch={mismatch} />
        <div className="buttons">
          <button type="submit" className="primary" disabled={form.busy}>{t("auth.reset.submit")}</button>
          <Link to="/login">{t("common.back")}</Link>
        </div>
      </form>
    </Page>
  );
}

interface PasswordForm {
  values: { new_password: string; repeat: string };
  set: (name: "new_password" | "repeat", value: string) => void;
  fieldErrors: Record<string, string>;
}

function NewPasswordFields({ form, mismatch }: { form: PasswordForm; mismatch: boolean }) {
  const t = useT();
  return (
    <>
      <Field label={t("auth.change.new")} type="password" autoComplete="new-password" value={form.values.new_password}
        onChange={(e) => form.set("new_password", e.target.value)} error={form.fieldErrors.new_password}
        hint={t("auth.change.rules")} required />
      <Field label={t("auth.change.repeat")} type="password" autoComplete="new-password" value={form.values.repeat}
        onChange={(e) => form.set("repeat", e.target.value)} error={mismatch ? t("auth.change.mismatch") : undefined} required />
    </>
  );
}

export function ChangePasswordPage() {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const session = useSession();
  const next = safeNext(new URLSearchParams(location.search).get("next"), session.me?.kind === "operator" ? "/backoffice" : "/");
  const form = useForm({ current_password: "", new_password: "", repeat: "" });
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    if (form.values.new_password !== form.values.repeat) return setMismatch(true);
    setMismatch(false);
    form.submit(async (v) => {
      const body: Record<string, string> = { new_password: v.new_password };
      if (!session.restricted) body.current_password = v.current_password;
      const result = await api.post<LoginResult>("/api/v1/auth/password/change", body);
      await session.loggedIn(result);
      if (session.restricted) navigate(next, { replace: true });
      else {
        setDone(true);
        form.setValues({ current_password: "", new_password: "", repeat: "" });
      }
    });
  };
  return (
    <Page title={session.restricted ? t("auth.change.forced") : t("auth.change.title")}>
      <form className="narrow card" onSubmit={onSubmit} noValidate>
        {session.restricted && <Notice kind="warning">{t("auth.change.forcedIntro")}</Notice>}
        {done && <Notice kind="success">{t("auth.change.done")}</Notice>}
        <ErrorNotice error={form.error} />
        {!session.restricted && (
          <Field label={t("auth.change.current")} type="password" autoComplete="current-password" value={form.values.current_password}
            onChange={(e) => form.set("current_password", e.target.value)} error={form.fieldErrors.current_password} required />
        )}
        <NewPasswordFields form={form} mismatch={mismatch} />
        <div className="buttons">
          <button type="submit" className="primary" disabled={form.busy}>{t("auth.change.submit")}</button>
        </div>
      </form>
    </Page>
  );
}
