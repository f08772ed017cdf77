/**
 * One contact: master data with the letter salutation, addresses and their state, the history (notes, calls,
 * meetings written here; mailings and archived e-mails arriving by themselves) with a form to add an entry, files
 * from the mediacenter, media database changes, and the GDPR actions (Art. 15 access as a file, Art. 17 erasure
 * after a confirmation). Writing is offered only on clients with full access.
 */
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { ApiError, api, url } from "../../api/client";
import { useClients } from "../../app/clients";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Field, Loading, Notice, Page, Select, TextArea } from "../../ui/components";
import { formatBytes, formatDate, formatDateTime } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { MediaFilePicker } from "../media/MediaFilePicker";
import { CRM, displayName, type Contact, type CustomField, type HistoryEntry, type MediaFile } from "./api";
import { ClientLabel, ConfirmButton, EmailState, MoreButton, ReadOnlyNotice, useCursorList } from "./shared";

function AddressBlock({ c }: { c: Contact }) {
  const { t } = useI18n();
  const lines = [
    c.kind === "person" ? c.organisation : "",
    c.kind === "person" ? [c.title, c.first_name, c.last_name].filter(Boolean).join(" ") : c.org_name,
    c.street, c.address_extra, [c.postal_code, c.city].filter(Boolean).join(" "),
    c.country && c.country !== "DE" ? t(`contacts.countryName.${c.country}`) !== `contacts.countryName.${c.country}` ? t(`contacts.countryName.${c.country}`) : c.country : "",
  ].filter(Boolean);
  return <address>{lines.map((l, i) => <div key={i}>{l}</div>)}</address>;
}

function listText(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(", ");
  return typeof v === "string" ? v : "";
}

function HistoryForm({ contactId, onAdded }: { contactId: string; onAdded: () => void }) {
  const { t } = useI18n();
  const empty = { kind: "note", subject: "", body: "", occurred_at: "" };
  const form = useForm(empty);
  const [added, setAdded] = useState(false);
  const f = form.fieldErrors;
  return (
    <form noValidate aria-labelledby="history-new" onSubmit={(e) => {
      e.preventDefault();
      setAdded(false);
      form.submit(async (v) => {
        await api.post(`${CRM}/contacts/${contactId}/history`, {
          kind: v.kind, subject: v.subject, body: v.body, ...(v.occurred_at ? { occurred_at: new Date(v.occurred_at).toISOString() } : {}),
        });
        form.setValues(empty);
        setAdded(true);
        onAdded();
      });
    }}>
      <h3 id="history-new">{t("contacts.history.new")}</h3>
      {added && <Notice kind="success">{t("contacts.history.added")}</Notice>}
      <ErrorNotice error={form.error} />
      <div className="form-row">
        <Select label={t("contacts.history.kind")} value={form.values.kind} onChange={(e) => form.set("kind", e.target.value)} error={f.kind}>
          {["note", "call", "meeting"].map((k) => <option key={k} value={k}>{t(`contacts.history.kind.${k}`)}</option>)}
        </Select>
        <Field label={t("contacts.history.subject")} value={form.values.subject} onChange={(e) => form.set("subject", e.target.value)} error={f.subject} maxLength={500} />
        <Field label={t("contacts.history.when")} type="datetime-local" hint={t("contacts.history.whenHint")} value={form.values.occurred_at} onChange={(e) => form.set("occurred_at", e.target.value)} error={f.occurred_at} />
      </div>
      <TextArea label={t("contacts.history.body")} value={form.values.body} onChange={(e) => form.set("body", e.target.value)} error={f.body} rows={3} />
      <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("contacts.history.add")}</button></div>
    </form>
  );
}

function History({ contactId, canWrite }: { contactId: string; canWrite: boolean }) {
  const { t, lang } = useI18n();
  const [kind, setKind] = useState("");
  const list = useCursorList((cursor, signal) => api.get<{ items: HistoryEntry[]; next_cursor: string | null }>(
    `${CRM}/contacts/${contactId}/history`, { signal, query: { kind, cursor, limit: 20 } }), [contactId, kind]);
  return (
    <Card title={t("contacts.history.title")} className="history-card">
      {canWrite && <HistoryForm contactId={contactId} onAdded={list.reload} />}
      <div className="inline-form history-filter">
        <Select label={t("contacts.history.show")} value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="">{t("contacts.history.all")}</option>
          {["note", "call", "meeting", "mailing", "email"].map((k) => <option key={k} value={k}>{t(`contacts.history.kinds.${k}`)}</option>)}
        </Select>
      </div>
      <ErrorNotice error={list.error} />
      {list.items === null ? <Loading /> : list.items.length === 0 ? <p className="muted">{t("contacts.history.empty")}</p> : (
        <ol className="history" aria-label={t("contacts.history.title")}>
          {list.items.map((h) => (
            <li key={h.id} className={`history-${h.kind}`} data-kind={h.kind}>
              <div className="history-head">
                <Badge kind={h.kind === "mailing" ? "info" : h.kind === "email" ? "ok" : "neutral"}>{t(`contacts.history.kind.${h.kind}`)}</Badge>
                <time dateTime={h.occurred_at}>{formatDateTime(lang, h.occurred_at)}</time>
                {h.subject && <strong>{h.subject}</strong>}
              </div>
              {h.kind === "mailing" && typeof h.data.email === "string" && <p className="muted">{t("contacts.history.sentTo", { email: h.data.email })}</p>}
              {h.kind === "email" && (listText(h.data.from) || listText(h.data.to)) && (
                <p className="muted">{[listText(h.data.from) ? `${t("contacts.history.from")}: ${listText(h.data.from)}` : "", listText(h.data.to) ? `${t("contacts.history.to")}: ${listText(h.data.to)}` : ""].filter(Boolean).join(" · ")}</p>
              )}
              {h.body && <p className="history-body">{h.body.length > 1200 ? `${h.body.slice(0, 1200)} …` : h.body}</p>}
              {h.files.length > 0 && (
                <ul className="files">
                  {h.files.map((f) => <li key={f.id}><a href={url(`${CRM}/media/files/${f.id}/content`)} download={f.name}>{f.name}</a> <span className="muted">({formatBytes(lang, f.size)})</span></li>)}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
      <MoreButton list={list} />
    </Card>
  );
}

function Files({ contact, canWrite }: { contact: Contact; canWrite: boolean }) {
  const { t, lang } = useI18n();
  const files = useLoad((signal) => api.get<MediaFile[]>(`${CRM}/contacts/${contact.id}/files`, { signal }), [contact.id]);
  const [error, setError] = useState<ApiError | null>(null);
  const [picking, setPicking] = useState(false);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      files.reload();
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    }
  };
  return (
    <Card title={t("contacts.files.title")}>
      <ErrorNotice error={error ?? files.error} fieldsShown={false} />
      {files.data && files.data.length === 0 && <p className="muted">{t("contacts.files.none")}</p>}
      <ul className="files">
        {files.data?.map((f) => (
          <li key={f.id}>
            <a href={url(`${CRM}/media/files/${f.id}/content`)} download={f.name}>{f.name}</a> <span className="muted">({formatBytes(lang, f.size)})</span>{" "}
            {canWrite && <button type="button" className="small" onClick={() => act(() => api.delete(`${CRM}/contacts/${contact.id}/files/${f.id}`))} aria-label={`${t("contacts.files.detach")}: ${f.name}`}>{t("contacts.files.detach")}</button>}
          </li>
        ))}
      </ul>
      {canWrite && (picking ? (
        <MediaFilePicker clientId={contact.client_id} actionLabel={t("contacts.files.attach")} onPick={(file) => act(async () => {
          await api.post(`${CRM}/contacts/${contact.id}/files`, { file_id: file.id });
          setPicking(false);
        })} onCancel={() => setPicking(false)} />
      ) : <button type="button" onClick={() => setPicking(true)}>{t("contacts.files.attachFromMedia")}</button>)}
    </Card>
  );
}

function PressbaseChanges({ contact, onApplied }: { contact: Contact; onApplied: (c: Contact) => void }) {
  const { t } = useI18n();
  const pending = useLoad((signal) => api.get<{ changes: Record<string, { old: unknown; new: unknown }> }>(`${CRM}/contacts/${contact.id}/pressbase-changes`, { signal }), [contact.id]);
  const [error, setError] = useState<ApiError | null>(null);
  const changes = Object.entries(pending.data?.changes ?? {});
  if (changes.length === 0) return null;
  return (
    <div className="notice warning" role="region" aria-label={t("contacts.pressbase.title")}>
      <strong>{t("contacts.pressbase.title")}</strong>
      <ul>{changes.map(([k, v]) => <li key={k}>{t(`contacts.field.${k}`) === `contacts.field.${k}` ? k : t(`contacts.field.${k}`)}: {String(v.old ?? "–")} → <strong>{String(v.new ?? "–")}</strong></li>)}</ul>
      <ErrorNotice error={error} />
      <div className="buttons">
        <button type="button" className="primary" onClick={async () => {
          try { onApplied(await api.post<Contact>(`${CRM}/contacts/${contact.id}/pressbase-changes/apply`, {})); pending.reload(); } catch (exc) { if (exc instanceof ApiError) setError(exc); }
        }}>{t("contacts.pressbase.apply")}</button>
        <button type="button" onClick={async () => {
          try { await api.post(`${CRM}/contacts/${contact.id}/pressbase-changes/dismiss`); pending.reload(); } catch (exc) { if (exc instanceof ApiError) setError(exc); }
        }}>{t("contacts.pressbase.dismiss")}</button>
      </div>
    </div>
  );
}

export function ContactDetailPage() {
  const { t, lang } = useI18n();
  const { contactId = "" } = useParams();
  const navigate = useNavigate();
  const { clients, writable } = useClients();
  const contact = useLoad((signal) => api.get<Contact>(`${CRM}/contacts/${contactId}`, { signal }), [contactId]);
  const fields = useLoad((signal) => api.get<CustomField[]>(`${CRM}/custom-fields`, { signal }));
  const [error, setError] = useState<ApiError | null>(null);
  const c = contact.data;
  if (!c) {
    return <Page title={t("contacts.detail.title")}>{contact.error ? <ErrorNotice error={contact.error} /> : <Loading />}</Page>;
  }
  const canWrite = writable(c.client_id);
  const name = displayName(c);
  const erase = async () => {
    setError(null);
    try {
      await api.post(`${CRM}/contacts/${c.id}/erasure`);
      navigate("/contacts", { state: { erased: name } });
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    }
  };
  const legal = t(`contacts.legal.${c.legal_basis}`);
  return (
    <Page title={name} wide actions={canWrite ? <Link className="button primary" to={`/contacts/${c.id}/edit`}>{t("contacts.edit")}</Link> : undefined}>
      <p className="muted">
        <Link to={c.kind === "organisation" ? "/contacts/organisations" : "/contacts"}>{t(c.kind === "organisation" ? "contacts.organisations.title" : "contacts.title")}</Link>
        {" · "}{t(`contacts.kind.${c.kind}`)} · {t("common.client")}: <ClientLabel clients={clients} id={c.client_id} />
      </p>
      <ReadOnlyNotice clients={clients} id={c.client_id} />
      <PressbaseChanges contact={c} onApplied={(next) => contact.setData(next)} />
      <ErrorNotice error={error} />
      <div className="detail-grid">
        <div>
          <Card title={t("contacts.detail.master")}>
            <dl className="facts">
              {c.kind === "person" && <><dt>{t("contacts.salutation")}</dt><dd>{c.salutation || "–"}</dd></>}
              <dt>{t("contacts.letterSalutation")}</dt><dd data-testid="letter-salutation">{c.letter_salutation || "–"}</dd>
              {c.kind === "person" && <>
                <dt>{t("contacts.position")}</dt><dd>{c.position || "–"}</dd>
                <dt>{t("contacts.department")}</dt><dd>{c.department || "–"}</dd>
                <dt>{t("contacts.organisation")}</dt><dd>{c.organisation_id ? <Link to={`/contacts/${c.organisation_id}`}>{c.organisation}</Link> : c.organisation || "–"}</dd>
              </>}
              {c.kind === "organisation" && <><dt>{t("contacts.orgType")}</dt><dd>{c.org_type ? t(`contacts.orgType.${c.org_type}`) : "–"}</dd></>}
              <dt>{t("contacts.address")}</dt><dd><AddressBlock c={c} /></dd>
              <dt>{t("contacts.language")}</dt><dd>{t(`contacts.language.${c.language}`)}{c.informal ? ` · ${t("contacts.informal")}` : ""}</dd>
              <dt>{t("contacts.tags")}</dt><dd>{c.tags.length ? c.tags.map((tag) => <Badge key={tag} kind="info">{tag}</Badge>) : "–"}</dd>
              {(fields.data ?? []).filter((d) => c.custom[d.key] !== undefined).map((d) => (
                <FragmentFact key={d.key} label={lang === "en" ? d.label_en : d.label_de}
                  value={d.type === "boolean" ? t(c.custom[d.key] ? "common.yes" : "common.no") : d.type === "date" ? formatDate(lang, String(c.custom[d.key])) : String(c.custom[d.key])} />
              ))}
            </dl>
            {c.notes && <><h3>{t("contacts.notes")}</h3><p className="history-body">{c.notes}</p></>}
          </Card>
          <Card title={t("contacts.detail.reach")}>
            <h3>{t("contacts.emails")}</h3>
            {c.emails.length === 0 ? <p className="muted">{t("contacts.noEmail")}</p> : (
              <ul className="plain">
                {c.emails.map((e) => (
                  <li key={e.email}>
                    <a href={`mailto:${e.email}`}>{e.email}</a> {e.label && <span className="muted">({e.label})</span>}{" "}
                    {e.primary && <Badge kind="info">{t("contacts.primary")}</Badge>} <EmailState state={e.state} />
                    {e.invalid_reason && <div className="muted">{e.invalid_reason}{e.invalid_at ? ` (${formatDate(lang, e.invalid_at)})` : ""}</div>}
                  </li>
                ))}
              </ul>
            )}
            <h3>{t("contacts.phones")}</h3>
            {c.phones.length === 0 ? <p className="muted">–</p> : (
              <ul className="plain">{c.phones.map((p, i) => <li key={i}><a href={`tel:${p.number.replace(/[^+\d]/g, "")}`}>{p.number}</a> {p.label && <span className="muted">({p.label})</span>}</li>)}</ul>
            )}
          </Card>
          <Card title={t("contacts.gdpr.title")}>
            <dl className="facts">
              <dt>{t("contacts.legalBasis")}</dt><dd>{legal}</dd>
              <dt>{t("contacts.dataSource")}</dt><dd>{c.data_source || t(`contacts.source.${c.source_kind}`)}</dd>
              <dt>{t("contacts.informedAt")}</dt><dd>{c.informed_at ? formatDate(lang, c.informed_at) : t("contacts.notInformed")}</dd>
              <dt>{t("contacts.created")}</dt><dd>{formatDateTime(lang, c.created_at)}</dd>
            </dl>
            <div className="buttons">
              <a className="button" href={url(`${CRM}/contacts/${c.id}/gdpr-export`)} download={`auskunft-${c.id}.json`}>{t("contacts.gdpr.export")}</a>
              {canWrite && (
                <ConfirmButton label={t("contacts.gdpr.erase")} question={t("contacts.gdpr.eraseQuestion", { name })} confirmLabel={t("contacts.gdpr.eraseNow")} onConfirm={erase} />
              )}
            </div>
            <p className="hint">{t("contacts.gdpr.hint")}</p>
          </Card>
        </div>
        <div>
          <History contactId={c.id} canWrite={canWrite} />
          <Files contact={c} canWrite={canWrite} />
        </div>
      </div>
    </Page>
  );
}

function FragmentFact({ label, value }: { label: string; value: string }) {
  return <><dt>{label}</dt><dd>{value}</dd></>;
}
