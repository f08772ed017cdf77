/**
 * What an area of the app is: its pages (routes with who may open them), its entries in the navigation and its
 * texts in German and English. Every `src/areas/<name>/index.tsx` exports `area: Area`; `src/areas/index.ts`
 * finds them all (no list to edit).
 */
import type { ReactNode } from "react";
import type { Messages } from "../i18n";

/** public: anyone (status, help); anonymous: only when logged out (login); user / operator: logged in as such;
 * session: logged in as either (own password). */
export type Access = "public" | "anonymous" | "user" | "operator" | "session";

export interface AreaRoute {
  path: string;
  /** the page, usually a lazy one: `<ContactsPage />` with `const ContactsPage = lazyPage(...)` (app/lazyPage.ts) */
  element: ReactNode;
  access: Access;
  /** the user needs one of these roles (license_manager, administrator, back_office, support) */
  roles?: string[];
  /** the message key of the page's title (document title) */
  title?: string;
}

export interface NavItem {
  to: string;
  /** message key */
  label: string;
  access: "user" | "operator";
  roles?: string[];
  /** position in the menu: lower first */
  order: number;
}

export interface Area {
  id: string;
  routes: AreaRoute[];
  nav?: NavItem[];
  messages: { de: Messages; en: Messages };
}
