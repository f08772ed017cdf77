import { NavLink } from "react-router-dom";
import { useSession } from "../../app/session";
import { useT } from "../../i18n";

/** The tabs of the contacts section (the account export only for administrators and license managers). */
export function ContactsTabs() {
  const t = useT();
  const { hasRole } = useSession();
  const tabs: [string, string, boolean][] = [
    ["/contacts", "contacts.tab.contacts", true],
    ["/contacts/organisations", "contacts.tab.organisations", true],
    ["/contacts/events", "contacts.tab.events", true],
    ["/contacts/duplicates", "contacts.tab.duplicates", true],
    ["/contacts/import", "contacts.tab.import", true],
    ["/contacts/mail-archive", "contacts.tab.mailArchive", true],
    ["/contacts/fields", "contacts.tab.fields", hasRole("administrator", "license_manager")],
    ["/contacts/account-export", "contacts.tab.accountExport", hasRole("administrator", "license_manager")],
  ];
  return (
    <nav className="tabs" aria-label={t("contacts.tabs")}>
      {tabs.filter(([, , shown]) => shown).map(([to, label]) => (
        <NavLink key={to} to={to} end={to === "/contacts"}>{t(label)}</NavLink>
      ))}
    </nav>
  );
}
