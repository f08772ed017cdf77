/**
 * Events (press conferences, press trips, interviews ...) with their participant lists: invited, registered,
 * declined, attended. Participants come from the contacts of the event's client; each one's status can be set,
 * and the participants (all or one status) exported to Excel.
 */
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { ApiError, api } from "../../api/client";
import { ClientSelect, useClients } from "../../app/clients";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Field, Loading, Notice, Page, Select, TableWrap, TextArea } from "../../ui/components";
import { formatDateTime, formatNumber } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { CRM, EVENT_KINDS, PARTICIPANT_STATES, type ContactSummary, type Page as ApiPage, type PressEvent } from "./api";
import { ClientLabel, ConfirmButton, ContactPicker, ContactTable, ExportButton, MoreButton, ReadOnlyNotice, useCursorList } from "./shared";
import { ContactsTabs } from "./Tabs";

/** "2026-05-04T10:00" (datetime-local) <-> ISO with the browser's offset */
function toLocal(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function fromLocal(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

function EventForm({ event, onSaved }: { event?: PressEvent; onSaved: (e: PressEvent) => void }) {
  const { t } = useI18n();
  const { clients } = useClients();
  const form = useForm({
    name: event?.name ?? "", kind: event?.kind ?? "press_conference", client_id: event?.client_id ?? "",
    starts_at: toLocal(event?.starts_at ?? null), ends_at: toLocal(event?.ends_at ?? null), location: event?.location ?? "", description: event?.description ?? "",
  });
  const [saved, setSaved] = useState(false);
  const v = form.values;
  const f = form.fieldErrors;
  const clientId = v.client_id || clients.find((c) => c.right === "full")?.id || "";
  return (
    <form noValidate aria-labelledby={event ? "event-edit" : "event-new"} onSubmit={(e) => {
      e.preventDefault();
      setSaved(false);
      form.submit(async (values) => {
        const body: Record<string, unknown> = { name: values.name, kind: values.kind, starts_at: fromLocal(values.starts_at), ends_at: fromLocal(values.ends_at), location: values.location, description: values.description };
        if (event) onSaved(await api.patch<PressEvent>(`${CRM}/events/${event.id}`, body));
        else onSaved(await api.post<PressEvent>(`${CRM}/events`, { ...body, client_id: clientId }));
        setSaved(true);
      });
    }}>
      <h2 id={event ? "event-edit" : "event-new"}>{t(event ? "events.edit" : "events.new")}</h2>
      {saved && event && <Notice kind="success">{t("common.saved")}</Notice>}
      <ErrorNotice error={form.error} />
      <div className="form-row">
        <Field label={t("events.name")} value={v.name} onChange={(e) => form.set("name", e.target.value)} error={f.name} required />
        <Select label={t("events.kind")} value={v.kind} onChange={(e) => form.set("kind", e.target.value)} error={f.kind}>
          {EVENT_KINDS.map((k) => <option key={k} value={k}>{t(`events.kind.${k}`)}</option>)}
        </Select>
        {!event && <ClientSelect clients={clients} value={clientId} onChange={(id) => form.set("client_id", id)} writableOnly error={f.client_id} />}
      </div>
      <div className="form-row">
        <Field label={t("events.starts")} type="datetime-local" value={v.starts_at} onChange={(e) => form.set("starts_at", e.target.value)} error={f.starts_at} />
        <Field label={t("events.ends")} type="datetime-local" value={v.ends_at} onChange={(e) => form.set("ends_at", e.target.value)} error={f.ends_at ?? f.body} />
        <Field label={t("events.location")} value={v.location} onChange={(e) => form.set("location", e.target.value)} error={f.location} />
      </div>
      <TextArea label={t("events.description")} value={v.description} onChange={(e) => form.set("description", e.target.value)} error={f.description} rows={2} />
      <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t(event ? "common.save" : "events.create")}</button></div>
    </form>
  );
}

export function EventsPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { clients } = useClients();
  const [clientId, setClientId] = useState("");
  const events = useCursorList((cursor, signal) => api.get<ApiPage<PressEvent>>(`${CRM}/events`, { signal, query: { client_id: clientId, cursor, limit: 100 } }), [clientId]);
  const anyWritable = clients.some((c) => c.right === "full");
  const [showNew, setShowNew] = useState(false);
  const sorted = [...(events.items ?? [])].sort((a, b) => (b.starts_at ?? "").localeCompare(a.starts_at ?? ""));
  return (
    <Page title={t("events.title")} wide actions={anyWritable && !showNew ? <button type="button" className="primary" onClick={() => setShowNew(true)}>{t("events.new")}</button> : undefined}>
      <ContactsTabs />
      {showNew && <Card><EventForm onSaved={(e) => navigate(`/contacts/events/${e.id}`)} /></Card>}
      <div className="inline-form"><ClientSelect clients={clients} value={clientId} onChange={setClientId} /></div>
      <ErrorNotice error={events.error} />
      {events.items === null ? <Loading /> : (
        <TableWrap label={t("events.title")}>
          <thead><tr><th>{t("events.name")}</th><th>{t("events.kind")}</th><th>{t("events.starts")}</th><th>{t("events.location")}</th><th>{t("common.client")}</th></tr></thead>
          <tbody>
            {sorted.length === 0 && <tr><td colSpan={5}>{t("events.none")}</td></tr>}
            {sorted.map((e) => (
              <tr key={e.id} data-event={e.name}>
                <td><Link to={`/contacts/events/${e.id}`}>{e.name}</Link></td>
                <td>{t(`events.kind.${e.kind}`)}</td>
                <td>{formatDateTime(lang, e.starts_at)}</td>
                <td>{e.location || "–"}</td>
                <td><ClientLabel clients={clients} id={e.client_id} /></td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <MoreButton list={events} />
    </Page>
  );
}

const STATE_BADGE: Record<string, "neutral" | "ok" | "warn" | "bad" | "info"> = { invited: "neutral", registered: "info", declined: "bad", attended: "ok" };

export function EventDetailPage() {
  const { t, lang } = useI18n();
  const { eventId = "" } = useParams();
  const navigate = useNavigate();
  const { clients, writable } = useClients();
  const event = useLoad((signal) => api.get<PressEvent>(`${CRM}/events/${eventId}`, { signal }), [eventId]);
  const [status, setStatus] = useState("");
  const people = useCursorList((cursor, signal) => api.get<ApiPage<ContactSummary>>(`${CRM}/events/${eventId}/participants`, { signal, query: { status, cursor, limit: 100 } }), [eventId, status]);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const e = event.data;
  if (!e) return <Page title={t("events.title")}>{event.error ? <ErrorNotice error={event.error} /> : <Loading />}</Page>;
  const canWrite = writable(e.client_id);
  const act = async (fn: () => Promise<string | void>) => {
    setError(null);
    setNotice(null);
    try {
      const msg = await fn();
      if (msg) setNotice(msg);
      event.reload();
      people.reload();
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    }
  };
  const counts = e.participants ?? {};
  return (
    <Page title={e.name} wide actions={<ExportButton source={{ event_id: e.id, ...(status ? { status } : {}) }} label={t(status ? "events.exportStatus" : "events.export", { status: status ? t(`events.state.${status}`) : "" })} />}>
      <p className="muted">
        <Link to="/contacts/events">{t("events.title")}</Link> · {t(`events.kind.${e.kind}`)} · {formatDateTime(lang, e.starts_at)}{e.location ? ` · ${e.location}` : ""} · {t("common.client")}: <ClientLabel clients={clients} id={e.client_id} />
      </p>
      {e.description && <p>{e.description}</p>}
      <ReadOnlyNotice clients={clients} id={e.client_id} />
      <div className="grid counts" role="group" aria-label={t("events.participants")}>
        {PARTICIPANT_STATES.map((s) => (
          <button type="button" key={s} className={`count-card${status === s ? " active" : ""}`} aria-pressed={status === s} onClick={() => setStatus(status === s ? "" : s)}>
            <span className="big">{formatNumber(lang, counts[s] ?? 0)}</span> {t(`events.state.${s}`)}
          </button>
        ))}
      </div>
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorNotice error={error} fieldsShown={false} />
      <h2>{status ? `${t("events.participants")}: ${t(`events.state.${status}`)}` : t("events.participants")}</h2>
      <ErrorNotice error={people.error} />
      {people.items === null ? <Loading /> : (
        <ContactTable items={people.items} clients={clients} label={t("events.participants")} showClient={false} extra={{
          head: t("events.status"),
          cell: (c) => canWrite ? (
            <div className="inline-form compact">
              <label className="sr-only" htmlFor={`st-${c.id}`}>{t("events.statusOf", { name: `${c.first_name} ${c.last_name}`.trim() || c.org_name })}</label>
              <select id={`st-${c.id}`} value={c.status} onChange={(ev) => act(async () => { await api.patch(`${CRM}/events/${e.id}/participants/${c.id}`, { status: ev.target.value }); })}>
                {PARTICIPANT_STATES.map((s) => <option key={s} value={s}>{t(`events.state.${s}`)}</option>)}
              </select>
              <button type="button" className="small" onClick={() => act(async () => { await api.delete(`${CRM}/events/${e.id}/participants/${c.id}`); })}
                aria-label={`${t("events.removeParticipant")}: ${c.first_name} ${c.last_name}`}>{t("events.removeParticipant")}</button>
            </div>
          ) : <Badge kind={STATE_BADGE[c.status ?? "invited"]}>{t(`events.state.${c.status}`)}</Badge>,
        }} />
      )}
      <MoreButton list={people} />
      {canWrite && (
        <>
          <Card title={t("events.invite")}>
            <ContactPicker clientId={e.client_id} clients={clients} addLabel={t("events.inviteSelected")} onAdd={(ids) => act(async () => {
              await api.post(`${CRM}/events/${e.id}/participants`, { contact_ids: ids, status: "invited" });
              return t("events.invited", { n: ids.length });
            })} />
          </Card>
          <Card><EventForm key={e.name + e.starts_at} event={e} onSaved={() => event.reload()} /></Card>
          <Card title={t("events.delete")}>
            <ConfirmButton label={t("events.delete")} question={t("events.deleteQuestion", { name: e.name })} confirmLabel={t("events.deleteNow")}
              onConfirm={() => act(async () => { await api.delete(`${CRM}/events/${e.id}`); navigate("/contacts/events"); })} />
          </Card>
        </>
      )}
    </Page>
  );
}
