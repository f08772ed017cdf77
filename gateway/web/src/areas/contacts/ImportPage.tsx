/**
 * The import wizard: upload an .xlsx or CSV file (with progress), choose the sheet and header row, see and change
 * the column mapping (crm suggests one from the headers), a dry run with a report per row (row number, outcome,
 * reasons), then the import into a client (and optionally a static list, existing or new) with a duplicate
 * strategy, followed as a background job to its result. The user's recent imports are listed on the start page.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { ApiError, api, upload } from "../../api/client";
import { ClientSelect, useClients } from "../../app/clients";
import { writableClients } from "../../app/rights";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Field, Loading, Notice, Page, Progress, Select, TableWrap } from "../../ui/components";
import { formatBytes, formatDateTime, formatNumber } from "../../ui/format";
import { useLoad, usePoll } from "../../ui/hooks";
import { CRM, type CustomField, type DistributionList, type Job, type Page as ApiPage } from "./api";
import { JobStatus, jobRunning } from "./shared";
import { ContactsTabs } from "./Tabs";

interface Sheet { name: string; header_row: number; columns: string[]; mapping: Record<string, string>; sample: string[][]; rows_estimate: number | null }
type Counts = Record<string, number>;
/** The settings of the import's last finished dry run: a run must use exactly these (the server refuses others). */
interface DryRunSettings {
  client_id: string; list_id: string | null; strategy: (typeof STRATEGIES)[number]; sheet: string | null; header_row: number;
  mapping: Record<string, string>;
}
interface ImportState {
  id: string; filename: string; format: string; state: string; sheets: Sheet[]; sheet: string | null; header_row: number;
  mapping: Record<string, string>; fields: string[]; summary: { dry?: Counts; real?: Counts } | null; created_at: string;
  dry_run: DryRunSettings | null;
}
interface RecentImport { id: string; filename: string; format: string; state: string; summary: { dry?: Counts; real?: Counts } | null; created_at: string }
interface ReportRow { row: number; outcome: string; contact_id: string | null; reasons: string[] }

export const OUTCOMES = ["created", "updated", "existing", "unchanged", "duplicate_in_file", "error"] as const;
const OUTCOME_BADGE: Record<string, "neutral" | "ok" | "warn" | "bad" | "info"> = {
  created: "ok", updated: "info", existing: "neutral", unchanged: "neutral", duplicate_in_file: "warn", error: "bad",
};
const STRATEGIES = ["skip", "update", "create"] as const;
const NEW_LIST = "__new__";

function sameMapping(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? "") === (b[k] ?? ""));
}

/** What differs between the chosen settings and the last dry run's (empty: the run may start). */
function differsFromDryRun(imp: ImportState, client: string, list: string | null, strategy: string): string[] {
  const dry = imp.dry_run;
  if (!dry) return [];
  const out: string[] = [];
  if (dry.client_id !== client) out.push("client_id");
  if ((dry.list_id ?? null) !== list) out.push("list_id");
  if (dry.strategy !== strategy) out.push("strategy");
  if ((dry.sheet ?? null) !== (imp.sheet ?? null)) out.push("sheet");
  if ((dry.header_row || 1) !== (imp.header_row || 1)) out.push("header_row");
  if (!sameMapping(dry.mapping ?? {}, imp.mapping ?? {})) out.push("mapping");
  return out;
}

/** Start: upload a file, and the recent imports. */
export function ImportPage() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<{ sent: number; total: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [fileError, setFileError] = useState<string | undefined>();
  const recent = useLoad((signal) => api.get<RecentImport[]>(`${CRM}/imports`, { signal, query: { limit: 20 } }));
  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setFileError(undefined);
    if (!file) {
      setFileError(t("imports.fileMissing"));
      return;
    }
    setSent({ sent: 0, total: file.size });
    try {
      const imp = await upload<ImportState>(`${CRM}/imports`, file, { filename: file.name, onProgress: (s, total) => setSent({ sent: s, total }) });
      navigate(`/contacts/import/${imp.id}`);
    } catch (exc) {
      if (exc instanceof ApiError) {
        setError(exc);
        setFileError(exc.fields.file ?? exc.fields.upload ?? (exc.status === 413 || exc.status === 415 || exc.status === 422 ? exc.detail || exc.title : undefined));
      }
      setSent(null);
    }
  };
  return (
    <Page title={t("imports.title")} wide>
      <ContactsTabs />
      <Card title={t("imports.step.upload")}>
        <p className="muted">{t("imports.intro")}</p>
        <form noValidate onSubmit={start} aria-label={t("imports.step.upload")}>
          <Field label={t("imports.file")} type="file" accept=".xlsx,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            hint={t("imports.fileHint")} error={fileError} onChange={(ev) => { setFile(ev.target.files?.[0] ?? null); setFileError(undefined); }} />
          <ErrorNotice error={error} fieldsShown={false} />
          {sent && <Progress value={sent.sent} max={sent.total} label={t("imports.uploading", { size: formatBytes(lang, sent.total) })} />}
          <div className="buttons"><button type="submit" className="primary" disabled={!!sent}>{t("imports.upload")}</button></div>
        </form>
      </Card>
      <h2>{t("imports.recent")}</h2>
      <ErrorNotice error={recent.error} />
      {!recent.data ? (recent.loading ? <Loading /> : null) : (
        <TableWrap label={t("imports.recent")}>
          <thead><tr><th>{t("imports.fileCol")}</th><th>{t("imports.started")}</th><th>{t("imports.state")}</th><th>{t("imports.counts")}</th></tr></thead>
          <tbody>
            {recent.data.length === 0 && <tr><td colSpan={4}>{t("imports.noneYet")}</td></tr>}
            {recent.data.map((i) => (
              <tr key={i.id} data-import={i.filename}>
                <td><Link to={`/contacts/import/${i.id}`}>{i.filename}</Link></td>
                <td>{formatDateTime(lang, i.created_at)}</td>
                <td><Badge kind={i.state === "done" ? "ok" : "info"}>{t(`imports.state.${i.state}`)}</Badge></td>
                <td><CountsText counts={i.summary?.real ?? i.summary?.dry} prefix={i.summary?.real ? "" : t("imports.dryShort")} /></td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </Page>
  );
}

function CountsText({ counts, prefix }: { counts?: Counts; prefix?: string }) {
  const { t, lang } = useI18n();
  if (!counts) return <span className="muted">–</span>;
  const parts = OUTCOMES.filter((o) => counts[o]).map((o) => `${t(`imports.outcome.${o}`)}: ${formatNumber(lang, counts[o])}`);
  return <>{prefix ? `${prefix} ` : ""}{parts.join(" · ") || "–"}</>;
}

function CountCards({ counts, label }: { counts: Counts; label: string }) {
  const { t, lang } = useI18n();
  return (
    <dl className="grid counts import-counts" aria-label={label}>
      {OUTCOMES.map((o) => (
        <div key={o} className="count-card" data-outcome={o}>
          <dt>{t(`imports.outcome.${o}`)}</dt>
          <dd className="big">{formatNumber(lang, counts[o] ?? 0)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The per-row report of one run: rows with remarks first (all rows on request), cursor pages. */
function Report({ importId, run, counts }: { importId: string; run: "dry" | "real"; counts: Counts }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState("");
  const [items, setItems] = useState<ReportRow[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(async (after: string | null) => {
    try {
      const page = await api.get<ApiPage<ReportRow>>(`${CRM}/imports/${importId}/report`, { query: { run, outcome, cursor: after, limit: 200 } });
      setItems((old) => (after ? [...(old ?? []), ...page.items] : page.items));
      setCursor(page.next_cursor);
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    }
  }, [importId, run, outcome]);
  useEffect(() => {
    setItems(null);
    void load(null);
  }, [load]);
  const label = t(run === "dry" ? "imports.report.dry" : "imports.report.real");
  return (
    <section aria-label={label} className="import-report">
      <CountCards counts={counts} label={label} />
      <div className="inline-form">
        <Select label={t("imports.report.show")} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          <option value="">{t("imports.report.all")}</option>
          {OUTCOMES.map((o) => <option key={o} value={o}>{t(`imports.outcome.${o}`)} ({counts[o] ?? 0})</option>)}
        </Select>
      </div>
      <ErrorNotice error={error} />
      {items === null ? <Loading /> : (
        <TableWrap label={t("imports.report.rowsOf", { report: label })}>
          <thead><tr><th>{t("imports.report.row")}</th><th>{t("imports.report.outcome")}</th><th>{t("imports.report.reasons")}</th></tr></thead>
          <tbody>
            {items.length === 0 && <tr><td colSpan={3}>{t("common.none")}</td></tr>}
            {items.map((r) => (
              <tr key={r.row} data-row={r.row} data-outcome={r.outcome}>
                <td>{t("imports.report.rowN", { n: r.row })}</td>
                <td>
                  <Badge kind={OUTCOME_BADGE[r.outcome] ?? "neutral"}>{t(`imports.outcome.${r.outcome}`)}</Badge>
                  {r.contact_id && run === "real" && <> <Link to={`/contacts/${r.contact_id}`}>{t("imports.report.open")}</Link></>}
                </td>
                <td>{r.reasons.length ? <ul className="plain">{r.reasons.map((x, i) => <li key={i}>{x}</li>)}</ul> : <span className="muted">–</span>}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {cursor && <div className="buttons"><button type="button" onClick={() => load(cursor)}>{t("common.more")}</button></div>}
    </section>
  );
}

function fieldLabel(t: (k: string) => string, lang: string, field: string, custom: CustomField[]): string {
  if (!field) return t("imports.ignore");
  if (field.startsWith("custom:")) {
    const d = custom.find((c) => c.key === field.slice(7));
    return d ? (lang === "en" ? d.label_en : d.label_de) : field;
  }
  return t(`imports.field.${field}`);
}

/** Sheet, header row and the field of every column; saved before a run. */
function MappingStep({ imp, custom, onSaved, onDirty }: {
  imp: ImportState; custom: CustomField[]; onSaved: (imp: ImportState) => void; onDirty: (dirty: boolean) => void;
}) {
  const { t, lang } = useI18n();
  const [sheetName, setSheetName] = useState(imp.sheet ?? imp.sheets[0]?.name ?? "");
  const sheet = imp.sheets.find((s) => s.name === sheetName) ?? imp.sheets[0];
  const [headerRow, setHeaderRow] = useState(String(imp.header_row || sheet?.header_row || 1));
  const [mapping, setMapping] = useState<Record<string, string>>(imp.mapping ?? {});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [dirty, setDirtyState] = useState(false);
  const markDirty = (on: boolean) => {
    setDirtyState(on);
    onDirty(on);
    if (on) setSaved(false);
  };
  const choices = useMemo(() => [...imp.fields, ...custom.map((c) => `custom:${c.key}`)], [imp.fields, custom]);
  const chooseSheet = (name: string) => {
    const s = imp.sheets.find((x) => x.name === name);
    setSheetName(name);
    markDirty(true);
    if (s) {
      setHeaderRow(String(s.header_row));
      setMapping(s.mapping);
    }
  };
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    setBusy(true);
    try {
      const cols: Record<string, string> = {};
      (sheet?.columns ?? []).forEach((_, i) => { cols[String(i + 1)] = mapping[String(i + 1)] ?? ""; });
      const next = await api.put<ImportState>(`${CRM}/imports/${imp.id}/mapping`, { sheet: sheetName, header_row: Number(headerRow) || 1, mapping: cols });
      setSaved(true);
      markDirty(false);
      onSaved(next);
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    } finally {
      setBusy(false);
    }
  };
  if (!sheet) return <Notice kind="warning">{t("imports.noSheets")}</Notice>;
  const used = Object.values(mapping).filter(Boolean);
  return (
    <form noValidate onSubmit={save} aria-labelledby="import-mapping">
      <h2 id="import-mapping">{t("imports.step.mapping")}</h2>
      <p className="muted">{t("imports.mappingIntro")}</p>
      <div className="form-row">
        <Select label={t("imports.sheet")} value={sheetName} onChange={(e) => chooseSheet(e.target.value)} error={error?.fields.sheet}>
          {imp.sheets.map((s) => <option key={s.name} value={s.name}>{s.name}{s.rows_estimate ? ` (${t("imports.rowsAbout", { n: formatNumber(lang, s.rows_estimate) })})` : ""}</option>)}
        </Select>
        <Field label={t("imports.headerRow")} hint={t("imports.headerRowHint")} inputMode="numeric" value={headerRow} onChange={(e) => { setHeaderRow(e.target.value); markDirty(true); }} error={error?.fields.header_row} />
      </div>
      {error?.fields.mapping && <p className="field-error" role="alert">{error.fields.mapping}</p>}
      <ErrorNotice error={error && !Object.keys(error.fields).length ? error : null} />
      <TableWrap label={t("imports.step.mapping")}>
        <thead><tr><th>{t("imports.column")}</th><th>{t("imports.field")}</th><th>{t("imports.sample")}</th></tr></thead>
        <tbody>
          {sheet.columns.map((name, i) => {
            const col = String(i + 1);
            const value = mapping[col] ?? "";
            const heading = name || t("imports.columnN", { n: i + 1 });
            return (
              <tr key={col} data-column={heading}>
                <th scope="row">{heading}</th>
                <td>
                  <Select label={<span className="sr-only">{t("imports.fieldFor", { column: heading })}</span>}
                    value={value} error={error?.fields[`mapping.${col}`]} onChange={(e) => { markDirty(true); setMapping({ ...mapping, [col]: e.target.value }); }}>
                    <option value="">{t("imports.ignore")}</option>
                    {choices.map((f) => <option key={f} value={f} disabled={f !== value && used.includes(f)}>{fieldLabel(t, lang, f, custom)}</option>)}
                  </Select>
                </td>
                <td className="muted">{sheet.sample.slice(0, 3).map((r) => r[i]).filter(Boolean).join(" · ") || "–"}</td>
              </tr>
            );
          })}
        </tbody>
      </TableWrap>
      {saved && <Notice kind="success">{t("imports.mappingSaved")}</Notice>}
      {dirty && <Notice kind="warning">{t("imports.mappingDirty")}</Notice>}
      <div className="buttons"><button type="submit" className="primary" disabled={busy}>{t("imports.saveMapping")}</button></div>
    </form>
  );
}

/** Target (client, list, strategy), the dry run with its report, the import and its result. */
function RunStep({ imp, dirty, onChanged, onRestored }: {
  imp: ImportState; dirty: boolean; onChanged: () => void; onRestored: (imp: ImportState) => void;
}) {
  const { t } = useI18n();
  const { clients } = useClients();
  const writable = writableClients(clients);
  // a reopened import starts from its last dry run's settings (never from the first client in the list: the
  // report the user read was made for that client, list and strategy)
  const restored = imp.dry_run;
  const [clientId, setClientId] = useState(restored?.client_id ?? "");
  const client = clientId || writable[0]?.id || "";
  const lists = useLoad((signal) => (client ? api.get<ApiPage<DistributionList>>(`${CRM}/lists`, { signal, query: { client_id: client, limit: 1000 } })
    .then((p) => p.items.filter((l) => l.kind === "static")) : Promise.resolve([] as DistributionList[])), [client]);
  const [listId, setListId] = useState(restored?.list_id ?? "");
  const [newList, setNewList] = useState("");
  const [strategy, setStrategy] = useState<(typeof STRATEGIES)[number]>(restored?.strategy ?? "skip");
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [listUsed, setListUsed] = useState<DistributionList | null>(null);
  const busy = jobRunning(job) || dirty;
  const dryCounts = imp.summary?.dry;
  const realCounts = imp.summary?.real;
  const go = async (dry: boolean) => {
    setError(null);
    setFieldErrors({});
    let list: string | null = listId && listId !== NEW_LIST ? listId : null;
    try {
      // a new list is made before the dry run too: the import must go into the list the dry run was made for
      if (listId === NEW_LIST) {
        if (!newList.trim()) {
          setFieldErrors({ new_list: t("imports.newListMissing") });
          return;
        }
        const created = await api.post<DistributionList>(`${CRM}/lists`, { name: newList.trim(), client_id: client, kind: "static" });
        setListUsed(created);
        setListId(created.id);
        lists.reload();
        list = created.id;
      } else {
        setListUsed(lists.data?.find((l) => l.id === list) ?? null);
      }
      const next = await api.post<Job>(`${CRM}/imports/${imp.id}/${dry ? "dry-run" : "run"}`, { client_id: client, list_id: list, strategy });
      setJob(next);
    } catch (exc) {
      if (exc instanceof ApiError) {
        if (exc.status === 409 && typeof exc.extra.job_id === "string") {
          setJob(await api.get<Job>(`${CRM}/jobs/${exc.extra.job_id}`));
          return;
        }
        setError(exc);
        setFieldErrors(exc.fields);
      }
    }
  };
  const realDone = !!realCounts && imp.state === "done";
  const chosenList = listId && listId !== NEW_LIST ? listId : null;
  const differs = listId === NEW_LIST ? ["list_id"] : differsFromDryRun(imp, client, chosenList, strategy);
  const bound = !!imp.dry_run && differs.length === 0;
  const mappingDiffers = differs.some((f) => f === "mapping" || f === "sheet" || f === "header_row");
  // the saved mapping was changed after the dry run: one click brings the dry run's back
  const restoreMapping = async () => {
    if (!imp.dry_run) return;
    setError(null);
    try {
      const { sheet, header_row, mapping } = imp.dry_run;
      onRestored(await api.put<ImportState>(`${CRM}/imports/${imp.id}/mapping`, { sheet, header_row, mapping }));
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    }
  };
  // a run started earlier (another visit) and not finished: follow the import until it is
  const earlier = !job && (imp.state === "dry_run" || imp.state === "importing");
  usePoll(async () => {
    onChanged();
    return true;
  }, earlier, 2000);
  // after a run, bring its report into view (the wizard is long)
  const [reveal, setReveal] = useState<"dry" | "real" | null>(null);
  useEffect(() => {
    if (!reveal || !(reveal === "dry" ? dryCounts : realCounts)) return;
    document.getElementById(`import-report-${reveal}`)?.scrollIntoView({ block: "start" });
    setReveal(null);
  }, [reveal, dryCounts, realCounts]);
  return (
    <>
      <Card>
        <h2 id="import-target">{t("imports.step.target")}</h2>
        {writable.length === 0 && clients.length > 0 && <Notice kind="warning">{t("contacts.noWritableClient")}</Notice>}
        <div className="form-row">
          <ClientSelect clients={clients} value={client} onChange={(id) => { setClientId(id); setListId(""); }} writableOnly label={t("imports.client")} error={fieldErrors.client_id} />
          <Select label={t("imports.list")} value={listId} onChange={(e) => setListId(e.target.value)} error={fieldErrors.list_id} hint={t("imports.listHint")}>
            <option value="">{t("imports.noList")}</option>
            {(lists.data ?? []).map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
            <option value={NEW_LIST}>{t("imports.newListOption")}</option>
          </Select>
          {listId === NEW_LIST && <Field label={t("imports.newList")} value={newList} onChange={(e) => { setNewList(e.target.value); setFieldErrors({}); }} error={fieldErrors.new_list ?? fieldErrors.name} />}
          <Select label={t("imports.strategy")} value={strategy} onChange={(e) => setStrategy(e.target.value as typeof strategy)} error={fieldErrors.strategy}
            hint={t(`imports.strategy.${strategy}.hint`)}>
            {STRATEGIES.map((s) => <option key={s} value={s}>{t(`imports.strategy.${s}`)}</option>)}
          </Select>
        </div>
        {fieldErrors.mapping && <p className="field-error" role="alert">{fieldErrors.mapping}</p>}
        <ErrorNotice error={error} fieldsShown={false} />
        <div className="buttons">
          <button type="button" disabled={busy || !client} onClick={() => go(true)}>{t("imports.dryRun")}</button>
          <button type="button" className="primary" disabled={busy || !client || !bound} onClick={() => go(false)}
            title={bound ? undefined : t("imports.dryFirst")}>{t("imports.run")}</button>
        </div>
        {!imp.dry_run && <p className="hint">{t("imports.dryFirst")}</p>}
        {imp.dry_run && differs.length > 0 && (
          <Notice kind="warning">
            {t("imports.dryDiffers", { fields: differs.map((f) => t(`imports.differs.${f}`)).join(", ") })}
            {mappingDiffers && !dirty && <> <button type="button" className="link-button" onClick={restoreMapping}>{t("imports.restoreMapping")}</button></>}
          </Notice>
        )}
        {earlier && <Progress value={0} max={null} label={t(imp.state === "importing" ? "imports.earlier.real" : "imports.earlier.dry")} />}
        {job && (
          <JobStatus job={job} label={t(job.kind === "import" ? "imports.job.real" : "imports.job.dry")} onChange={(j) => {
            setJob(j);
            if (!jobRunning(j)) {
              onChanged();
              if (j.state === "done") setReveal(j.kind === "import" ? "real" : "dry");
            }
          }} />
        )}
      </Card>
      {realCounts && (
        <div id="import-report-real">
        <Card title={t("imports.result")}>
          {realDone && (
            <Notice kind="success">
              {t("imports.resultText", { created: realCounts.created ?? 0, updated: realCounts.updated ?? 0, skipped: (realCounts.existing ?? 0) + (realCounts.unchanged ?? 0), errors: (realCounts.error ?? 0) + (realCounts.duplicate_in_file ?? 0) })}
              {" "}
              {listUsed ? <Link to={`/lists/${listUsed.id}`}>{t("imports.openList", { name: listUsed.name })}</Link> : <Link to="/contacts?source_kind=import">{t("imports.openContacts")}</Link>}
            </Notice>
          )}
          <Report key={JSON.stringify(realCounts)} importId={imp.id} run="real" counts={realCounts} />
        </Card>
        </div>
      )}
      {dryCounts && (
        <div id="import-report-dry">
        <Card title={t("imports.report.dry")}>
          <p className="muted">{t("imports.report.dryIntro")}</p>
          <Report key={JSON.stringify(dryCounts)} importId={imp.id} run="dry" counts={dryCounts} />
        </Card>
        </div>
      )}
    </>
  );
}

/** One import: mapping, dry run, import. */
export function ImportWizardPage() {
  const { t } = useI18n();
  const { importId = "" } = useParams();
  const imp = useLoad((signal) => api.get<ImportState>(`${CRM}/imports/${importId}`, { signal }), [importId]);
  const custom = useLoad((signal) => api.get<CustomField[]>(`${CRM}/custom-fields`, { signal }));
  const [dirty, setDirty] = useState(false);
  const [restored, setRestored] = useState(0);   // remounts the mapping step when the dry run's mapping is restored
  const data = imp.data;
  return (
    <Page title={data ? t("imports.titleFile", { name: data.filename }) : t("imports.title")} wide>
      <ContactsTabs />
      <p className="muted"><Link to="/contacts/import">{t("imports.back")}</Link></p>
      <ErrorNotice error={imp.error} />
      {!data ? (imp.loading ? <Loading /> : null) : (
        <div>
          <ol className="steps" aria-label={t("imports.steps")}>
            {["upload", "mapping", "target", "result"].map((s) => (
              <li key={s} className={stepDone(data, s) ? "done" : ""}>{t(`imports.step.${s}`)}</li>
            ))}
          </ol>
          <Card><MappingStep key={`${data.id}:${restored}`} imp={data} custom={custom.data ?? []} onDirty={setDirty} onSaved={(next) => imp.setData(next)} /></Card>
          <RunStep imp={data} dirty={dirty} onChanged={() => imp.reload()}
            onRestored={(next) => { imp.setData(next); setRestored((n) => n + 1); }} />
        </div>
      )}
    </Page>
  );
}

function stepDone(imp: ImportState, step: string): boolean {
  if (step === "upload") return true;
  if (step === "mapping") return imp.state !== "analysed";
  if (step === "target") return !!imp.summary?.dry;
  return !!imp.summary?.real;
}
