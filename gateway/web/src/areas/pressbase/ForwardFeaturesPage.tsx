/**
 * Editorial calendars (Themenpläne, "forward features"): what outlets plan for coming issues, searched by topic
 * (a topic includes its subtopics), media type, words and the submission deadline, soonest first. Only for accounts
 * that licensed them and never in the starting phase: then the page shows the service's reason instead of data.
 */
import { useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, ApiError } from "../../api/client";
import { useI18n } from "../../i18n";
import { Badge, ErrorNotice, Field, Loading, Notice, Page, Select, TableWrap } from "../../ui/components";
import { daysUntil, formatDate, formatNumber } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { loadReference, P, type ForwardFeature, type Licence, type Reference, type SearchResult } from "./api";
import { MoreButton, PressbaseTabs } from "./shared";

/** Why the account sees no editorial calendars: the licence's reason, else the search's refusal (a GET). */
export function useForwardFeatureReason(licence: Licence | null): string | null {
  const [reason, setReason] = useState<string | null>(null);
  useEffect(() => {
    if (!licence || licence.forward_features) { setReason(null); return; }
    if (licence.reasons?.forward_features) { setReason(licence.reasons.forward_features); return; }
    api.get(`${P}/forward-features`, { query: { limit: 1 } })
      .then(() => setReason(null))
      .catch((exc) => setReason(exc instanceof ApiError ? exc.detail || exc.title : null));
  }, [licence]);
  return reason;
}

export function ForwardFeatureTable({ items, hideOutlet = false }: { items: ForwardFeature[]; hideOutlet?: boolean }) {
  const { t, lang } = useI18n();
  return (
    <TableWrap label={t("pressbase.ff.title")}>
      <thead>
        <tr>
          <th>{t("pressbase.ff.deadline")}</th>
          <th>{t("pressbase.ff.topicTitle")}</th>
          {!hideOutlet && <th>{t("pressbase.outlet")}</th>}
          <th>{t("pressbase.ff.issue")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((f) => {
          const days = daysUntil(f.deadline) - 1;
          return (
            <tr key={f.id} data-ff={f.id} data-deadline={f.deadline}>
              <td>
                <strong>{formatDate(lang, f.deadline)}</strong><br />
                <Badge kind={days <= 7 ? "warn" : "neutral"}>{days <= 0 ? t("pressbase.ff.today") : t("pressbase.ff.inDays", { n: days })}</Badge>
              </td>
              <td>
                <strong>{f.title}</strong>{f.topic && <span className="muted"> · {f.topic.label}</span>}
                {f.description && <div className="small">{f.description}</div>}
              </td>
              {!hideOutlet && (
                <td>
                  <Link to={`/pressbase/outlets/${f.outlet.id}`}>{f.outlet.name}</Link>
                  {f.outlet.media_type && <div className="muted small">{f.outlet.media_type.label}</div>}
                </td>
              )}
              <td>{formatDate(lang, f.issue_date)}</td>
            </tr>
          );
        })}
      </tbody>
    </TableWrap>
  );
}

const EMPTY = { q: "", topic: "", media_type: "", deadline_from: "", deadline_to: "" };
type FfQuery = typeof EMPTY;
const KEYS = Object.keys(EMPTY) as (keyof FfQuery)[];

/** The applied search lives in the address: back from an outlet, reload and links keep it. */
function fromParams(params: URLSearchParams): FfQuery {
  const out = { ...EMPTY };
  for (const k of KEYS) out[k] = params.get(k) ?? "";
  return out;
}

export function ForwardFeaturesPage() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const applied = useMemo(() => fromParams(new URLSearchParams(key)), [key]);
  const form = useForm(applied);
  const { setValues } = form;
  useEffect(() => setValues(applied), [applied, setValues]);
  const setApplied = (next: FfQuery) => {
    const p = new URLSearchParams();
    for (const k of KEYS) if (next[k]) p.set(k, next[k]);
    setParams(p);
  };
  const [refData, setRefData] = useState<Reference | null>(null);
  useEffect(() => { loadReference(lang).then(setRefData).catch(() => setRefData(null)); }, [lang]);
  const [more, setMore] = useState<ForwardFeature[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const query = (extra: Record<string, string | null> = {}) => ({ ...applied, limit: 25, ...extra });
  const result = useLoad(async (signal) => {
    const r = await api.get<SearchResult<ForwardFeature>>(`${P}/forward-features`, { signal, query: query() });
    setMore([]);
    setCursor(r.next_cursor);
    return r;
  }, [applied, lang]);
  const loadMore = async () => {
    const r = await api.get<SearchResult<ForwardFeature>>(`${P}/forward-features`, { query: query({ cursor }) });
    setMore((m) => [...m, ...r.items]);
    setCursor(r.next_cursor);
  };
  const refused = result.error && result.error.status === 403 ? result.error : null;
  const fe = result.error?.fields ?? {};
  const data = result.data;
  const topics = refData?.topics ?? [];
  return (
    <Page title={t("pressbase.ff.title")} wide>
      <PressbaseTabs />
      {refused ? (
        <div className="notice warning" role="alert" data-testid="ff-reason">
          <strong>{t("pressbase.ff.unavailable")}</strong> {refused.detail || refused.title}
          <p className="small">{t("pressbase.ff.unavailableHint")}</p>
        </div>
      ) : (
        <>
          <p className="hint">{t("pressbase.ff.intro")}</p>
          <form className="card" noValidate aria-label={t("common.filter")}
            onSubmit={(e) => { e.preventDefault(); setApplied(form.values); }}>
            <div className="form-row">
              <Field label={t("pressbase.ff.words")} type="search" value={form.values.q} onChange={(e) => form.set("q", e.target.value)} error={fe.q} maxLength={300} />
              <Select label={t("pressbase.facet.topic")} value={form.values.topic} onChange={(e) => form.set("topic", e.target.value)} error={fe.topic}>
                <option value="">{t("pressbase.ff.allTopics")}</option>
                {topics.map((tp) => <option key={tp.code} value={tp.code}>{tp.parent ? `\u00a0\u00a0\u00a0${tp.label}` : tp.label}</option>)}
              </Select>
              <Select label={t("pressbase.facet.media_type")} value={form.values.media_type} onChange={(e) => form.set("media_type", e.target.value)} error={fe.media_type}>
                <option value="">{t("pressbase.ff.allTypes")}</option>
                {(refData?.media_types ?? []).map((m) => <option key={m.code} value={m.code}>{m.label}</option>)}
              </Select>
              <Field label={t("pressbase.ff.from")} type="date" value={form.values.deadline_from} onChange={(e) => form.set("deadline_from", e.target.value)}
                error={fe.deadline_from} hint={t("pressbase.ff.fromHint")} />
              <Field label={t("pressbase.ff.to")} type="date" value={form.values.deadline_to} onChange={(e) => form.set("deadline_to", e.target.value)} error={fe.deadline_to} />
            </div>
            <div className="buttons">
              <button type="submit" className="primary">{t("common.search")}</button>
              <button type="button" onClick={() => { form.setValues(EMPTY); setApplied(EMPTY); }}>{t("pressbase.ff.reset")}</button>
            </div>
          </form>
          <ErrorNotice error={result.error} />
          {!data && result.loading && <Loading />}
          {data && (
            <>
              <p className="results-count" aria-live="polite">{t("pressbase.ff.count", { n: formatNumber(lang, data.total ?? 0), count: data.total ?? 0 })}</p>
              {data.corrections && data.corrections.length > 0 && (
                <Notice>{t("pressbase.corrections")} {data.corrections.map((c) => t("pressbase.correction", { word: c.word, used: c.used.join(" / ") })).join("; ")}</Notice>
              )}
              {data.facets?.topic && data.facets.topic.length > 0 && !applied.topic && (
                <div className="chips" role="group" aria-label={t("pressbase.ff.topicsFound")}>
                  <span className="muted">{t("pressbase.ff.topicsFound")}:</span>
                  {data.facets.topic.filter((f) => !f.parent).slice(0, 12).map((f) => (
                    <button key={String(f.code)} type="button" className="chip"
                      onClick={() => { const next = { ...form.values, topic: String(f.code) }; form.setValues(next); setApplied(next); }}>
                      {f.label} <span className="count">{formatNumber(lang, f.count)}</span>
                    </button>
                  ))}
                </div>
              )}
              {data.items.length + more.length === 0 ? <p>{t("pressbase.ff.none")}</p> : <ForwardFeatureTable items={[...data.items, ...more]} />}
              {cursor && <MoreButton load={loadMore} />}
            </>
          )}
        </>
      )}
    </Page>
  );
}
