/**
 * A page whose code loads on demand. In an area's index.tsx,
 *
 *   const ContactsPage = lazyPage(() => import("./ContactsPage"), "ContactsPage");
 *   routes: [{ path: "/contacts", element: <ContactsPage key="people" />, ... }]
 *
 * gives a component with the page's own props (type-checked); Vite puts the page module into a chunk of its own
 * (code several pages share goes into shared chunks) that is fetched the first time the page renders. Meanwhile the
 * layout shows a loading line (the Suspense boundary in app/PageBoundary.tsx). The area's index.tsx itself (routes,
 * navigation, texts) stays in the first load: import nothing from a page module there except through lazyPage
 * (not even a constant), or the page, and all it imports, is eager again.
 */
import { lazy, type LazyExoticComponent } from "react";

// The constraint React's own `lazy()` puts on a component (`ComponentType<any>`), taken from its signature rather
// than spelt out: the page keeps its exact props type.
type AnyComponent = Awaited<ReturnType<Parameters<typeof lazy>[0]>>["default"];

export function lazyPage<M extends Record<K, AnyComponent>, K extends keyof M>(load: () => Promise<M>, name: K): LazyExoticComponent<M[K]> {
  return lazy(() => load().then((module) => ({ default: module[name] })));
}
