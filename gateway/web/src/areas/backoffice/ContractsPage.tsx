/** Record an individual contract (premium contracting): signed PDF, one-time and monthly fee, valid from. */
import { useState } from "react";
import { api } from "../../api/client";
import { useI18n } from "../../i18n";
import { Card, ErrorNotice, Field, Notice, Page, Select, TextArea } from "../../ui/components";
import { useForm, useLoad } from "../../ui/hooks";
import { BackofficeTabs, euroToCents, fileToBase64 } from "./Tabs";

export function ContractsPage() {
  const { t } = useI18n();
  const accounts = useLoad((signal) => api.get<{ account_id: string; name: string | null }[]>("/api/v1/backoffice/billing/accounts", { signal }));
  const form = useForm({ account_id: "", one_time: "", monthly: "", valid_from: new Date().toISOString().slice(0, 10), note: "" });
  const [file, setFile] = useState<File | null>(null);
  const [done, setDone] = useState(false);
  const f = form.fieldErrors;
  return (
    <Page title={t("bo.title")} wide>
      <BackofficeTabs />
      <Card>
        <form noValidate aria-labelledby="ct-title" onSubmit={(e) => {
          e.preventDefault();
          setDone(false);
          form.submit(async (v) => {
            await api.post("/api/v1/backoffice/billing/contracts", {
              account_id: v.account_id, one_time_cents: euroToCents(v.one_time), monthly_cents: euroToCents(v.monthly),
              valid_from: v.valid_from, note: v.note || undefined,
              document_b64: file ? await fileToBase64(file) : "", document_name: file?.name ?? "",
            });
            setDone(true);
          });
        }}>
          <h2 id="ct-title">{t("bo.contracts.title")}</h2>
          {done && <Notice kind="success">{t("bo.contracts.done")}</Notice>}
          <ErrorNotice error={form.error ?? accounts.error} />
          <div className="form-row">
            <Select label={t("bo.contracts.account")} value={form.values.account_id} onChange={(e) => form.set("account_id", e.target.value)} error={f.account_id}>
              <option value="">–</option>
              {(accounts.data ?? []).map((a) => <option key={a.account_id} value={a.account_id}>{a.name || a.account_id}</option>)}
            </Select>
            <Field label={t("bo.contracts.oneTimeEuro")} inputMode="decimal" value={form.values.one_time} onChange={(e) => form.set("one_time", e.target.value)} error={f.one_time_cents} />
            <Field label={t("bo.contracts.monthlyEuro")} inputMode="decimal" value={form.values.monthly} onChange={(e) => form.set("monthly", e.target.value)} error={f.monthly_cents} />
            <Field label={t("bo.contracts.validFrom")} type="date" value={form.values.valid_from} onChange={(e) => form.set("valid_from", e.target.value)} error={f.valid_from} />
          </div>
          <TextArea label={t("bo.contracts.note")} value={form.values.note} onChange={(e) => form.set("note", e.target.value)} error={f.note} />
          <div className="field">
            <label htmlFor="ct-doc">{t("bo.contracts.document")}</label>
            <input id="ct-doc" type="file" accept="application/pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            {(f.document_b64 || f.document_name) && <p className="field-error">{f.document_b64 || f.document_name}</p>}
          </div>
          <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("bo.contracts.submit")}</button></div>
        </form>
      </Card>
    </Page>
  );
}
