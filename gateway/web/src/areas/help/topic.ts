import type { ReactNode } from "react";

/**
 * One chapter of the online help. Every `topics/<id>.tsx` exports `topic`; the help page finds them all, orders them
 * by `order` and opens the one whose `paths` match the page the reader came from (`/help?from=/admin/users`).
 */
export interface HelpTopic {
  id: string;
  order: number;
  /** app paths this chapter explains (prefixes) */
  paths: string[];
  title: { de: string; en: string };
  body: { de: () => ReactNode; en: () => ReactNode };
}
