import { NavLink } from "react-router-dom";
import { useT } from "../../i18n";

export const BACKOFFICE_TABS: [string, string][] = [
  ["/backoffice", "bo.tab.orders"],
  ["/backoffice/written-order", "bo.tab.written"],
  ["/backoffice/contracts", "bo.tab.contracts"],
  ["/backoffice/accounts", "bo.tab.accounts"],
  ["/backoffice/jobs", "bo.tab.jobs"],
  ["/backoffice/incidents", "bo.tab.incidents"],
  ["/backoffice/audit", "bo.tab.audit"],
];

export function BackofficeTabs() {
  const t = useT();
  return (
    <nav className="tabs" aria-label={t("bo.title")}>
      {BACKOFFICE_TABS.map(([to, label]) => <NavLink key={to} to={to} end>{t(label)}</NavLink>)}
    </nav>
  );
}

/** A file chosen in a form as base64 (written orders and contracts carry the signed PDF). */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] ?? "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** "1.234,56" or "1234.56" euros -> cents (null when not a number) */
export function euroToCents(value: string): number | string {
  const v = value.trim().replace(/\s|€/g, "");
  if (!v) return 0;
  const normal = v.includes(",") ? v.replace(/\./g, "").replace(",", ".") : v;
  const n = Number(normal);
  return Number.isFinite(n) ? Math.round(n * 100) : value;
}
