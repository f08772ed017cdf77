/** The account's password and two-factor policy and session limits (administrator). */
import { useEffect, useState } from "react";
import { api } from "../../api/client";
import { useI18n } from "../../i18n";
import { Card, Checkbox, ErrorNotice, Field, Loading, Notice, Page } from "../../ui/components";
import { useForm, useLoad } from "../../ui/hooks";
import { AdminTabs } from "./Tabs";

interface Security {
  password_min_length: number; password_max_length: number; password_max_age_days: number | null;
  two_factor_required: boolean; idle_timeout_minutes: number; session_lifetime_hours: number;
}
interface Account { id: string; name: string; seats: number; active_users: number; security: Security }

export function SecurityPage() {
  const { t } = useI18n();
  const account = useLoad((signal) => api.get<Account>("/api/v1/account", { signal }));
  const form = useForm({ password_min_length: "", password_max_length: "", password_max_age_days: "", two_factor_required: false,
    idle_timeout_minutes: "", session_lifetime_hours: "" } as Record<string, string | boolean>);
  const [saved, setSaved] = useState(false);
  const { setValues } = form;
  useEffect(() => {
    const s = account.data?.security;
    if (s) setValues({ password_min_length: String(s.password_min_length), password_max_length: String(s.password_max_length),
      password_max_age_days: s.password_max_age_days ? String(s.password_max_age_days) : "", two_factor_required: s.two_factor_required,
      idle_timeout_minutes: String(s.idle_timeout_minutes), session_lifetime_hours: String(s.session_lifetime_hours) });
  }, [account.data, setValues]);
  const num = (v: string | boolean) => (typeof v === "string" && v.trim() !== "" && /^-?\d+$/.test(v.trim()) ? Number(v) : v);
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    setSaved(false);
    form.submit(async (v) => {
      await api.patch("/api/v1/account/settings", {
        password_min_length: num(v.password_min_length), password_max_length: num(v.password_max_length),
        password_max_age_days: v.password_max_age_days === "" ? null : num(v.password_max_age_days),
        two_factor_required: v.two_factor_required, idle_timeout_minutes: num(v.idle_timeout_minutes),
        session_lifetime_hours: num(v.session_lifetime_hours),
      });
      setSaved(true);
    });
  };
  const f = form.fieldErrors;
  const text = (name: string, label: string, hint?: string) => (
    <Field label={t(label)} name={name} inputMode="numeric" value={String(form.values[name] ?? "")} hint={hint ? t(hint) : undefined}
      onChange={(e) => form.set(name, e.target.value)} error={f[name]} />
  );
  return (
    <Page title={t("admin.title")} wide>
      <AdminTabs />
      <ErrorNotice error={account.error} />
      {!account.data ? <Loading /> : (
        <Card>
          <form onSubmit={onSubmit} noValidate aria-labelledby="sec-title">
            <h2 id="sec-title">{t("admin.security.title")}</h2>
            {saved && <Notice kind="success">{t("common.saved")}</Notice>}
            <ErrorNotice error={form.error} />
            <div className="form-row">
              {text("password_min_length", "admin.security.min", "admin.security.minHint")}
              {text("password_max_length", "admin.security.max", "admin.security.maxHint")}
              {text("password_max_age_days", "admin.security.maxAge", "admin.security.maxAgeHint")}
              {text("idle_timeout_minutes", "admin.security.idle", "admin.security.idleHint")}
              {text("session_lifetime_hours", "admin.security.lifetime", "admin.security.lifetimeHint")}
            </div>
            <Checkbox label={t("admin.security.twoFactor")} checked={!!form.values.two_factor_required}
              onChange={(e) => form.set("two_factor_required", e.target.checked)} error={f.two_factor_required} hint={t("admin.security.twoFactorHint")} />
            <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("common.save")}</button></div>
          </form>
        </Card>
      )}
    </Page>
  );
}
