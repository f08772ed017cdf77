/**
 * Create or change a person or an organisation: salutation, title, names, position, department, organisation,
 * several e-mail addresses (one primary, each with its state), phones, address, language, tags, custom fields,
 * legal basis and source. Errors from the API go next to their fields (also "emails.1.email"); what was typed stays.
 */
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { api } from "../../api/client";
import { ClientSelect, useClients } from "../../app/clients";
import { useI18n } from "../../i18n";
import { Card, Checkbox, ErrorNotice, Field, Loading, Page, Select, TextArea } from "../../ui/components";
import { useForm, useLoad } from "../../ui/hooks";
import { CRM, LEGAL_BASES, ORG_TYPES, displayName, searchContacts, splitTags, type Contact, type CustomField, type Email, type Phone } from "./api";
import { ReadOnlyNotice } from "./shared";

interface Values extends Record<string, unknown> {
  kind: "person" | "organisation"; client_id: string; gender: string; title: string; first_name: string; last_name: string;
  org_name: string; org_type: string; organisation_id: string; organisation: string; position: string; department: string;
  street: string; address_extra: string; postal_code: string; city: string; country: string; language: string;
  informal: boolean; letter_salutation: string; emails: Email[]; phones: Phone[]; tags: string;
  custom: Record<string, string | boolean>; notes: string; legal_basis: string; data_source: string; informed_at: string;
}

function blank(kind: "person" | "organisation", clientId: string): Values {
  return {
    kind, client_id: clientId, gender: "unknown", title: "", first_name: "", last_name: "", org_name: "", org_type: "",
    organisation_id: "", organisation: "", position: "", department: "", street: "", address_extra: "", postal_code: "",
    city: "", country: "DE", language: "de", informal: false, letter_salutation: "", emails: [{ email: "", label: "", primary: true, state: "valid" }],
    phones: [], tags: "", custom: {}, notes: "", legal_basis: "legitimate_interest", data_source: "", informed_at: "",
  };
}

function fromContact(c: Contact): Values {
  return {
    kind: c.kind, client_id: c.client_id, gender: c.gender, title: c.title, first_name: c.first_name, last_name: c.last_name,
    org_name: c.org_name, org_type: c.org_type ?? "", organisation_id: c.organisation_id ?? "", organisation: c.organisation,
    position: c.position, department: c.department, street: c.street, address_extra: c.address_extra, postal_code: c.postal_code,
    city: c.city, country: c.country, language: c.language, informal: c.informal, letter_salutation: c.letter_salutation_override ?? "",
    emails: c.emails.map((e) => ({ email: e.email, label: e.label ?? "", primary: !!e.primary, state: e.state ?? "valid" })),
    phones: c.phones.map((p) => ({ number: p.number, label: p.label ?? "" })), tags: c.tags.join(", "),
    custom: Object.fromEntries(Object.entries(c.custom).map(([k, v]) => [k, typeof v === "boolean" ? v : String(v)])),
    notes: c.notes, legal_basis: c.legal_basis, data_source: c.data_source, informed_at: c.informed_at ? c.informed_at.slice(0, 10) : "",
  };
}

function body(v: Values, fields: CustomField[], create: boolean) {
  const custom: Record<string, unknown> = {};
  for (const d of fields) {
    const raw = v.custom[d.key];
    if (raw === undefined) continue;
    custom[d.key] = raw === "" ? null : d.type === "number" && typeof raw === "string" ? Number(raw.replace(",", ".")) : raw;
  }
  const emails = v.emails.filter((e) => e.email.trim() !== "");
  const out: Record<string, unknown> = {
    gender: v.gender, title: v.title, first_name: v.first_name, last_name: v.last_name, org_name: v.org_name,
    org_type: v.org_type || null, organisation_id: v.organisation_id || null, organisation: v.organisation, position: v.position,
    department: v.department, street: v.street, address_extra: v.address_extra, postal_code: v.postal_code, city: v.city,
    country: v.country, language: v.language, informal: v.informal, letter_salutation: v.letter_salutation.trim() || null,
    emails: emails.map((e, i) => ({ ...e, email: e.email.trim(), primary: emails.some((x) => x.primary) ? !!e.primary : i === 0 })),
    phones: v.phones.filter((p) => p.number.trim() !== ""), tags: splitTags(v.tags),
    custom: create ? Object.fromEntries(Object.entries(custom).filter(([, x]) => x !== null)) : custom,
    notes: v.notes, legal_basis: v.legal_basis, data_source: v.data_source,
    informed_at: v.informed_at ? `${v.informed_at}T12:00:00Z` : null,
  };
  if (create) {
    out.kind = v.kind;
    out.client_id = v.client_id;
    if (!out.informed_at) delete out.informed_at;
  }
  return out;
}

export function ContactFormPage() {
  const { t } = useI18n();
  const { contactId } = useParams();
  const [params] = useSearchParams();
  const { clients, writable } = useClients();
  const existing = useLoad((signal) => (contactId ? api.get<Contact>(`${CRM}/contacts/${contactId}`, { signal }) : Promise.resolve(null)), [contactId]);
  const fields = useLoad((signal) => api.get<CustomField[]>(`${CRM}/custom-fields`, { signal }));
  if (contactId && !existing.data) {
    return <Page title={t("contacts.edit")}>{existing.error ? <ErrorNotice error={existing.error} /> : <Loading />}</Page>;
  }
  if (!fields.data && !fields.error) return <Page title={t("contacts.edit")}><Loading /></Page>;
  const kind = existing.data?.kind ?? (params.get("kind") === "organisation" ? "organisation" : "person");
  const firstWritable = clients.find((c) => c.right === "full")?.id ?? "";
  return (
    <ContactForm key={existing.data?.id ?? `new-${kind}`} contact={existing.data} kind={kind} defaultClient={params.get("client_id") || firstWritable}
      fields={fields.data ?? []} clients={clients} writable={writable} />
  );
}

function ContactForm({ contact, kind, defaultClient, fields, clients, writable }: {
  contact: Contact | null; kind: "person" | "organisation"; defaultClient: string; fields: CustomField[];
  clients: ReturnType<typeof useClients>["clients"]; writable: (id: string) => boolean;
}) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const form = useForm<Values>(contact ? fromContact(contact) : blank(kind, defaultClient));
  const v = form.values;
  const f = form.fieldErrors;
  const create = !contact;
  const [orgs, setOrgs] = useState<{ id: string; name: string }[]>([]);
  const [sent, setSent] = useState<Email[] | null>(null);
  useEffect(() => {
    if (v.kind !== "person" || !v.client_id) return;
    searchContacts({ kind: "organisation", client_ids: [v.client_id] }, null, 500).then((p) => setOrgs(p.items.map((o) => ({ id: o.id, name: displayName(o) })))).catch(() => setOrgs([]));
  }, [v.kind, v.client_id]);
  if (!create && !writable(contact.client_id) && clients.length) {
    return (
      <Page title={displayName(contact)}>
        <ReadOnlyNotice clients={clients} id={contact.client_id} />
        <p><Link to={`/contacts/${contact.id}`}>{t("common.back")}</Link></p>
      </Page>
    );
  }
  const setEmail = (i: number, patch: Partial<Email>) => form.set("emails", v.emails.map((e, j) => (j === i ? { ...e, ...patch } : patch.primary ? { ...e, primary: false } : e)));
  const setPhone = (i: number, patch: Partial<Phone>) => form.set("phones", v.phones.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  // the API numbers only the addresses sent (empty rows are left out); an error shows while its value is unchanged
  const emailError = (i: number, key: keyof Email) => {
    if (!sent) return undefined;
    const j = sent.filter((x, k) => k < i && x.email.trim() !== "").length;
    const message = f[`emails.${j}.${key}`];
    return message && sent[i]?.[key] === v.emails[i]?.[key] ? message : undefined;
  };
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    setSent(v.emails);
    form.submit(async (values) => {
      const saved = create
        ? await api.post<Contact>(`${CRM}/contacts`, body(values, fields, true))
        : await api.patch<Contact>(`${CRM}/contacts/${contact.id}`, body(values, fields, false));
      navigate(`/contacts/${saved.id}`);
    });
  };
  const title = create ? t(kind === "organisation" ? "contacts.newOrganisation" : "contacts.newPerson") : `${t("contacts.edit")}: ${displayName(contact)}`;
  const person = v.kind === "person";
  return (
    <Page title={title} wide>
      <form noValidate onSubmit={onSubmit} aria-label={title} className="contact-form">
        <ErrorNotice error={form.error} />
        <Card title={t("contacts.form.who")}>
          <div className="form-row">
            {create ? (
              <ClientSelect clients={clients} value={v.client_id} onChange={(id) => form.set("client_id", id)} writableOnly error={f.client_id} />
            ) : null}
            {person && (
              <>
                <Select label={t("contacts.salutation")} value={v.gender} onChange={(e) => form.set("gender", e.target.value)} error={f.gender}>
                  <option value="unknown">{t("contacts.gender.unknown")}</option>
                  <option value="female">{t("contacts.gender.female")}</option>
                  <option value="male">{t("contacts.gender.male")}</option>
                  <option value="diverse">{t("contacts.gender.diverse")}</option>
                </Select>
                <Field label={t("contacts.title_")} hint={t("contacts.titleHint")} value={v.title} onChange={(e) => form.set("title", e.target.value)} error={f.title} maxLength={60} />
                <Field label={t("contacts.firstName")} value={v.first_name} onChange={(e) => form.set("first_name", e.target.value)} error={f.first_name} autoComplete="off" />
                <Field label={t("contacts.lastName")} value={v.last_name} onChange={(e) => form.set("last_name", e.target.value)} error={f.last_name} autoComplete="off" />
              </>
            )}
            {!person && (
              <>
                <Field label={t("contacts.orgName")} value={v.org_name} onChange={(e) => form.set("org_name", e.target.value)} error={f.org_name} />
                <Select label={t("contacts.orgType")} value={v.org_type} onChange={(e) => form.set("org_type", e.target.value)} error={f.org_type}>
                  <option value="">–</option>
                  {ORG_TYPES.map((o) => <option key={o} value={o}>{t(`contacts.orgType.${o}`)}</option>)}
                </Select>
              </>
            )}
          </div>
          {person && (
            <div className="form-row">
              <Field label={t("contacts.position")} value={v.position} onChange={(e) => form.set("position", e.target.value)} error={f.position} />
              <Field label={t("contacts.department")} hint={t("contacts.departmentHint")} value={v.department} onChange={(e) => form.set("department", e.target.value)} error={f.department} />
              <Select label={t("contacts.organisationLink")} value={v.organisation_id} onChange={(e) => form.set("organisation_id", e.target.value)} error={f.organisation_id}>
                <option value="">{t("contacts.organisationNone")}</option>
                {orgs.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
              </Select>
              {!v.organisation_id && <Field label={t("contacts.organisation")} hint={t("contacts.organisationHint")} value={v.organisation} onChange={(e) => form.set("organisation", e.target.value)} error={f.organisation} />}
            </div>
          )}
          <div className="form-row">
            <Select label={t("contacts.language")} value={v.language} onChange={(e) => form.set("language", e.target.value)} error={f.language}>
              <option value="de">{t("contacts.language.de")}</option>
              <option value="en">{t("contacts.language.en")}</option>
            </Select>
            <Field label={t("contacts.letterSalutationOwn")} hint={contact ? t("contacts.letterSalutationNow", { text: contact.letter_salutation }) : t("contacts.letterSalutationHint")}
              value={v.letter_salutation} onChange={(e) => form.set("letter_salutation", e.target.value)} error={f.letter_salutation} />
          </div>
          {person && <Checkbox label={t("contacts.informalLabel")} checked={v.informal} onChange={(e) => form.set("informal", e.target.checked)} error={f.informal} />}
        </Card>

        <Card title={t("contacts.emails")}>
          {f.emails && <p className="field-error" role="alert">{f.emails}</p>}
          {v.emails.map((em, i) => (
            <fieldset key={i} className="repeat">
              <legend>{t("contacts.emailN", { n: i + 1 })}</legend>
              <div className="form-row">
                <Field label={t("contacts.email")} type="email" value={em.email} onChange={(e) => setEmail(i, { email: e.target.value })} error={emailError(i, "email")} autoComplete="off" />
                <Field label={t("contacts.label")} hint={t("contacts.emailLabelHint")} value={em.label ?? ""} onChange={(e) => setEmail(i, { label: e.target.value })} error={emailError(i, "label")} />
                <Select label={t("contacts.emailStateLabel")} value={em.state ?? "valid"} onChange={(e) => setEmail(i, { state: e.target.value as Email["state"] })} error={emailError(i, "state")}>
                  {["valid", "unverified", "invalid"].map((s) => <option key={s} value={s}>{t(`contacts.emailState.${s}`)}</option>)}
                </Select>
              </div>
              <div className="buttons">
                <label className="radio"><input type="radio" name="primary-email" checked={!!em.primary} onChange={() => setEmail(i, { primary: true })} /> {t("contacts.primary")}</label>
                <button type="button" className="small" onClick={() => form.set("emails", v.emails.filter((_, j) => j !== i))}>{t("contacts.remove")}</button>
              </div>
            </fieldset>
          ))}
          <button type="button" onClick={() => form.set("emails", [...v.emails, { email: "", label: "", primary: v.emails.length === 0, state: "valid" }])} disabled={v.emails.length >= 10}>{t("contacts.addEmail")}</button>
        </Card>

        <Card title={t("contacts.phones")}>
          {v.phones.map((p, i) => (
            <div className="form-row repeat-row" key={i}>
              <Field label={t("contacts.phoneN", { n: i + 1 })} type="tel" value={p.number} onChange={(e) => setPhone(i, { number: e.target.value })} error={f[`phones.${i}.number`]} />
              <Field label={t("contacts.label")} hint={t("contacts.phoneLabelHint")} value={p.label ?? ""} onChange={(e) => setPhone(i, { label: e.target.value })} error={f[`phones.${i}.label`]} />
              <div className="field"><span className="label-spacer" aria-hidden="true">&nbsp;</span><button type="button" className="small" onClick={() => form.set("phones", v.phones.filter((_, j) => j !== i))}>{t("contacts.remove")}</button></div>
            </div>
          ))}
          <button type="button" onClick={() => form.set("phones", [...v.phones, { number: "", label: "" }])} disabled={v.phones.length >= 10}>{t("contacts.addPhone")}</button>
        </Card>

        <Card title={t("contacts.address")}>
          <div className="form-row">
            <Field label={t("contacts.street")} value={v.street} onChange={(e) => form.set("street", e.target.value)} error={f.street} autoComplete="off" />
            <Field label={t("contacts.addressExtra")} value={v.address_extra} onChange={(e) => form.set("address_extra", e.target.value)} error={f.address_extra} />
            <Field label={t("contacts.postalCode")} value={v.postal_code} inputMode="numeric" onChange={(e) => form.set("postal_code", e.target.value)} error={f.postal_code} />
            <Field label={t("contacts.city")} value={v.city} onChange={(e) => form.set("city", e.target.value)} error={f.city} />
            <Field label={t("contacts.country")} hint={t("contacts.countryHint")} value={v.country} maxLength={2} onChange={(e) => form.set("country", e.target.value.toUpperCase())} error={f.country} />
          </div>
        </Card>

        <Card title={t("contacts.form.more")}>
          <Field label={t("contacts.tags")} hint={t("contacts.filter.tagsHint")} value={v.tags} onChange={(e) => form.set("tags", e.target.value)} error={f.tags ?? Object.entries(f).find(([k]) => k.startsWith("tags."))?.[1]} />
          {fields.length > 0 && (
            <fieldset>
              <legend>{t("contacts.customFields")}</legend>
              <div className="form-row">
                {fields.map((d) => {
                  const label = lang === "en" ? d.label_en : d.label_de;
                  const value = v.custom[d.key];
                  const err = f[`custom.${d.key}`];
                  const setC = (x: string | boolean) => form.set("custom", { ...v.custom, [d.key]: x });
                  if (d.type === "boolean") return <Checkbox key={d.key} label={label} checked={value === true} onChange={(e) => setC(e.target.checked)} error={err} />;
                  if (d.type === "choice") return (
                    <Select key={d.key} label={label} value={String(value ?? "")} onChange={(e) => setC(e.target.value)} error={err}>
                      <option value="">–</option>
                      {d.choices.map((ch) => <option key={ch} value={ch}>{ch}</option>)}
                    </Select>
                  );
                  return <Field key={d.key} label={label} type={d.type === "date" ? "date" : "text"} inputMode={d.type === "number" ? "decimal" : undefined}
                    value={String(value ?? "")} onChange={(e) => setC(e.target.value)} error={err} />;
                })}
              </div>
            </fieldset>
          )}
          <TextArea label={t("contacts.notes")} value={v.notes} onChange={(e) => form.set("notes", e.target.value)} error={f.notes} rows={3} />
        </Card>

        <Card title={t("contacts.gdpr.title")}>
          <div className="form-row">
            <Select label={t("contacts.legalBasis")} value={v.legal_basis} onChange={(e) => form.set("legal_basis", e.target.value)} error={f.legal_basis}>
              {LEGAL_BASES.map((b) => <option key={b} value={b}>{t(`contacts.legal.${b}`)}</option>)}
            </Select>
            <Field label={t("contacts.dataSource")} hint={t("contacts.dataSourceHint")} value={v.data_source} onChange={(e) => form.set("data_source", e.target.value)} error={f.data_source} />
            <Field label={t("contacts.informedAt")} hint={t("contacts.informedHint")} type="date" value={v.informed_at} onChange={(e) => form.set("informed_at", e.target.value)} error={f.informed_at} />
          </div>
        </Card>
        <div className="buttons sticky-buttons">
          <button type="submit" className="primary" disabled={form.busy}>{t("common.save")}</button>
          <Link to={contact ? `/contacts/${contact.id}` : "/contacts"}>{t("common.cancel")}</Link>
        </div>
      </form>
    </Page>
  );
}
