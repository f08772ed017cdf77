import { useI18n } from "../../i18n";
import { Page } from "../../ui/components";
import { AuditPage as AccountAudit } from "../admin/AuditPage";
import { BackofficeTabs } from "./Tabs";

/** The operators' own audit log (every request an operator makes is recorded). */
export function OperatorAuditPage() {
  const { t } = useI18n();
  return (
    <Page title={t("bo.title")} wide>
      <BackofficeTabs />
      <AccountAudit endpoint="/api/v1/backoffice/audit" embedded />
    </Page>
  );
}
