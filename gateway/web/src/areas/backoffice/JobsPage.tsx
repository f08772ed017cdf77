/** Start a run of the due billing jobs and watch its progress (a long job: polled every second). */
import { useState } from "react";
import { api } from "../../api/client";
import { useI18n } from "../../i18n";
import { Card, ErrorNotice, Notice, Page, Progress } from "../../ui/components";
import { useForm, usePoll } from "../../ui/hooks";
import { BackofficeTabs } from "./Tabs";

interface JobRun { id: string; state: "running" | "done" | "failed"; done: number; total: number; today: string; report: Record<string, unknown> | null }

export function JobsPage() {
  const { t } = useI18n();
  const form = useForm({});
  const [run, setRun] = useState<JobRun | null>(null);
  usePoll(async () => {
    const r = await api.get<JobRun>(`/api/v1/backoffice/billing/job-runs/${run!.id}`);
    setRun(r);
    return r.state === "running";
  }, !!run && run.state === "running");
  return (
    <Page title={t("bo.title")} wide>
      <BackofficeTabs />
      <Card title={t("bo.jobs.title")}>
        <p className="muted">{t("bo.jobs.intro")}</p>
        <ErrorNotice error={form.error} />
        <button type="button" className="primary" disabled={form.busy || run?.state === "running"}
          onClick={() => form.submit(async () => setRun(await api.post<JobRun>("/api/v1/backoffice/billing/job-runs", {})))}>
          {t("bo.jobs.start")}
        </button>
        {run && (
          <div style={{ marginTop: "1rem" }} aria-live="polite">
            <Progress value={run.done} max={run.total || null} label={t(`bo.jobs.state.${run.state}`, { done: run.done, total: run.total })} />
            {run.state === "done" && <Notice kind="success">{t("bo.jobs.done")}</Notice>}
            {run.state === "failed" && <Notice kind="warning">{t("bo.jobs.failed")}</Notice>}
            {run.report && <pre className="report">{JSON.stringify(run.report, null, 2).slice(0, 4000)}</pre>}
          </div>
        )}
      </Card>
    </Page>
  );
}
