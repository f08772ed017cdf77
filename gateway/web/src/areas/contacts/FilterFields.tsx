/** The fields of a contact filter: the search page and a dynamic list's saved filter use the same ones. */
import { useState } from "react";
import { useI18n } from "../../i18n";
import { Field, Select } from "../../ui/components";
import { ORG_TYPES, splitTags, type ContactFilter, type DistributionList } from "./api";

export function FilterFields({ value, onChange, lists, errors = {}, prefix = "", always = false }: {
  value: ContactFilter; onChange: (f: ContactFilter) => void; lists: DistributionList[]; errors?: Record<string, string>;
  /** field-error prefix ("filter." for a list's filter) */ prefix?: string;
  /** show every field at once (no "more filters" fold) */ always?: boolean;
}) {
  const { t } = useI18n();
  const [tags, setTags] = useState((value.tags ?? []).join(", "));
  const [anyTags, setAnyTags] = useState((value.any_tags ?? []).join(", "));
  const set = (patch: Partial<ContactFilter>) => onChange({ ...value, ...patch });
  const e = (name: string) => errors[prefix + name] ?? Object.entries(errors).find(([k]) => k.startsWith(`${prefix}${name}.`))?.[1];
  const more = (
    <div className="form-row">
      <Field label={t("contacts.filter.anyTags")} hint={t("contacts.filter.tagsHint")} value={anyTags}
        onChange={(ev) => { setAnyTags(ev.target.value); set({ any_tags: splitTags(ev.target.value) }); }} error={e("any_tags")} />
      <Field label={t("contacts.position")} value={value.position ?? ""} onChange={(ev) => set({ position: ev.target.value })} error={e("position")} />
      <Field label={t("contacts.city")} value={value.city ?? ""} onChange={(ev) => set({ city: ev.target.value })} error={e("city")} />
      <Field label={t("contacts.country")} hint={t("contacts.countryHint")} value={value.country ?? ""} maxLength={2}
        onChange={(ev) => set({ country: ev.target.value.toUpperCase() })} error={e("country")} />
      <Select label={t("contacts.language")} value={value.language ?? ""} onChange={(ev) => set({ language: ev.target.value })} error={e("language")}>
        <option value="">{t("contacts.filter.any")}</option>
        <option value="de">{t("contacts.language.de")}</option>
        <option value="en">{t("contacts.language.en")}</option>
      </Select>
      <Select label={t("contacts.orgType")} value={value.org_type ?? ""} onChange={(ev) => set({ org_type: ev.target.value })} error={e("org_type")}>
        <option value="">{t("contacts.filter.any")}</option>
        {ORG_TYPES.map((o) => <option key={o} value={o}>{t(`contacts.orgType.${o}`)}</option>)}
      </Select>
      <Select label={t("contacts.filter.hasEmail")} value={value.has_email === undefined ? "" : String(value.has_email)}
        onChange={(ev) => set({ has_email: ev.target.value === "" ? undefined : ev.target.value === "true" })} error={e("has_email")}>
        <option value="">{t("contacts.filter.any")}</option>
        <option value="true">{t("contacts.filter.withEmail")}</option>
        <option value="false">{t("contacts.filter.withoutEmail")}</option>
      </Select>
      <Select label={t("contacts.filter.emailState")} value={value.email_state ?? ""} onChange={(ev) => set({ email_state: ev.target.value })} error={e("email_state")}>
        <option value="">{t("contacts.filter.any")}</option>
        {["valid", "invalid", "unverified"].map((s) => <option key={s} value={s}>{t(`contacts.emailState.${s}`)}</option>)}
      </Select>
      <Select label={t("contacts.filter.source")} value={value.source_kind ?? ""} onChange={(ev) => set({ source_kind: ev.target.value })} error={e("source_kind")}>
        <option value="">{t("contacts.filter.any")}</option>
        {["manual", "import", "pressbase", "imap"].map((s) => <option key={s} value={s}>{t(`contacts.source.${s}`)}</option>)}
      </Select>
    </div>
  );
  return (
    <>
      <div className="form-row">
        <Field label={t("contacts.filter.q")} type="search" hint={t("contacts.filter.qHint")} value={value.q ?? ""} onChange={(ev) => set({ q: ev.target.value })} error={e("q")} />
        <Select label={t("contacts.filter.kind")} value={value.kind ?? ""} onChange={(ev) => set({ kind: ev.target.value })} error={e("kind")}>
          <option value="">{t("contacts.filter.any")}</option>
          <option value="person">{t("contacts.kind.person")}</option>
          <option value="organisation">{t("contacts.kind.organisation")}</option>
        </Select>
        <Field label={t("contacts.filter.tags")} hint={t("contacts.filter.tagsHint")} value={tags}
          onChange={(ev) => { setTags(ev.target.value); set({ tags: splitTags(ev.target.value) }); }} error={e("tags")} />
        <Select label={t("contacts.filter.list")} value={value.list_id ?? ""} onChange={(ev) => set({ list_id: ev.target.value })} error={e("list_id")}>
          <option value="">{t("contacts.filter.any")}</option>
          {lists.filter((l) => l.kind === "static").map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
        </Select>
      </div>
      {always ? more : (
        <details className="more-filters" open={hasMore(value)}>
          <summary>{t("contacts.filter.more")}</summary>
          {more}
        </details>
      )}
    </>
  );
}

function hasMore(f: ContactFilter): boolean {
  return !!(f.any_tags?.length || f.position || f.city || f.country || f.language || f.org_type || f.has_email !== undefined || f.email_state || f.source_kind);
}

/** A filter as URL search parameters and back (the search page keeps its filter in the address). */
export function filterToParams(f: ContactFilter): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) v.forEach((x) => p.append(k, String(x)));
    else p.set(k, String(v));
  }
  return p;
}

export function paramsToFilter(p: URLSearchParams): ContactFilter {
  const f: ContactFilter = {};
  for (const k of ["q", "kind", "country", "city", "language", "org_type", "position", "email_state", "list_id", "source_kind"] as const) {
    const v = p.get(k);
    if (v) f[k] = v;
  }
  for (const k of ["tags", "any_tags", "client_ids"] as const) {
    const v = p.getAll(k);
    if (v.length) f[k] = v;
  }
  const he = p.get("has_email");
  if (he === "true" || he === "false") f.has_email = he === "true";
  return f;
}
