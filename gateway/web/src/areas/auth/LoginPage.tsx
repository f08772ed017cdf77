/**
 * Log in: e-mail and password, then (if asked) the code from the mail or the authenticator app, or a backup code.
 * Customers use /login, the vendor's operators /backoffice/login (always with a mailed code).
 */
import { useState } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { api } from "../../api/client";
import { safeNext } from "../../app/paths";
import { useSession, type LoginResult } from "../../app/session";
import { useT } from "../../i18n";
import { ErrorNotice, Field, Notice, Page } from "../../ui/components";
import { useForm } from "../../ui/hooks";

export function LoginPage({ operator = false }: { operator?: boolean }) {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const session = useSession();
  const params = new URLSearchParams(location.search);
  const next = safeNext(params.get("next"), operator ? "/backoffice" : "/");
  const [step, setStep] = useState<LoginResult | null>(null);
  const [resent, setResent] = useState<number | null>(null);
  const form = useForm({ email: params.get("email") ?? "", password: "" });
  const codeForm = useForm({ code: "" });

  const finish = async (result: LoginResult) => {
    await session.loggedIn(result);
    if ((result.restrictions ?? []).includes("password_change_required")) {
      navigate(`/password/change?next=${encodeURIComponent(next)}`, { replace: true });
    } else {
      navigate(next, { replace: true });
    }
  };

  const onLogin = (e: React.FormEvent) => {
    e.preventDefault();
    form.submit(async (v) => {
      const result = await api.post<LoginResult>(operator ? "/api/v1/backoffice/auth/login" : "/api/v1/auth/login",
        { email: v.email, password: v.password }, { auth: false });
      if (result.status === "second_factor_required") {
        setStep(result);
        window.setTimeout(() => document.getElementById("login-code")?.focus(), 0);
      } else {
        await finish(result);
      }
    });
  };

  const onCode = (e: React.FormEvent) => {
    e.preventDefault();
    codeForm.submit(async (v) => {
      const result = await api.post<LoginResult>("/api/v1/auth/login/second-factor",
        { challenge: step!.challenge, code: v.code.trim() }, { auth: false });
      await finish(result);
    });
  };

  const resend = () =>
    codeForm.submit(async () => {
      const r = await api.post<{ sends_left?: number }>("/api/v1/auth/login/resend-code", { challenge: step!.challenge }, { auth: false });
      setResent(r.sends_left ?? 0);
    });

  const title = operator ? t("auth.operator.title") : t("auth.login.title");
  if (step) {
    return (
      <Page title={title}>
        <form className="narrow card" onSubmit={onCode} noValidate>
          <p>{step.method === "totp" ? t("auth.code.totp") : t("auth.code.mail", { email: form.values.email })}</p>
          <ErrorNotice error={codeForm.error} />
          {resent !== null && <Notice kind="success">{t("auth.code.resent", { n: resent })}</Notice>}
          <Field
            id="login-code"
            label={t("auth.code.label")}
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={codeForm.values.code}
            onChange={(e) => codeForm.set("code", e.target.value)}
            error={codeForm.fieldErrors.code}
            hint={t("auth.code.hint")}
            required
          />
          <div className="buttons">
            <button type="submit" className="primary" disabled={codeForm.busy}>
              {t("auth.code.submit")}
            </button>
            {step.method !== "totp" && (
              <button type="button" onClick={resend} disabled={codeForm.busy}>
                {t("auth.code.resend")}
              </button>
            )}
            <button type="button" className="link-button" onClick={() => setStep(null)}>
              {t("common.back")}
            </button>
          </div>
        </form>
      </Page>
    );
  }
  return (
    <Page title={title}>
      <form className="narrow card" onSubmit={onLogin} noValidate>
        {operator && <p>{t("auth.operator.intro")}</p>}
        {params.get("reset") && <Notice kind="success">{t("auth.reset.done")}</Notice>}
        <ErrorNotice error={form.error} />
        <Field
          label={t("auth.email")}
          name="email"
          type="email"
          autoComplete="username"
          value={form.values.email}
          onChange={(e) => form.set("email", e.target.value)}
          error={form.fieldErrors.email}
          required
        />
        <Field
          label={t("auth.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          value={form.values.password}
          onChange={(e) => form.set("password", e.target.value)}
          error={form.fieldErrors.password}
          required
        />
        <div className="buttons">
          <button type="submit" className="primary" disabled={form.busy}>
            {t("common.login")}
          </button>
          {!operator && <Link to={`/password/forgot${form.values.email ? `?email=${encodeURIComponent(form.values.email)}` : ""}`}>{t("auth.forgot.link")}</Link>}
        </div>
      </form>
      {!operator && (
        <p className="center muted">
          <Link to="/backoffice/login">{t("auth.operator.link")}</Link>
        </p>
      )}
    </Page>
  );
}
