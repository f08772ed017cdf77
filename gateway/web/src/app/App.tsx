/** The router: every area's routes, each behind the guard its `access` names, inside the app shell. */
import { type ReactNode } from "react";
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from "react-router-dom";
import { areas } from "../areas";
import { I18nProvider, useT } from "../i18n";
import { Loading, Page } from "../ui/components";
import type { AreaRoute } from "./area";
import { Layout } from "./Layout";
import { safeNext } from "./paths";
import { SessionProvider, loginPathFor, useSession } from "./session";

function Guard({ route, children }: { route: AreaRoute; children: ReactNode }) {
  const { status, me, restricted } = useSession();
  const location = useLocation();
  const t = useT();
  if (route.access === "public") return <>{children}</>;
  if (status === "loading") return <Loading />;
  if (route.access === "anonymous") {
    if (status === "authenticated" && me && !restricted) {
      const params = new URLSearchParams(location.search);
      return <Navigate to={safeNext(params.get("next"), me.kind === "operator" ? "/backoffice" : "/")} replace />;
    }
    return <>{children}</>;
  }
  if (status !== "authenticated" || !me) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`${loginPathFor(location.pathname)}?next=${next}`} replace />;
  }
  if (route.access !== "session" && me.kind !== route.access) {
    return <Navigate to={me.kind === "operator" ? "/backoffice" : "/"} replace />;
  }
  if (route.roles && !route.roles.some((r) => me.roles.includes(r))) {
    return (
      <Page title={t("common.forbidden")}>
        <p>
          <Link to="/">{t("common.notfound.home")}</Link>
        </p>
      </Page>
    );
  }
  return <>{children}</>;
}

function NotFound() {
  const t = useT();
  return (
    <Page title={t("common.notfound.title")}>
      <p>{t("common.notfound.text")}</p>
      <p>
        <Link to="/">{t("common.notfound.home")}</Link>
      </p>
    </Page>
  );
}

export function App() {
  const routes = areas.flatMap((a) => a.routes);
  return (
    <BrowserRouter>
      <I18nProvider>
        <SessionProvider>
          <Layout>
            <Routes>
              {routes.map((route) => (
                <Route key={route.path} path={route.path} element={<Guard route={route}>{route.element}</Guard>} />
              ))}
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Layout>
        </SessionProvider>
      </I18nProvider>
    </BrowserRouter>
  );
}
