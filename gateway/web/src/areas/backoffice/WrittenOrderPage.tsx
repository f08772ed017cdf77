/** A written order placed for a customer (the signed PDF attached), activated at once unless unticked. */
import { useState } from "react";
import { api } from "../../api/client";
import { useI18n, type Vars } from "../../i18n";
import { Card, Checkbox, ErrorNotice, Field, Notice, Page, Select } from "../../ui/components";
import { useForm, useLoad } from "../../ui/hooks";
import { BackofficeTabs, fileToBase64 } from "./Tabs";

interface Catalogue { terms_version: string; dpc_version: string; tiers: { seats: number }[]; addons: { code: string; name: { de: string; en: string }; individual: boolean }[] }

const EMPTY = {
  company: "", vat_id: "", street: "", postcode: "", city: "", country: "DE", lm_email: "", lm_first: "", lm_last: "",
  language: "de", seats: "5", start_date: new Date().toISOString().slice(0, 10), activate: true, invoice_email: "",
};

export function WrittenOrderPage() {
  const { t, lang } = useI18n();
  const cat = useLoad((signal) => api.get<Catalogue>("/api/v1/billing/catalogue", { signal }));
  const form = useForm({ ...EMPTY, addons: [] as string[] });
  const [file, setFile] = useState<File | null>(null);
  const [done, setDone] = useState<[string, Vars] | null>(null);
  const f = form.fieldErrors;
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    setDone(null);
    form.submit(async (v) => {
      const body: Record<string, unknown> = {
        company: { name: v.company, vat_id: v.vat_id || null, address: { street: v.street, postcode: v.postcode, city: v.city, country: v.country } },
        license_manager: { email: v.lm_email, first_name: v.lm_first, last_name: v.lm_last, language: v.language },
        language: v.language, seats: Number(v.seats), addons: v.addons, start_date: v.start_date,
        accept_terms: true, accept_dpc: true, terms_version: cat.data?.terms_version, dpc_version: cat.data?.dpc_version,
        activate: v.activate,
      };
      if (v.invoice_email) body.invoice_email = v.invoice_email;
      if (file) {
        body.document_b64 = await fileToBase64(file);
        body.document_name = file.name;
      }
      const order = await api.post<{ company: string; state: string }>("/api/v1/backoffice/billing/orders", body);
      setDone(["bo.written.done", { company: order.company, state: order.state }]);
      form.setValues({ ...EMPTY, addons: [] });
      setFile(null);
    });
  };
  return (
    <Page title={t("bo.title")} wide>
      <BackofficeTabs />
      <Card>
        <form onSubmit={onSubmit} noValidate aria-labelledby="wo-title">
          <h2 id="wo-title">{t("bo.written.title")}</h2>
          {done && <Notice kind="success">{t(done[0], { ...done[1], state: t(`bo.orders.state.${done[1].state}`) })}</Notice>}
          <ErrorNotice error={form.error ?? cat.error} />
          <h3>{t("bo.written.company")}</h3>
          <div className="form-row">
            <Field label={t("bo.written.companyName")} value={form.values.company} onChange={(e) => form.set("company", e.target.value)} error={f["company.name"] ?? f.company} required />
            <Field label={t("bo.written.vatId")} value={form.values.vat_id} onChange={(e) => form.set("vat_id", e.target.value)} error={f["company.vat_id"]} />
            <Field label={t("bo.written.street")} value={form.values.street} onChange={(e) => form.set("street", e.target.value)} error={f["company.address.street"]} required />
            <Field label={t("bo.written.postcode")} value={form.values.postcode} onChange={(e) => form.set("postcode", e.target.value)} error={f["company.address.postcode"]} required />
            <Field label={t("bo.written.city")} value={form.values.city} onChange={(e) => form.set("city", e.target.value)} error={f["company.address.city"]} required />
            <Field label={t("bo.written.country")} value={form.values.country} maxLength={2} onChange={(e) => form.set("country", e.target.value.toUpperCase())} error={f["company.address.country"]} />
          </div>
          <h3>{t("bo.written.manager")}</h3>
          <div className="form-row">
            <Field label={t("auth.email")} type="email" value={form.values.lm_email} onChange={(e) => form.set("lm_email", e.target.value)} error={f["license_manager.email"]} required />
            <Field label={t("admin.users.firstName")} value={form.values.lm_first} onChange={(e) => form.set("lm_first", e.target.value)} error={f["license_manager.first_name"]} required />
            <Field label={t("admin.users.lastName")} value={form.values.lm_last} onChange={(e) => form.set("lm_last", e.target.value)} error={f["license_manager.last_name"]} required />
            <Select label={t("admin.users.language")} value={form.values.language} onChange={(e) => form.set("language", e.target.value)} error={f.language}>
              <option value="de">Deutsch</option><option value="en">English</option>
            </Select>
            <Field label={t("bo.written.invoiceEmail")} type="email" value={form.values.invoice_email} onChange={(e) => form.set("invoice_email", e.target.value)} error={f.invoice_email} />
          </div>
          <h3>{t("bo.written.plan")}</h3>
          <div className="form-row">
            <Select label={t("sub.seats")} value={form.values.seats} onChange={(e) => form.set("seats", e.target.value)} error={f.seats}>
              {(cat.data?.tiers ?? [{ seats: 5 }]).map((tier) => <option key={tier.seats} value={tier.seats}>{tier.seats}</option>)}
            </Select>
            <Field label={t("bo.written.start")} type="date" value={form.values.start_date} onChange={(e) => form.set("start_date", e.target.value)} error={f.start_date} required />
          </div>
          <fieldset>
            <legend>{t("sub.addons")}</legend>
            {(cat.data?.addons ?? []).filter((a) => !a.individual).map((a) => (
              <Checkbox key={a.code} label={a.name[lang]} checked={form.values.addons.includes(a.code)}
                onChange={(e) => form.set("addons", e.target.checked ? [...form.values.addons, a.code] : form.values.addons.filter((x) => x !== a.code))} />
            ))}
            {f.addons && <p className="field-error">{f.addons}</p>}
          </fieldset>
          <div className="field">
            <label htmlFor="wo-doc">{t("bo.written.document")}</label>
            <input id="wo-doc" type="file" accept="application/pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-describedby={f.document_b64 ? "wo-doc-error" : undefined} />
            {f.document_b64 && <p className="field-error" id="wo-doc-error">{f.document_b64}</p>}
          </div>
          <Checkbox label={t("bo.written.activate")} checked={form.values.activate} onChange={(e) => form.set("activate", e.target.checked)} />
          <div className="buttons"><button type="submit" className="primary" disabled={form.busy || !cat.data}>{t("bo.written.submit")}</button></div>
        </form>
      </Card>
    </Page>
  );
}
