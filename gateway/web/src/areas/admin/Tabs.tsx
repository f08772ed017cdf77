import { NavLink } from "react-router-dom";
import { useT } from "../../i18n";

export function AdminTabs() {
  const t = useT();
  const tabs = [
    ["/admin/users", "admin.tab.users"],
    ["/admin/clients", "admin.tab.clients"],
    ["/admin/security", "admin.tab.security"],
    ["/admin/audit", "admin.tab.audit"],
  ];
  return (
    <nav className="tabs" aria-label={t("admin.nav")}>
      {tabs.map(([to, label]) => (
        <NavLink key={to} to={to}>{t(label)}</NavLink>
      ))}
    </nav>
  );
}
