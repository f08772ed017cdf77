/** Users: create, activate within the seat limit (a 402 names the limit), deactivate, roles and hand-over. */
import { useState } from "react";
import { ApiError, api } from "../../api/client";
import { useI18n, type Vars } from "../../i18n";
import { Badge, Card, Checkbox, ErrorNotice, Field, Loading, Notice, Page, Select, TableWrap } from "../../ui/components";
import { formatDateTime } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { AdminTabs } from "./Tabs";

export interface User {
  id: string; email: string; first_name: string; last_name: string; salutation?: string | null; language: string;
  active: boolean; roles: string[]; clients?: Record<string, string>; last_login_at?: string | null;
  two_factor?: { method?: string; own_choice?: string | null; totp?: boolean; required_by_account?: boolean };
}
interface UserList { users: User[]; seats: number; active: number; seats_exceeded: boolean }

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const empty = { email: "", first_name: "", last_name: "", salutation: "", language: "de", active: true, two_factor_by_mail: false };
  const form = useForm(empty);
  const [created, setCreated] = useState<[string, Vars] | null>(null);
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    form.submit(async (v) => {
      const body = { ...v, salutation: v.salutation || null };
      const user = await api.post<User>("/api/v1/users", body);
      setCreated([user.active ? "admin.users.createdActive" : "admin.users.createdInactive", { email: user.email }]);
      form.setValues(empty);
      onCreated();
    });
  };
  const f = form.fieldErrors;
  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="new-user">
      <h2 id="new-user">{t("admin.users.new")}</h2>
      {created && <Notice kind="success">{t(...created)}</Notice>}
      <ErrorNotice error={form.error} />
      <div className="form-row">
        <Field label={t("admin.users.email")} type="email" name="email" value={form.values.email} onChange={(e) => form.set("email", e.target.value)} error={f.email} required />
        <Field label={t("admin.users.firstName")} name="first_name" value={form.values.first_name} onChange={(e) => form.set("first_name", e.target.value)} error={f.first_name} />
        <Field label={t("admin.users.lastName")} name="last_name" value={form.values.last_name} onChange={(e) => form.set("last_name", e.target.value)} error={f.last_name} />
        <Select label={t("admin.users.salutation")} name="salutation" value={form.values.salutation} onChange={(e) => form.set("salutation", e.target.value)} error={f.salutation}>
          <option value="">{t("admin.users.salutation.none")}</option>
          <option value="Frau">{t("admin.users.salutation.ms")}</option>
          <option value="Herr">{t("admin.users.salutation.mr")}</option>
        </Select>
        <Select label={t("admin.users.language")} name="language" value={form.values.language} onChange={(e) => form.set("language", e.target.value)} error={f.language}>
          <option value="de">Deutsch</option>
          <option value="en">English</option>
        </Select>
      </div>
      <Checkbox label={t("admin.users.activeNow")} checked={form.values.active} onChange={(e) => form.set("active", e.target.checked)} error={f.active} hint={t("admin.users.activeHint")} />
      <Checkbox label={t("admin.users.mailCodes")} checked={form.values.two_factor_by_mail} onChange={(e) => form.set("two_factor_by_mail", e.target.checked)} error={f.two_factor_by_mail} />
      <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("admin.users.create")}</button></div>
    </form>
  );
}

function HandOver({ users, onDone }: { users: User[]; onDone: () => void }) {
  const { t } = useI18n();
  const form = useForm({ role: "administrator", user_id: "" });
  const [done, setDone] = useState(false);
  const candidates = users.filter((u) => u.active);
  return (
    <form noValidate aria-labelledby="handover" onSubmit={(e) => {
      e.preventDefault();
      form.submit(async (v) => {
        await api.post("/api/v1/account/hand-over", v);
        setDone(true);
        onDone();
      });
    }}>
      <h2 id="handover">{t("admin.handover.title")}</h2>
      <p className="muted">{t("admin.handover.intro")}</p>
      {done && <Notice kind="success">{t("common.saved")}</Notice>}
      <ErrorNotice error={form.error} />
      <div className="form-row">
        <Select label={t("admin.handover.role")} value={form.values.role} onChange={(e) => form.set("role", e.target.value)} error={form.fieldErrors.role}>
          <option value="administrator">{t("common.role.administrator")}</option>
          <option value="license_manager">{t("common.role.license_manager")}</option>
        </Select>
        <Select label={t("admin.handover.to")} value={form.values.user_id} onChange={(e) => form.set("user_id", e.target.value)} error={form.fieldErrors.user_id}>
          <option value="">–</option>
          {candidates.map((u) => <option key={u.id} value={u.id}>{u.email}</option>)}
        </Select>
      </div>
      <div className="buttons"><button type="submit" disabled={form.busy}>{t("admin.handover.submit")}</button></div>
    </form>
  );
}

export function UsersPage() {
  const { t, lang } = useI18n();
  const list = useLoad((signal) => api.get<UserList>("/api/v1/users", { signal }));
  const [rowError, setRowError] = useState<{ id: string; error: ApiError } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const toggle = async (user: User) => {
    setBusy(user.id);
    setRowError(null);
    try {
      await api.post(`/api/v1/users/${user.id}/${user.active ? "deactivate" : "activate"}`);
      list.reload();
    } catch (exc) {
      if (exc instanceof ApiError) setRowError({ id: user.id, error: exc });
    } finally {
      setBusy(null);
    }
  };
  const d = list.data;
  return (
    <Page title={t("admin.title")} wide>
      <AdminTabs />
      <ErrorNotice error={list.error} />
      {!d ? <Loading /> : (
        <>
          <p>
            {t("admin.users.seats", { active: d.active, seats: d.seats, count: d.seats })}{" "}
            {d.seats_exceeded && <Badge kind="bad">{t("admin.users.exceeded")}</Badge>}
          </p>
          <TableWrap label={t("admin.tab.users")}>
            <thead>
              <tr>
                <th>{t("admin.users.name")}</th><th>{t("admin.users.email")}</th><th>{t("admin.users.roles")}</th>
                <th>{t("admin.users.state")}</th><th>{t("admin.users.lastLogin")}</th><th>{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {d.users.map((u) => (
                <tr key={u.id} data-user={u.email}>
                  <td>{[u.first_name, u.last_name].filter(Boolean).join(" ") || "–"}</td>
                  <td>{u.email}</td>
                  <td>{u.roles.filter((r) => r !== "user").map((r) => <Badge key={r} kind="info">{t(`common.role.${r}`)}</Badge>)}</td>
                  <td>{u.active ? <Badge kind="ok">{t("admin.users.active")}</Badge> : <Badge>{t("admin.users.inactive")}</Badge>}</td>
                  <td>{formatDateTime(lang, u.last_login_at)}</td>
                  <td>
                    <button type="button" className="small" disabled={busy === u.id} onClick={() => toggle(u)}
                      aria-label={`${t(u.active ? "admin.users.deactivate" : "admin.users.activate")}: ${u.email}`}>
                      {t(u.active ? "admin.users.deactivate" : "admin.users.activate")}
                    </button>
                    {rowError?.id === u.id && <p className="field-error" role="alert">{rowError.error.detail || rowError.error.title}</p>}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
          <Card><NewUserForm onCreated={list.reload} /></Card>
          <Card><HandOver users={d.users} onDone={list.reload} /></Card>
        </>
      )}
    </Page>
  );
}
