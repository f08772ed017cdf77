/** Custom fields of the account (administrators): typed fields every client's contacts can carry. */
import { useState } from "react";
import { ApiError, api } from "../../api/client";
import { useI18n } from "../../i18n";
import { Card, ErrorNotice, Field, Loading, Notice, Page, Select, TableWrap } from "../../ui/components";
import { useForm, useLoad } from "../../ui/hooks";
import { CRM, splitTags, type CustomField } from "./api";
import { ConfirmButton } from "./shared";
import { ContactsTabs } from "./Tabs";

export function CustomFieldsPage() {
  const { t, lang } = useI18n();
  const fields = useLoad((signal) => api.get<CustomField[]>(`${CRM}/custom-fields`, { signal }));
  const empty = { key: "", label_de: "", label_en: "", type: "text", choices: "" };
  const form = useForm(empty);
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState(false);
  const v = form.values;
  const f = form.fieldErrors;
  return (
    <Page title={t("fields.title")} wide>
      <ContactsTabs />
      <p className="muted">{t("fields.intro")}</p>
      <ErrorNotice error={error ?? fields.error} fieldsShown={false} />
      {!fields.data ? <Loading /> : (
        <TableWrap label={t("fields.title")}>
          <thead><tr><th>{t("fields.label")}</th><th>{t("fields.key")}</th><th>{t("fields.type")}</th><th>{t("common.actions")}</th></tr></thead>
          <tbody>
            {fields.data.length === 0 && <tr><td colSpan={4}>{t("common.none")}</td></tr>}
            {fields.data.map((d) => (
              <tr key={d.key}>
                <td>{lang === "en" ? d.label_en : d.label_de}</td>
                <td><code>{d.key}</code></td>
                <td>{t(`fields.type.${d.type}`)}{d.choices.length ? `: ${d.choices.join(", ")}` : ""}</td>
                <td><ConfirmButton label={t("fields.delete")} question={t("fields.deleteQuestion", { name: lang === "en" ? d.label_en : d.label_de })} confirmLabel={t("fields.deleteNow")}
                  onConfirm={async () => { setError(null); try { await api.delete(`${CRM}/custom-fields/${d.key}`); fields.reload(); } catch (exc) { if (exc instanceof ApiError) setError(exc); } }} /></td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <Card>
        <form noValidate aria-labelledby="field-new" onSubmit={(e) => {
          e.preventDefault();
          setCreated(false);
          form.submit(async (values) => {
            await api.post(`${CRM}/custom-fields`, { key: values.key, label_de: values.label_de, label_en: values.label_en, type: values.type, choices: values.type === "choice" ? splitTags(values.choices) : [] });
            form.setValues(empty);
            setCreated(true);
            fields.reload();
          });
        }}>
          <h2 id="field-new">{t("fields.new")}</h2>
          {created && <Notice kind="success">{t("common.saved")}</Notice>}
          <ErrorNotice error={form.error} />
          <div className="form-row">
            <Field label={t("fields.labelDe")} value={v.label_de} onChange={(e) => form.set("label_de", e.target.value)} error={f.label_de} />
            <Field label={t("fields.labelEn")} value={v.label_en} onChange={(e) => form.set("label_en", e.target.value)} error={f.label_en} />
            <Field label={t("fields.key")} hint={t("fields.keyHint")} value={v.key} onChange={(e) => form.set("key", e.target.value)} error={f.key} />
            <Select label={t("fields.type")} value={v.type} onChange={(e) => form.set("type", e.target.value)} error={f.type}>
              {["text", "number", "date", "boolean", "choice"].map((x) => <option key={x} value={x}>{t(`fields.type.${x}`)}</option>)}
            </Select>
          </div>
          {v.type === "choice" && <Field label={t("fields.choices")} hint={t("fields.choicesHint")} value={v.choices} onChange={(e) => form.set("choices", e.target.value)} error={f.choices ?? f.body} />}
          <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("fields.create")}</button></div>
        </form>
      </Card>
    </Page>
  );
}
