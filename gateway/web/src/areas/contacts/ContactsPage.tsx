/**
 * Contact search: full text and filters (kept in the address, so back and reload keep them), cursor pages, and
 * what to do with chosen contacts: add them to a static list, invite them to an event, export them to Excel.
 * Organisations are the same page with the kind fixed.
 */
import { useMemo, useState } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router-dom";
import { ApiError, api } from "../../api/client";
import { ClientSelect, useClients, type ClientRight } from "../../app/clients";
import { writableClients } from "../../app/rights";
import { useI18n } from "../../i18n";
import { Card, ErrorNotice, Loading, Notice, Page, Select } from "../../ui/components";
import { formatNumber } from "../../ui/format";
import { useLoad, useSelection } from "../../ui/hooks";
import { CRM, cleanFilter, searchContacts, type ContactFilter, type DistributionList, type Page as ApiPage, type PressEvent } from "./api";
import { FilterFields, filterToParams, paramsToFilter } from "./FilterFields";
import { ContactTable, ExportButton, MoreButton, useCursorList } from "./shared";
import { ContactsTabs } from "./Tabs";

export function useLists(clientId?: string) {
  return useLoad((signal) => api.get<ApiPage<DistributionList>>(`${CRM}/lists`, { signal, query: { client_id: clientId, limit: 1000 } }).then((p) => p.items), [clientId]);
}

function BulkActions({ ids, clients, lists, onDone }: { ids: string[]; clients: ClientRight[]; lists: DistributionList[]; onDone: (msg: string) => void }) {
  const { t } = useI18n();
  const writable = new Set(writableClients(clients).map((c) => c.id));
  const target = lists.filter((l) => l.kind === "static" && writable.has(l.client_id));
  const events = useLoad((signal) => api.get<ApiPage<PressEvent>>(`${CRM}/events`, { signal, query: { limit: 200 } }).then((p) => p.items.filter((e) => writable.has(e.client_id))));
  const [listId, setListId] = useState("");
  const [eventId, setEventId] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (action: () => Promise<string>) => {
    setError(null);
    try {
      onDone(await action());
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    }
  };
  return (
    <Card title={t("contacts.bulk.title", { n: ids.length })} className="bulk">
      <ErrorNotice error={error} fieldsShown={false} />
      <div className="bulk-row">
        <div className="inline-form">
          <Select label={t("contacts.bulk.list")} value={listId} onChange={(e) => setListId(e.target.value)}>
            <option value="">–</option>
            {target.map((l) => <option key={l.id} value={l.id}>{l.name} ({clients.find((c) => c.id === l.client_id)?.name})</option>)}
          </Select>
          <button type="button" disabled={!listId} onClick={() => run(async () => {
            const r = await api.post<{ members: number }>(`${CRM}/lists/${listId}/members`, { contact_ids: ids });
            return t("contacts.bulk.addedToList", { n: ids.length, members: r.members });
          })}>{t("contacts.bulk.addToList")}</button>
        </div>
        <div className="inline-form">
          <Select label={t("contacts.bulk.event")} value={eventId} onChange={(e) => setEventId(e.target.value)}>
            <option value="">–</option>
            {(events.data ?? []).map((ev) => <option key={ev.id} value={ev.id}>{ev.name}</option>)}
          </Select>
          <button type="button" disabled={!eventId} onClick={() => run(async () => {
            await api.post(`${CRM}/events/${eventId}/participants`, { contact_ids: ids, status: "invited" });
            return t("contacts.bulk.invited", { n: ids.length });
          })}>{t("contacts.bulk.invite")}</button>
        </div>
        <ExportButton source={{ contact_ids: ids }} label={t("contacts.bulk.export")} />
      </div>
    </Card>
  );
}

export function ContactsPage({ kind }: { kind?: "organisation" }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const applied = useMemo(() => ({ ...paramsToFilter(params), ...(kind ? { kind } : {}) }), [params, kind]);
  const [draft, setDraft] = useState<ContactFilter>(applied);
  const { clients } = useClients();
  const lists = useLists();
  const { selected, toggle, clear: clearSelected } = useSelection();
  const location = useLocation();
  const erased = (location.state as { erased?: string } | null)?.erased;
  const [done, setDone] = useState<string | null>(erased ? t("contacts.erased", { name: erased }) : null);
  const result = useCursorList((cursor, signal) => searchContacts(applied, cursor, 50, signal), [params.toString(), kind]);
  const anyWritable = clients.some((c) => c.right === "full");
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    clearSelected();
    setDone(null);
    const next = cleanFilter(draft);
    if (kind) delete next.kind;
    setParams(filterToParams(next));
  };
  const reset = () => {
    setDraft(kind ? { kind } : {});
    setParams(new URLSearchParams());
  };
  const saveAsList = () => {
    const f = cleanFilter({ ...applied });
    navigate(`/lists?new=dynamic&filter=${encodeURIComponent(JSON.stringify(f))}`);
  };
  const title = t(kind ? "contacts.organisations.title" : "contacts.title");
  return (
    <Page title={title} wide actions={
      <>
        <Link className={`button primary${anyWritable ? "" : " disabled"}`} to={kind ? "/contacts/new?kind=organisation" : "/contacts/new"} aria-disabled={!anyWritable}
          onClick={(e) => { if (!anyWritable) e.preventDefault(); }} title={anyWritable ? undefined : t("contacts.noWritableClient")}>
          {t(kind ? "contacts.newOrganisation" : "contacts.newPerson")}
        </Link>
      </>
    }>
      <ContactsTabs />
      {!anyWritable && clients.length > 0 && <p className="muted">{t("contacts.noWritableClient")}</p>}
      <form className="card filters" role="search" aria-label={t("contacts.filter.title")} noValidate onSubmit={submit}>
        <div className="form-row client-row">
          <ClientSelect clients={clients} value={draft.client_ids?.[0] ?? ""} onChange={(id) => setDraft({ ...draft, client_ids: id ? [id] : [] })}
            label={t("common.client")} error={result.error?.fields.client_ids} />
        </div>
        <FilterFields value={draft} onChange={(f) => setDraft(kind ? { ...f, kind } : f)} lists={lists.data ?? []} errors={result.error?.fields} />
        <div className="buttons">
          <button type="submit" className="primary">{t("common.search")}</button>
          <button type="button" onClick={reset}>{t("contacts.filter.reset")}</button>
          {!kind && <button type="button" onClick={saveAsList} disabled={!anyWritable}>{t("contacts.filter.saveAsList")}</button>}
        </div>
      </form>
      {done && <Notice kind="success">{done}</Notice>}
      <ErrorNotice error={result.error} />
      {selected.size > 0 && (
        <BulkActions ids={[...selected]} clients={clients} lists={lists.data ?? []} onDone={(msg) => { setDone(msg); clearSelected(); }} />
      )}
      {result.items === null ? (result.loading ? <Loading /> : null) : (
        <>
          <p className="muted" aria-live="polite">
            {t(result.cursor ? "contacts.shownMore" : result.items.length === 1 ? "contacts.shownOne" : "contacts.shown", { n: formatNumber(lang, result.items.length), count: result.items.length })}
            {selected.size > 0 && ` · ${t("contacts.selected", { n: selected.size })}`}
          </p>
          <ContactTable items={result.items} clients={clients} label={title} selected={selected} onSelect={toggle} />
          <MoreButton list={result} />
        </>
      )}
    </Page>
  );
}
