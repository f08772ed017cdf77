/** Clients and the rights matrix: per user and client full access, read only or hidden. */
import { useState } from "react";
import { api } from "../../api/client";
import { useI18n } from "../../i18n";
import { Card, ErrorNotice, Field, Loading, Notice, Page, TableWrap } from "../../ui/components";
import { useForm, useLoad } from "../../ui/hooks";
import { AdminTabs } from "./Tabs";

type Right = "full" | "read" | "hidden";
interface Matrix {
  clients: { id: string; name: string }[];
  users: { id: string; email: string; name: string; active: boolean; rights: Record<string, Right> }[];
}

export function ClientsPage() {
  const { t } = useI18n();
  const matrix = useLoad((signal) => api.get<Matrix>("/api/v1/rights-matrix", { signal }));
  const [edits, setEdits] = useState<Record<string, Record<string, Right>>>({});
  const save = useForm({});
  const [saved, setSaved] = useState(false);
  const create = useForm({ name: "", description: "" });

  const rightOf = (userId: string, clientId: string, current: Right) => edits[userId]?.[clientId] ?? current;
  const change = (userId: string, clientId: string, right: Right) => {
    setSaved(false);
    setEdits((e) => ({ ...e, [userId]: { ...(e[userId] ?? {}), [clientId]: right } }));
  };
  const onSave = () =>
    save.submit(async () => {
      for (const [userId, rights] of Object.entries(edits)) {
        const user = matrix.data!.users.find((u) => u.id === userId)!;
        await api.put(`/api/v1/users/${userId}/rights`, { rights: { ...user.rights, ...rights } });
      }
      setEdits({});
      setSaved(true);
      matrix.reload();
    });
  const onCreate = (e: React.FormEvent) => {
    e.preventDefault();
    create.submit(async (v) => {
      await api.post("/api/v1/clients", { name: v.name, description: v.description || undefined });
      create.setValues({ name: "", description: "" });
      matrix.reload();
    });
  };
  const m = matrix.data;
  const dirty = Object.keys(edits).length > 0;
  return (
    <Page title={t("admin.title")} wide>
      <AdminTabs />
      <ErrorNotice error={matrix.error} />
      {!m ? <Loading /> : (
        <>
          <h2>{t("admin.rights.title")}</h2>
          <p className="muted">{t("admin.rights.intro")}</p>
          {saved && <Notice kind="success">{t("admin.rights.saved")}</Notice>}
          <ErrorNotice error={save.error} fieldsShown={false} />
          <TableWrap label={t("admin.rights.title")}>
            <thead>
              <tr>
                <th>{t("admin.users.email")}</th>
                {m.clients.map((c) => <th key={c.id}>{c.name}</th>)}
              </tr>
            </thead>
            <tbody className="matrix">
              {m.users.map((u) => (
                <tr key={u.id} data-user={u.email}>
                  <td>{u.email}{!u.active && <span className="muted"> ({t("admin.users.inactive")})</span>}</td>
                  {m.clients.map((c) => (
                    <td key={c.id}>
                      <label className="sr-only" htmlFor={`r-${u.id}-${c.id}`}>{`${u.email} – ${c.name}`}</label>
                      <select id={`r-${u.id}-${c.id}`} data-client={c.name} aria-label={`${u.email} – ${c.name}`}
                        value={rightOf(u.id, c.id, u.rights[c.id])} onChange={(e) => change(u.id, c.id, e.target.value as Right)}>
                        <option value="full">{t("common.right.full")}</option>
                        <option value="read">{t("common.right.read")}</option>
                        <option value="hidden">{t("common.right.hidden")}</option>
                      </select>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </TableWrap>
          <div className="buttons">
            <button type="button" className="primary" disabled={!dirty || save.busy} onClick={onSave}>{t("admin.rights.save")}</button>
            {dirty && <button type="button" onClick={() => setEdits({})}>{t("common.cancel")}</button>}
          </div>
          <Card>
            <form onSubmit={onCreate} noValidate aria-labelledby="new-client">
              <h2 id="new-client">{t("admin.clients.new")}</h2>
              <ErrorNotice error={create.error} />
              <div className="form-row">
                <Field label={t("admin.clients.name")} value={create.values.name} onChange={(e) => create.set("name", e.target.value)} error={create.fieldErrors.name} required />
                <Field label={t("admin.clients.description")} value={create.values.description} onChange={(e) => create.set("description", e.target.value)} error={create.fieldErrors.description} />
              </div>
              <div className="buttons"><button type="submit" disabled={create.busy}>{t("admin.clients.create")}</button></div>
            </form>
          </Card>
        </>
      )}
    </Page>
  );
}
