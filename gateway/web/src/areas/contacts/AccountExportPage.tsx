/**
 * The whole-account export (administrators and license managers): every service's data as xlsx and JSON in one
 * archive, as a job with progress; earlier archives (also the one prepared at contract end) to download again.
 */
import { useState } from "react";
import { ApiError, api, url } from "../../api/client";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Loading, Page, TableWrap } from "../../ui/components";
import { formatBytes, formatDateTime } from "../../ui/format";
import { useLoad } from "../../ui/hooks";
import { CRM, type Job } from "./api";
import { JobStatus, jobRunning } from "./shared";
import { ContactsTabs } from "./Tabs";

export function AccountExportPage() {
  const { t, lang } = useI18n();
  const list = useLoad((signal) => api.get<Job[]>(`${CRM}/account-exports`, { signal }));
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const running = jobRunning(job) || (list.data ?? []).some(jobRunning);
  return (
    <Page title={t("accountExport.title")} wide>
      <ContactsTabs />
      <Card>
        <p>{t("accountExport.intro")}</p>
        <ErrorNotice error={error} />
        <div className="buttons">
          <button type="button" className="primary" disabled={running} onClick={async () => {
            setError(null);
            try { setJob(await api.post<Job>(`${CRM}/account-exports`)); } catch (exc) { if (exc instanceof ApiError) setError(exc); }
          }}>{t("accountExport.start")}</button>
        </div>
        {job && <JobStatus job={job} onChange={(j) => { setJob(j); if (!jobRunning(j)) list.reload(); }} label={t("accountExport.job")} downloadLabel={t("accountExport.download")} />}
      </Card>
      <h2>{t("accountExport.earlier")}</h2>
      <ErrorNotice error={list.error} />
      {!list.data ? <Loading /> : (
        <TableWrap label={t("accountExport.earlier")}>
          <thead><tr><th>{t("accountExport.started")}</th><th>{t("accountExport.state")}</th><th>{t("accountExport.size")}</th><th>{t("common.download")}</th></tr></thead>
          <tbody>
            {list.data.length === 0 && <tr><td colSpan={4}>{t("common.none")}</td></tr>}
            {list.data.map((j) => (
              <tr key={j.id}>
                <td>{formatDateTime(lang, j.created_at)}</td>
                <td><Badge kind={j.state === "done" ? "ok" : j.state === "failed" ? "bad" : "info"}>{t(`contacts.job.state.${j.state}`)}</Badge></td>
                <td>{typeof j.result?.size === "number" ? formatBytes(lang, j.result.size) : "–"}</td>
                <td>{j.state === "done" && j.result?.file_id ? <a href={url(`${CRM}/jobs/${j.id}/file`)} download>{String(j.result.filename ?? t("common.download"))}</a> : "–"}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </Page>
  );
}
