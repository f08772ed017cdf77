/**
 * Distribution lists (Verteiler): static lists with members chosen by hand, dynamic lists with a saved filter
 * evaluated whenever the list is used. The overview with a create form (a dynamic list can start from the contact
 * search's filter), and one list with its members, adding and removing them, its filter, export and deletion.
 */
import { useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { ApiError, api } from "../../api/client";
import { ClientSelect, useClients } from "../../app/clients";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Field, Loading, Notice, Page, TableWrap, TextArea } from "../../ui/components";
import { formatDate, formatNumber } from "../../ui/format";
import { useForm, useLoad, useSelection } from "../../ui/hooks";
import { CRM, cleanFilter, type ContactFilter, type ContactSummary, type DistributionList, type Page as ApiPage } from "./api";
import { useLists } from "./ContactsPage";
import { FilterFields } from "./FilterFields";
import { ClientLabel, ConfirmButton, ContactPicker, ContactTable, ExportButton, MoreButton, ReadOnlyNotice, useCursorList } from "./shared";

function parseFilter(raw: string | null): ContactFilter {
  if (!raw) return {};
  try {
    const f = JSON.parse(raw) as ContactFilter;
    return typeof f === "object" && f ? f : {};
  } catch {
    return {};
  }
}

function NewListForm({ onCreated }: { onCreated: (l: DistributionList) => void }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const { clients } = useClients();
  const preset = parseFilter(params.get("filter"));
  const presetClient = preset.client_ids?.[0] ?? "";
  const form = useForm({
    name: "", description: "", client_id: presetClient || (clients.find((c) => c.right === "full")?.id ?? ""),
    kind: params.get("new") === "dynamic" ? "dynamic" : "static", filter: { ...preset, client_ids: undefined } as ContactFilter,
  });
  const lists = useLists(form.values.client_id || undefined);
  const v = form.values;
  const f = form.fieldErrors;
  const clientId = v.client_id || clients.find((c) => c.right === "full")?.id || "";
  return (
    <form noValidate aria-labelledby="new-list" onSubmit={(e) => {
      e.preventDefault();
      form.submit(async (values) => {
        const body: Record<string, unknown> = { name: values.name, description: values.description, client_id: clientId, kind: values.kind };
        if (values.kind === "dynamic") body.filter = cleanFilter(values.filter);
        onCreated(await api.post<DistributionList>(`${CRM}/lists`, body));
      });
    }}>
      <h2 id="new-list">{t("lists.new")}</h2>
      <ErrorNotice error={form.error} />
      <div className="form-row">
        <Field label={t("lists.name")} value={v.name} onChange={(e) => form.set("name", e.target.value)} error={f.name} required />
        <ClientSelect clients={clients} value={clientId} onChange={(id) => form.set("client_id", id)} writableOnly error={f.client_id} />
      </div>
      <TextArea label={t("lists.description")} value={v.description} onChange={(e) => form.set("description", e.target.value)} error={f.description} rows={2} />
      <fieldset>
        <legend>{t("lists.kind")}</legend>
        <label className="radio"><input type="radio" name="list-kind" value="static" checked={v.kind === "static"} onChange={() => form.set("kind", "static")} /> {t("lists.kind.static")} – <span className="muted">{t("lists.kind.staticHint")}</span></label>
        <label className="radio"><input type="radio" name="list-kind" value="dynamic" checked={v.kind === "dynamic"} onChange={() => form.set("kind", "dynamic")} /> {t("lists.kind.dynamic")} – <span className="muted">{t("lists.kind.dynamicHint")}</span></label>
        {f.body && <p className="field-error">{f.body}</p>}
      </fieldset>
      {v.kind === "dynamic" && (
        <fieldset>
          <legend>{t("lists.filter")}</legend>
          {f.filter && <p className="field-error">{f.filter}</p>}
          <FilterFields value={v.filter} onChange={(x) => form.set("filter", x)} lists={lists.data ?? []} errors={f} prefix="filter." always />
        </fieldset>
      )}
      <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("lists.create")}</button></div>
    </form>
  );
}

export function ListsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { clients } = useClients();
  const [clientId, setClientId] = useState("");
  const [q, setQ] = useState("");
  const [applied, setApplied] = useState({ clientId: "", q: "" });
  const lists = useCursorList((cursor, signal) => api.get<ApiPage<DistributionList>>(`${CRM}/lists`, {
    signal, query: { client_id: applied.clientId, q: applied.q, cursor, limit: 100 } }), [applied]);
  const anyWritable = clients.some((c) => c.right === "full");
  const [showNew, setShowNew] = useState(params.has("new"));
  return (
    <Page title={t("lists.title")} wide actions={anyWritable && !showNew ? <button type="button" className="primary" onClick={() => setShowNew(true)}>{t("lists.new")}</button> : undefined}>
      {showNew && anyWritable && <Card><NewListForm onCreated={(l) => navigate(`/lists/${l.id}`)} /></Card>}
      <form className="card inline-form" role="search" aria-label={t("lists.search")} onSubmit={(e) => { e.preventDefault(); setApplied({ clientId, q }); }}>
        <ClientSelect clients={clients} value={clientId} onChange={setClientId} />
        <Field label={t("lists.name")} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="submit">{t("common.search")}</button>
      </form>
      <ErrorNotice error={lists.error} />
      {lists.items === null ? <Loading /> : (
        <TableWrap label={t("lists.title")}>
          <thead><tr><th>{t("lists.name")}</th><th>{t("lists.kind")}</th><th>{t("common.client")}</th><th>{t("lists.description")}</th><th>{t("lists.changed")}</th></tr></thead>
          <tbody>
            {lists.items.length === 0 && <tr><td colSpan={5}>{t("lists.none")}</td></tr>}
            {lists.items.map((l) => (
              <tr key={l.id} data-list={l.name}>
                <td><Link to={`/lists/${l.id}`}>{l.name}</Link></td>
                <td><Badge kind={l.kind === "dynamic" ? "info" : "neutral"}>{t(`lists.kind.${l.kind}`)}</Badge></td>
                <td><ClientLabel clients={clients} id={l.client_id} /></td>
                <td>{l.description || "–"}</td>
                <td><DateCell iso={l.updated_at} /></td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <MoreButton list={lists} />
    </Page>
  );
}

function DateCell({ iso }: { iso: string }) {
  const { lang } = useI18n();
  return <>{formatDate(lang, iso)}</>;
}

function ListSettings({ list, onSaved }: { list: DistributionList; onSaved: (l: DistributionList) => void }) {
  const { t } = useI18n();
  const form = useForm({ name: list.name, description: list.description, filter: (list.filter ?? {}) as ContactFilter });
  const lists = useLists(list.client_id);
  const [saved, setSaved] = useState(false);
  const f = form.fieldErrors;
  return (
    <form noValidate aria-labelledby="list-settings" onSubmit={(e) => {
      e.preventDefault();
      setSaved(false);
      form.submit(async (v) => {
        const body: Record<string, unknown> = { name: v.name, description: v.description };
        if (list.kind === "dynamic") body.filter = cleanFilter(v.filter);
        onSaved(await api.patch<DistributionList>(`${CRM}/lists/${list.id}`, body));
        setSaved(true);
      });
    }}>
      <h2 id="list-settings">{t(list.kind === "dynamic" ? "lists.settingsDynamic" : "lists.settings")}</h2>
      {saved && <Notice kind="success">{t("common.saved")}</Notice>}
      <ErrorNotice error={form.error} />
      <div className="form-row">
        <Field label={t("lists.name")} value={form.values.name} onChange={(e) => form.set("name", e.target.value)} error={f.name} />
        <Field label={t("lists.description")} value={form.values.description} onChange={(e) => form.set("description", e.target.value)} error={f.description} />
      </div>
      {list.kind === "dynamic" && (
        <fieldset>
          <legend>{t("lists.filter")}</legend>
          {f.filter && <p className="field-error">{f.filter}</p>}
          <FilterFields value={form.values.filter} onChange={(x) => form.set("filter", x)} lists={(lists.data ?? []).filter((l) => l.id !== list.id)} errors={f} prefix="filter." always />
        </fieldset>
      )}
      <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("common.save")}</button></div>
    </form>
  );
}

export function ListDetailPage() {
  const { t, lang } = useI18n();
  const { listId = "" } = useParams();
  const navigate = useNavigate();
  const { clients, writable } = useClients();
  const list = useLoad((signal) => api.get<DistributionList>(`${CRM}/lists/${listId}`, { signal }), [listId]);
  const members = useCursorList((cursor, signal) => api.get<ApiPage<ContactSummary>>(`${CRM}/lists/${listId}/members`, { signal, query: { cursor, limit: 100 } }), [listId]);
  const { selected, toggle, clear: clearSelected } = useSelection();
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const l = list.data;
  if (!l) return <Page title={t("lists.title")}>{list.error ? <ErrorNotice error={list.error} /> : <Loading />}</Page>;
  const canWrite = writable(l.client_id);
  const isStatic = l.kind === "static";
  const refresh = () => {
    list.reload();
    members.reload();
  };
  const act = async (fn: () => Promise<string | void>) => {
    setError(null);
    setNotice(null);
    setBusy(true);
    try {
      const msg = await fn();
      if (msg) setNotice(msg);
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={l.name} wide actions={<ExportButton source={{ list_id: l.id }} label={t("lists.export")} />}>
      <p className="muted">
        <Link to="/lists">{t("lists.title")}</Link> · <Badge kind={l.kind === "dynamic" ? "info" : "neutral"}>{t(`lists.kind.${l.kind}`)}</Badge> · {t("common.client")}: <ClientLabel clients={clients} id={l.client_id} />
        {" · "}<strong data-testid="member-count">{t("lists.members", { n: formatNumber(lang, l.members ?? 0), count: l.members ?? 0 })}</strong>
      </p>
      {l.description && <p>{l.description}</p>}
      <ReadOnlyNotice clients={clients} id={l.client_id} />
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorNotice error={error} fieldsShown={false} />
      {!isStatic && <p className="notice">{t("lists.dynamicInfo")}</p>}
      <h2>{t("lists.memberTitle")}</h2>
      <ErrorNotice error={members.error} />
      {members.items === null ? <Loading /> : (
        <ContactTable items={members.items} clients={clients} label={t("lists.memberTitle")} showClient={false}
          selected={isStatic && canWrite ? selected : undefined} onSelect={isStatic && canWrite ? toggle : undefined} />
      )}
      <MoreButton list={members} />
      {isStatic && canWrite && selected.size > 0 && (
        <div className="buttons">
          <button type="button" disabled={busy} onClick={() => act(async () => {
            const r = await api.post<{ members: number }>(`${CRM}/lists/${l.id}/members/remove`, { contact_ids: [...selected] });
            clearSelected();
            refresh();
            return t("lists.removed", { n: r.members });
          })}>{t("lists.removeSelected", { n: selected.size })}</button>
        </div>
      )}
      {isStatic && canWrite && (
        <Card title={t("lists.addMembers")}>
          <ContactPicker clientId={l.client_id} clients={clients} addLabel={t("lists.addSelected")} busy={busy} onAdd={(ids) => act(async () => {
            const r = await api.post<{ members: number }>(`${CRM}/lists/${l.id}/members`, { contact_ids: ids });
            refresh();
            return t("lists.added", { n: r.members });
          })} />
        </Card>
      )}
      {canWrite && (
        <>
          <Card><ListSettings key={l.updated_at} list={l} onSaved={() => refresh()} /></Card>
          <Card title={t("lists.delete")}>
            <ConfirmButton label={t("lists.delete")} question={t("lists.deleteQuestion", { name: l.name })} confirmLabel={t("lists.deleteNow")}
              onConfirm={() => act(async () => { await api.delete(`${CRM}/lists/${l.id}`); navigate("/lists"); })} />
          </Card>
        </>
      )}
    </Page>
  );
}
