/**
 * Every area of the app, found by file name: `src/areas/<name>/index.tsx` exporting `area`. Adding an area is
 * adding its folder; nothing here changes. Their texts are registered with i18n on import. Their pages are lazy
 * (app/lazyPage.ts): importing every area here loads only routes, navigation entries and texts; a page's code
 * arrives when it is first opened.
 */
import type { Area } from "../app/area";
import { registerMessages } from "../i18n";

const modules = import.meta.glob<{ area: Area }>("./*/index.tsx", { eager: true });

export const areas: Area[] = Object.keys(modules)
  .sort()
  .map((path) => modules[path].area);

for (const area of areas) registerMessages(area.messages);
