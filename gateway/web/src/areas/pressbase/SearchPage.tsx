/**
 * The faceted search of the media database: journalists or outlets, free text (German/English stemming, umlauts
 * folded and typos corrected by the service), facets with counts (several values of one facet widen the search,
 * facets together narrow it), active filters as removable chips, sorting, cursor paging ("load more"), estimated
 * counts marked as such. The whole search lives in the URL (back, reload and links keep it).
 * Chosen results go to a hand-picked list or, for journalists, into CRM contacts; the search itself can be saved.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { api } from "../../api/client";
import { useClients } from "../../app/clients";
import { useI18n } from "../../i18n";
import { Badge, ErrorNotice, Field, Loading, Notice, Page, Select } from "../../ui/components";
import { formatNumber } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import {
  JOURNALIST_GROUPS, labelOf, loadLicence, loadReference, OUTLET_GROUPS, P, type FacetValue, type Journalist,
  type Licence, type Outlet, type Reference, type SearchResult, type Selection,
} from "./api";
import { ActionPanel, AddToListPanel, Codes, DatasetBadge, MoreButton, PressbaseTabs, SelectionClientSelect, TransferPanel } from "./shared";

type Target = "journalists" | "outlets";
const FACET_SHOWN = 8;

/** The URL's search: target, words, sort and every filter value. */
export function readSearch(params: URLSearchParams) {
  const target: Target = params.get("target") === "outlets" ? "outlets" : "journalists";
  const groups = target === "journalists" ? JOURNALIST_GROUPS : OUTLET_GROUPS;
  const filters: Record<string, string[]> = {};
  for (const g of groups) {
    const values = params.getAll(g).flatMap((v) => v.split(",")).filter(Boolean);
    if (values.length) filters[g] = values;
  }
  return { target, q: params.get("q") ?? "", sort: params.get("sort") ?? "relevance", filters, groups };
}

/** The filters as the API's JSON takes them (saved searches, "add all results"). */
export function filtersForApi(filters: Record<string, string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [g, values] of Object.entries(filters)) {
    if (g === "freelance") {
      if (values.length === 1) out.freelance = values[0] === "true";
    } else if (g === "outlet") out.outlet = values.map(Number);
    else out[g] = values;
  }
  return out;
}

/** A saved query -> the search page's URL. */
export function searchUrl(target: string, q: string | null | undefined, filters: Record<string, unknown> | undefined): string {
  const params = new URLSearchParams();
  if (target === "outlets") params.set("target", "outlets");
  if (q) params.set("q", q);
  for (const [g, v] of Object.entries(filters ?? {})) {
    if (Array.isArray(v)) v.forEach((x) => params.append(g, String(x)));
    else if (v !== null && v !== undefined) params.append(g, String(v));
  }
  const s = params.toString();
  return `/pressbase${s ? `?${s}` : ""}`;
}

function FacetGroup({ group, values, selected, estimated, onToggle, refData, error }: {
  group: string; values: FacetValue[]; selected: string[]; estimated: boolean; onToggle: (code: string) => void;
  refData: Reference | null; error?: string;
}) {
  const { t, lang } = useI18n();
  const [all, setAll] = useState(false);
  // chosen values first (also when the facet no longer lists them), then by count; subtopics under their topic
  const known = new Set(values.map((v) => String(v.code)));
  const missing: FacetValue[] = selected.filter((c) => !known.has(c))
    .map((c) => ({ code: c, label: labelOf(refData, group, c) ?? c, count: 0 }));
  let list = [...missing, ...values];
  if (group !== "topic") {
    list = [...list.filter((v) => selected.includes(String(v.code))), ...list.filter((v) => !selected.includes(String(v.code)))];
  } else {
    const parents = list.filter((v) => !v.parent || !list.some((p) => p.code === v.parent));
    list = parents.flatMap((p) => [p, ...list.filter((c) => c.parent === p.code)]);
  }
  const shown = all ? list : list.filter((v, i) => i < FACET_SHOWN || selected.includes(String(v.code)));
  if (list.length === 0) return null;
  const legendId = `facet-${group}`;
  return (
    <fieldset className="facet" aria-describedby={error ? `${legendId}-error` : undefined}>
      <legend id={legendId}>{t(`pressbase.facet.${group}`)}</legend>
      <ul>
        {shown.map((v) => {
          const code = String(v.code);
          const id = `f-${group}-${code}`;
          const child = group === "topic" && v.parent && list.some((p) => p.code === v.parent);
          return (
            <li key={code} className={child ? "child" : undefined}>
              <input type="checkbox" id={id} checked={selected.includes(code)} onChange={() => onToggle(code)} />
              <label htmlFor={id}>
                {v.label} <span className="count">{v.count ? `${estimated ? "≈ " : ""}${formatNumber(lang, v.count)}` : ""}</span>
              </label>
            </li>
          );
        })}
      </ul>
      {list.length > FACET_SHOWN && (
        <button type="button" className="link-button small-link" aria-expanded={all} onClick={() => setAll((a) => !a)}>
          {all ? t("pressbase.facet.less") : t("pressbase.facet.more", { n: list.length - FACET_SHOWN })}
        </button>
      )}
      {error && <p className="field-error" id={`${legendId}-error`}>{error}</p>}
    </fieldset>
  );
}

function JournalistRow({ j, checked, onCheck }: { j: Journalist; checked: boolean; onCheck: (on: boolean) => void }) {
  const { t } = useI18n();
  const id = `pick-j-${j.id}`;
  return (
    <li className="result" data-journalist={j.id}>
      <input type="checkbox" id={id} checked={checked} onChange={(e) => onCheck(e.target.checked)} aria-label={t("pressbase.pick", { name: j.name })} />
      <div className="result-body">
        <div className="result-title">
          <Link to={`/pressbase/journalists/${j.id}`}>{j.name}</Link> <DatasetBadge dataset={j.dataset} />
          {j.freelance && <Badge>{t("pressbase.freelance")}</Badge>}
        </div>
        <div>
          {j.position && <span>{j.position}</span>}
          {j.outlets.length > 0 && <span>{j.position ? " · " : ""}{j.outlets.slice(0, 3).map((o) => o.name).join(", ")}{j.outlets.length > 3 ? " …" : ""}</span>}
        </div>
        <div className="muted small">
          {j.desks.length > 0 && <span>{t("pressbase.facet.desk")}: <Codes codes={j.desks} /></span>}
          {(j.city || j.country) && <span> · {[j.city, j.country?.label].filter(Boolean).join(", ")}</span>}
        </div>
      </div>
    </li>
  );
}

function OutletRow({ o, checked, onCheck }: { o: Outlet; checked: boolean; onCheck: (on: boolean) => void }) {
  const { t, lang } = useI18n();
  const id = `pick-o-${o.id}`;
  return (
    <li className="result" data-outlet={o.id}>
      <input type="checkbox" id={id} checked={checked} onChange={(e) => onCheck(e.target.checked)} aria-label={t("pressbase.pick", { name: o.name })} />
      <div className="result-body">
        <div className="result-title">
          <Link to={`/pressbase/outlets/${o.id}`}>{o.name}</Link> <DatasetBadge dataset={o.dataset} />
        </div>
        <div>{[o.media_type?.label, o.frequency?.label, o.publisher].filter(Boolean).join(" · ")}</div>
        <div className="muted small">
          {[o.city, o.country?.label].filter(Boolean).join(", ")}
          {o.reach ? ` · ${t("pressbase.reach")}: ${formatNumber(lang, o.reach)}` : ""}
          {o.circulation ? ` · ${t("pressbase.circulation")}: ${formatNumber(lang, o.circulation)}` : ""}
        </div>
      </div>
    </li>
  );
}

function SaveSearch({ target, q, filters, clients }: {
  target: Target; q: string; filters: Record<string, string[]>; clients: ReturnType<typeof useClients>["clients"];
}) {
  const { t } = useI18n();
  const form = useForm({ name: "", client_id: "" });
  const [saved, setSaved] = useState<Selection | null>(null);
  const submit = () => form.submit(async (v) => {
    const s = await api.post<Selection>(`${P}/selections`, {
      name: v.name, kind: "search", target, client_id: v.client_id || null, query: { q: q || null, filters: filtersForApi(filters) },
    });
    setSaved(s);
  });
  return (
    <form noValidate onSubmit={(e) => { e.preventDefault(); submit(); }} aria-label={t("pressbase.save.title")}>
      <p className="hint">{t("pressbase.save.intro")}</p>
      <div className="form-row">
        <Field label={t("pressbase.save.name")} value={form.values.name} onChange={(e) => form.set("name", e.target.value)}
          error={form.fieldErrors.name} required maxLength={200} />
        <SelectionClientSelect clients={clients} value={form.values.client_id}
          onChange={(id) => form.set("client_id", id)} error={form.fieldErrors.client_id} />
      </div>
      {Object.entries(form.fieldErrors).filter(([f]) => f.startsWith("query")).map(([f, m]) => <p key={f} className="field-error">{m}</p>)}
      <ErrorNotice error={form.error} />
      <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("pressbase.save.submit")}</button></div>
      {saved && (
        <Notice kind="success">
          {t("pressbase.save.done", { name: saved.name })} <Link to={`/pressbase/selections/${saved.id}`}>{t("pressbase.add.open")}</Link>
        </Notice>
      )}
    </form>
  );
}

export function LicenceLine({ licence }: { licence: Licence | null }) {
  const { t } = useI18n();
  if (!licence) return null;
  return (
    <p className="muted small licence-line">
      {t("pressbase.licence.datasets")}{" "}
      {licence.datasets.length === 0 ? t("pressbase.licence.none") : licence.datasets.map((d) => (
        <Badge key={d} kind="info">{t(`pressbase.dataset.${d}`)}</Badge>
      )).reduce<ReactNode[]>((acc, b, i) => (i ? [...acc, " ", b] : [b]), [])}
    </p>
  );
}

export function SearchPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const { target, q, sort, filters, groups } = readSearch(params);
  const key = params.toString();
  const { clients } = useClients();
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const [refData, setRefData] = useState<Reference | null>(null);
  useEffect(() => { loadReference(lang).then(setRefData).catch(() => setRefData(null)); }, [lang]);
  const licence = useLoad((signal) => loadLicence(signal), []);
  const [facetsOpen, setFacetsOpen] = useState(false);
  const [picked, setPicked] = useState<Map<number, string>>(new Map());
  useEffect(() => setPicked(new Map()), [target]);

  const query = (cursor?: string | null) => {
    const qs: Record<string, string> = { limit: "25", sort };
    if (q) qs.q = q;
    for (const [g, values] of Object.entries(filters)) {
      if (g === "freelance") { if (values.length === 1) qs.freelance = values[0]; } else qs[g] = values.join(",");
    }
    if (cursor) { qs.cursor = cursor; qs.facets = "false"; }
    return qs;
  };
  const [more, setMore] = useState<(Journalist | Outlet)[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const result = useLoad(async (signal) => {
    const r = await api.get<SearchResult<Journalist | Outlet>>(`${P}/${target}`, { signal, query: query() });
    setMore([]);
    setCursor(r.next_cursor);
    return { ...r, key, target };   // what it answers: stale results are never shown as the current search's
  }, [key, lang]);
  // the search a "load more" belongs to: a page that answers after the search changed is dropped
  const searchKey = useRef(key);
  searchKey.current = key;
  const loadMore = async () => {
    const asked = key;
    const r = await api.get<SearchResult<Journalist | Outlet>>(`${P}/${target}`, { query: query(cursor) });
    if (searchKey.current !== asked) return;
    setMore((m) => [...m, ...r.items]);
    setCursor(r.next_cursor);
  };

  const update = (change: (p: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    setParams(next);
  };
  const toggle = (group: string, code: string) => update((p) => {
    const values = p.getAll(group).flatMap((v) => v.split(",")).filter(Boolean);
    p.delete(group);
    let next = values.includes(code) ? values.filter((v) => v !== code) : [...values, code];
    if (group === "freelance") next = next.filter((v) => v === code && !values.includes(code));
    next.forEach((v) => p.append(group, v));
  });
  const clearAll = () => update((p) => groups.forEach((g) => p.delete(g)));

  // the rows of the other target never render with this target's row (while switching, they are not there yet)
  const data = result.data && result.data.target === target ? result.data : null;
  const current = !!data && data.key === key && !result.loading;
  const items = data ? [...data.items, ...more] : [];
  const facets = data?.facets ?? {};
  const estimated = !!data?.estimated;
  const chipLabel = (group: string, code: string) => {
    const fromFacet = facets[group]?.find((v) => String(v.code) === code)?.label;
    return fromFacet ?? labelOf(refData, group, code) ?? (group === "freelance" ? t(`pressbase.freelance.${code}`) : code);
  };
  const active = Object.entries(filters).flatMap(([g, values]) => values.map((v) => [g, v] as const));
  const pickedJournalists = target === "journalists" ? [...picked.keys()] : [];
  const pickedOutlets = target === "outlets" ? [...picked.keys()] : [];
  const fieldError = (name: string) => result.error?.fields[name] ?? result.error?.fields[`filters.${name}`];
  // computed from the search's key only: the same object while the URL's search stays (filters is new each render)
  const apiFilters = useMemo(() => filtersForApi(readSearch(new URLSearchParams(key)).filters), [key]);

  return (
    <Page title={t("pressbase.title")} wide>
      <PressbaseTabs />
      <LicenceLine licence={licence.data} />
      <form className="search-bar" role="search" noValidate
        onSubmit={(e) => { e.preventDefault(); update((p) => { if (text.trim()) p.set("q", text.trim()); else p.delete("q"); }); }}>
        <fieldset className="target-switch">
          <legend className="sr-only">{t("pressbase.target")}</legend>
          {(["journalists", "outlets"] as Target[]).map((tg) => (
            <label key={tg} className={tg === target ? "active" : ""}>
              <input type="radio" name="target" value={tg} checked={tg === target}
                onChange={() => navigate(searchUrl(tg, q, {}))} />
              {t(`pressbase.target.${tg}`)}
            </label>
          ))}
        </fieldset>
        <Field label={t("pressbase.q")} type="search" value={text} onChange={(e) => setText(e.target.value)}
          hint={t("pressbase.qHint")} error={fieldError("q")} maxLength={300} />
        <div className="buttons"><button type="submit" className="primary">{t("common.search")}</button></div>
      </form>

      <div className="pb-layout">
        <div className="pb-facets-toggle">
          <button type="button" aria-expanded={facetsOpen} aria-controls="pb-facets" onClick={() => setFacetsOpen((o) => !o)}>
            {t("pressbase.facets.toggle", { n: active.length })}
          </button>
        </div>
        <aside id="pb-facets" className={`pb-facets${facetsOpen ? " open" : ""}`} aria-label={t("pressbase.facets")}>
          <h2 className="sr-only">{t("pressbase.facets")}</h2>
          {groups.map((g) => (
            <FacetGroup key={`${target}-${g}`} group={g} values={facets[g] ?? []} selected={filters[g] ?? []} estimated={data?.facets_estimated ? data.facets_estimated.includes(g) : estimated}
              onToggle={(code) => toggle(g, code)} refData={refData} error={fieldError(g)} />
          ))}
          {!data && result.loading && <Loading />}
        </aside>

        <div className="pb-results">
          {active.length > 0 && (
            <div className="chips" role="group" aria-label={t("pressbase.chips")}>
              <span className="muted">{t("pressbase.chips")}:</span>
              {active.map(([g, v]) => (
                <button key={`${g}:${v}`} type="button" className="chip" onClick={() => toggle(g, v)}
                  aria-label={t("pressbase.chip.remove", { group: t(`pressbase.facet.${g}`), value: chipLabel(g, v) })}>
                  <span className="chip-group">{t(`pressbase.facet.${g}`)}:</span> {chipLabel(g, v)} <span aria-hidden="true">×</span>
                </button>
              ))}
              <button type="button" className="link-button" onClick={clearAll}>{t("pressbase.chips.clear")}</button>
            </div>
          )}
          {data?.corrections && data.corrections.length > 0 && (
            <Notice>
              {t("pressbase.corrections")}{" "}
              {data.corrections.map((c) => t("pressbase.correction", { word: c.word, used: c.used.join(" / ") })).join("; ")}
            </Notice>
          )}
          <ErrorNotice error={result.error} />
          <div className="results-head">
            <p className="results-count" aria-live="polite" data-testid="result-count">
              {current && data.total !== undefined && (
                estimated
                  ? <>{t(`pressbase.count.${target}.estimated`, { n: formatNumber(lang, data.total), count: data.total })} <Badge kind="warn">{t("pressbase.estimated")}</Badge></>
                  : t(`pressbase.count.${target}`, { n: formatNumber(lang, data.total), count: data.total })
              )}
              {result.loading && <span className="muted"> {t("common.loading")}</span>}
            </p>
            <div className="sort">
              <Select label={t("pressbase.sort")} value={sort} onChange={(e) => update((p) => p.set("sort", e.target.value))}>
                <option value="relevance">{t("pressbase.sort.relevance")}</option>
                <option value="name">{t("pressbase.sort.name")}</option>
                <option value="reach">{t("pressbase.sort.reach")}</option>
              </Select>
            </div>
          </div>
          {(estimated || (data?.facets_estimated?.length ?? 0) > 0) && <p className="hint">{t("pressbase.estimatedHint")}</p>}
          {sort === "relevance" && !q && <p className="hint">{t("pressbase.relevanceNoWords")}</p>}

          {picked.size > 0 && (
            <div className="picked-bar" role="status">
              <strong>{t("pressbase.picked", { n: formatNumber(lang, picked.size) })}</strong>
              <button type="button" className="link-button" onClick={() => setPicked(new Map())}>{t("pressbase.picked.clear")}</button>
            </div>
          )}
          {data && items.length === 0 && !result.loading && <p>{t("pressbase.noResults")}</p>}
          <ul className="results" aria-label={t("pressbase.results")}>
            {items.map((item) => target === "journalists"
              ? <JournalistRow key={item.id} j={item as Journalist} checked={picked.has(item.id)}
                  onCheck={(on) => setPicked((m) => { const n = new Map(m); if (on) n.set(item.id, item.name); else n.delete(item.id); return n; })} />
              : <OutletRow key={item.id} o={item as Outlet} checked={picked.has(item.id)}
                  onCheck={(on) => setPicked((m) => { const n = new Map(m); if (on) n.set(item.id, item.name); else n.delete(item.id); return n; })} />)}
          </ul>
          {cursor && current && (
            <div className="buttons">
              <MoreButton load={loadMore} />
            </div>
          )}

          <div className="panels">
            {target === "journalists" && (
              <ActionPanel id="pb-transfer" title={t("pressbase.transfer.title")}>
                {pickedJournalists.length === 0
                  ? <p className="hint">{t("pressbase.transfer.pickFirst")}</p>
                  : <TransferPanel clients={clients} journalistIds={pickedJournalists} names={[...picked.values()]} />}
              </ActionPanel>
            )}
            <ActionPanel id="pb-add" title={t("pressbase.add.title")}>
              <AddToListPanel clients={clients} target={target} journalistIds={pickedJournalists} outletIds={pickedOutlets}
                fromSearch={{ q, filters: apiFilters, total: data?.total }} />
            </ActionPanel>
            <ActionPanel id="pb-save" title={t("pressbase.save.title")}>
              <SaveSearch target={target} q={q} filters={filters} clients={clients} />
            </ActionPanel>
          </div>
        </div>
      </div>
    </Page>
  );
}
