import type { Area } from "../../app/area";
import { lazyPage } from "../../app/lazyPage";
import { de, en } from "./messages";
import "./contacts.css"; // eager on purpose: the area stylesheets overlap (README, "Lazy pages")

const AccountExportPage = lazyPage(() => import("./AccountExportPage"), "AccountExportPage");
const ContactDetailPage = lazyPage(() => import("./ContactDetailPage"), "ContactDetailPage");
const ContactFormPage = lazyPage(() => import("./ContactFormPage"), "ContactFormPage");
const ContactsPage = lazyPage(() => import("./ContactsPage"), "ContactsPage");
const CustomFieldsPage = lazyPage(() => import("./CustomFieldsPage"), "CustomFieldsPage");
const DuplicatesPage = lazyPage(() => import("./DuplicatesPage"), "DuplicatesPage");
const EventDetailPage = lazyPage(() => import("./EventsPage"), "EventDetailPage");
const EventsPage = lazyPage(() => import("./EventsPage"), "EventsPage");
const ImportPage = lazyPage(() => import("./ImportPage"), "ImportPage");
const ImportWizardPage = lazyPage(() => import("./ImportPage"), "ImportWizardPage");
const ListDetailPage = lazyPage(() => import("./ListsPage"), "ListDetailPage");
const ListsPage = lazyPage(() => import("./ListsPage"), "ListsPage");
const MailArchivePage = lazyPage(() => import("./MailArchivePage"), "MailArchivePage");

const MANAGERS = ["administrator", "license_manager"];

export const area: Area = {
  id: "contacts",
  routes: [
    { path: "/contacts", element: <ContactsPage key="people" />, access: "user", title: "contacts.title" },
    { path: "/contacts/organisations", element: <ContactsPage key="organisations" kind="organisation" />, access: "user", title: "contacts.organisations.title" },
    { path: "/contacts/new", element: <ContactFormPage />, access: "user", title: "contacts.newPerson" },
    { path: "/contacts/events", element: <EventsPage />, access: "user", title: "events.title" },
    { path: "/contacts/events/:eventId", element: <EventDetailPage />, access: "user", title: "events.title" },
    { path: "/contacts/duplicates", element: <DuplicatesPage />, access: "user", title: "dups.title" },
    { path: "/contacts/import", element: <ImportPage />, access: "user", title: "imports.title" },
    { path: "/contacts/import/:importId", element: <ImportWizardPage />, access: "user", title: "imports.title" },
    { path: "/contacts/mail-archive", element: <MailArchivePage />, access: "user", title: "mail.title" },
    { path: "/contacts/fields", element: <CustomFieldsPage />, access: "user", roles: MANAGERS, title: "fields.title" },
    { path: "/contacts/account-export", element: <AccountExportPage />, access: "user", roles: MANAGERS, title: "accountExport.title" },
    { path: "/contacts/:contactId", element: <ContactDetailPage />, access: "user", title: "contacts.detail.title" },
    { path: "/contacts/:contactId/edit", element: <ContactFormPage />, access: "user", title: "contacts.edit" },
    { path: "/lists", element: <ListsPage />, access: "user", title: "lists.title" },
    { path: "/lists/:listId", element: <ListDetailPage />, access: "user", title: "lists.title" },
  ],
  nav: [
    { to: "/contacts", label: "contacts.nav", access: "user", order: 10 },
    { to: "/lists", label: "lists.nav", access: "user", order: 15 },
  ],
  messages: { de, en },
};
