/**
 * Around the routed page, inside the layout (header, navigation and footer stay while a page loads):
 * - the one Suspense boundary for the lazy pages (app/lazyPage.ts): a quiet loading line (a polite live region
 *   whose text appears only when loading takes a noticeable moment), and once the page is there its heading gets
 *   the focus after a navigation, as the layout gives it after every navigation. The boundary is keyed by the
 *   page's route: opening a page whose code is still loading mounts a fresh boundary, which React shows at once.
 *   A boundary already on screen that suspends would make React keep the previous screen instead, for up to half
 *   a second, and hold back every state update of that render with it (after the login: the login page stayed,
 *   still logged out as far as its buttons knew);
 * - an error boundary: a page's code that cannot be fetched (connection lost, or a deploy replaced the hashed
 *   chunks an open tab still points at) or a page that fails to render shows a notice with a reload button instead
 *   of an empty window. Navigating elsewhere clears it.
 */
import { Component, Suspense, useEffect, useRef, useState, type ReactNode } from "react";
import { useT } from "../i18n";
import { Page } from "../ui/components";

/** the loading line appears only after this long (most chunks arrive sooner; no flicker) */
const QUIET_MS = 300;

function PageLoading({ onGone }: { onGone: () => void }) {
  const t = useT();
  const [visible, setVisible] = useState(false);
  const gone = useRef(onGone);
  gone.current = onGone;
  useEffect(() => {
    const timer = window.setTimeout(() => setVisible(true), QUIET_MS);
    return () => window.clearTimeout(timer);
  }, []);
  // unmounted: the page replaced the fallback (or the reader went elsewhere)
  useEffect(() => () => gone.current(), []);
  return (
    <p className="loading page-loading" role="status" aria-live="polite">
      {visible ? t("common.loading.page") : null}
    </p>
  );
}

function PageFailed() {
  const t = useT();
  return (
    <Page title={t("common.pageFailed.title")}>
      <div className="notice error" role="alert">
        {t("common.pageFailed.text")}
      </div>
      <p>
        <button type="button" className="primary" onClick={() => window.location.reload()}>
          {t("common.pageFailed.reload")}
        </button>
      </p>
    </Page>
  );
}

interface BoundaryProps {
  /** the current path: a failure is forgotten when it changes */
  pathname: string;
  children: ReactNode;
}

interface BoundaryState {
  failed: boolean;
  /** the path the state belongs to */
  pathname: string;
}

class PageErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  state: BoundaryState = { failed: false, pathname: this.props.pathname };

  static getDerivedStateFromError(): Partial<BoundaryState> {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: BoundaryState): BoundaryState | null {
    return props.pathname !== state.pathname ? { failed: false, pathname: props.pathname } : null;
  }

  render() {
    return this.state.failed ? <PageFailed /> : this.props.children;
  }
}

/** `pageKey`: the matched route pattern (a new page, a new boundary); `onPageShown`: called when a lazy page has
 * replaced the loading line. */
export function PageBoundary({ pathname, pageKey, onPageShown, children }: BoundaryProps & { pageKey: string; onPageShown: () => void }) {
  return (
    <PageErrorBoundary pathname={pathname}>
      <Suspense key={pageKey} fallback={<PageLoading onGone={onPageShown} />}>
        {children}
      </Suspense>
    </PageErrorBoundary>
  );
}
