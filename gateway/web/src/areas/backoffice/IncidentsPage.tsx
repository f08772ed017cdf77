/** Incident notes for the public status page: post one (German, optionally English), resolve it with a note. */
import { api } from "../../api/client";
import { useI18n } from "../../i18n";
import { Badge, Card, Checkbox, ErrorNotice, Field, Loading, Notice, Page, Select, TextArea } from "../../ui/components";
import { formatDateTime } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { COMPONENT_IDS, type Incident } from "../status/StatusPage";
import { BackofficeTabs } from "./Tabs";

const EMPTY = { severity: "minor", components: [] as string[], title_de: "", title_en: "", body_de: "", body_en: "" };

export function IncidentsPage() {
  const { t, lang } = useI18n();
  const list = useLoad((signal) => api.get<{ incidents: Incident[] }>("/api/v1/backoffice/incidents", { signal }));
  const form = useForm(EMPTY);
  const resolve = useForm({ id: "" });
  const f = form.fieldErrors;
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    form.submit(async (v) => {
      await api.post("/api/v1/backoffice/incidents", {
        severity: v.severity, components: v.components,
        title: { de: v.title_de, ...(v.title_en ? { en: v.title_en } : {}) },
        body: { de: v.body_de, ...(v.body_en ? { en: v.body_en } : {}) },
      });
      form.setValues(EMPTY);
      list.reload();
    });
  };
  return (
    <Page title={t("bo.title")} wide>
      <BackofficeTabs />
      <Card>
        <form onSubmit={onSubmit} noValidate aria-labelledby="inc-title">
          <h2 id="inc-title">{t("bo.incidents.new")}</h2>
          <ErrorNotice error={form.error} />
          <Select label={t("bo.incidents.severity")} value={form.values.severity} onChange={(e) => form.set("severity", e.target.value)} error={f.severity}>
            {["info", "minor", "major"].map((s) => <option key={s} value={s}>{t(`status.severity.${s}`)}</option>)}
          </Select>
          <fieldset>
            <legend>{t("bo.incidents.components")}</legend>
            {COMPONENT_IDS.map((c) => (
              <Checkbox key={c} label={t(`status.component.${c}`)} checked={form.values.components.includes(c)}
                onChange={(e) => form.set("components", e.target.checked ? [...form.values.components, c] : form.values.components.filter((x) => x !== c))} />
            ))}
          </fieldset>
          <div className="form-row">
            <Field label={t("bo.incidents.titleDe")} lang="de" value={form.values.title_de} onChange={(e) => form.set("title_de", e.target.value)} error={f["title.de"] ?? f.title} required />
            <Field label={t("bo.incidents.titleEn")} lang="en" value={form.values.title_en} onChange={(e) => form.set("title_en", e.target.value)} error={f["title.en"]} />
          </div>
          <TextArea label={t("bo.incidents.bodyDe")} lang="de" value={form.values.body_de} onChange={(e) => form.set("body_de", e.target.value)} error={f["body.de"] ?? f.body} required />
          <TextArea label={t("bo.incidents.bodyEn")} lang="en" value={form.values.body_en} onChange={(e) => form.set("body_en", e.target.value)} error={f["body.en"]} />
          <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("bo.incidents.post")}</button></div>
        </form>
      </Card>
      <h2>{t("bo.incidents.list")}</h2>
      <ErrorNotice error={list.error ?? resolve.error} />
      {!list.data ? <Loading /> : list.data.incidents.length === 0 ? <Notice>{t("common.none")}</Notice> : list.data.incidents.map((i) => (
        <Card key={i.id} className={`incident ${i.severity}${i.resolved_at ? " resolved" : ""}`}>
          <h3>{i.title[lang]} <Badge kind={i.resolved_at ? "ok" : i.severity === "major" ? "bad" : "warn"}>{i.resolved_at ? t("status.resolved") : t(`status.severity.${i.severity}`)}</Badge></h3>
          <p className="muted">{formatDateTime(lang, i.created_at)}{i.components.length > 0 && ` · ${i.components.map((c) => t(`status.component.${c}`)).join(", ")}`}</p>
          <p>{i.body[lang]}</p>
          {!i.resolved_at && (
            <button type="button" disabled={resolve.busy} onClick={() => resolve.submit(async () => {
              await api.post(`/api/v1/backoffice/incidents/${i.id}/resolve`, {});
              list.reload();
            })}>{t("bo.incidents.resolve")}</button>
          )}
        </Card>
      ))}
    </Page>
  );
}
