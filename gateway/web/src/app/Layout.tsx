/**
 * The app shell on every page: skip link, header with navigation, language switch, help, the user; footer. The
 * routed page sits in PageBoundary (the Suspense boundary of the lazy pages), so the shell stays while it loads.
 */
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Link, NavLink, matchRoutes, useLocation } from "react-router-dom";
import { useI18n, type Lang } from "../i18n";
import { areas } from "../areas";
import type { NavItem } from "./area";
import { PageBoundary } from "./PageBoundary";
import { useSession } from "./session";

/** The mark (also the favicon, inlined in index.html: the build holds only .html, .js and .css files). */
function Logo() {
  return (
    <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="6" fill="#1f4e79" stroke="#fff" strokeOpacity="0.6" />
      <path d="M9 8h9a6 6 0 0 1 0 12h-4v5H9z" fill="#fff" />
      <rect x="14" y="12" width="4" height="4" fill="#1f4e79" />
    </svg>
  );
}

function LanguageSwitch() {
  const { lang, t } = useI18n();
  const { setLanguage } = useSession();
  return (
    <div className="lang-switch" role="group" aria-label={t("common.language")}>
      {(["de", "en"] as Lang[]).map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className={l === lang ? "active" : ""}
          aria-pressed={l === lang}
          title={t(`common.language.${l}`)}
          onClick={() => setLanguage(l)}
        >
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

function focusPageTitle() {
  window.setTimeout(() => document.getElementById("page-title")?.focus({ preventScroll: false }), 0);
}

/** every area's route patterns, to tell which page the location shows (the same matching as App's <Routes>) */
const PAGE_ROUTES = areas.flatMap((a) => a.routes.map((r) => ({ path: r.path })));

function usePageKey(): string {
  return matchRoutes(PAGE_ROUTES, useLocation())?.[0]?.route.path ?? "*";
}

function useNavItems(): NavItem[] {
  const { status, me, restricted } = useSession();
  if (status !== "authenticated" || !me || restricted) return [];
  return areas
    .flatMap((a) => a.nav ?? [])
    .filter((item) => item.access === me.kind && (!item.roles || item.roles.some((r) => me.roles.includes(r))))
    .sort((a, b) => a.order - b.order);
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { me, status, logout } = useSession();
  const items = useNavItems();
  const location = useLocation();
  const pageKey = usePageKey();
  const [open, setOpen] = useState(false);
  const first = useRef(true);
  const navigated = useRef(false);

  useEffect(() => {
    setOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    // after a navigation, move focus to the new page's heading (screen readers announce it); a page whose code is
    // still loading has none yet: PageBoundary calls focusPageTitle again when it arrives
    navigated.current = true;
    focusPageTitle();
  }, [location.pathname]);

  const helpTarget = `/help${location.pathname.startsWith("/help") ? "" : `?from=${encodeURIComponent(location.pathname)}`}`;
  const home = me?.kind === "operator" ? "/backoffice" : "/";
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t("common.skip")}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to={status === "authenticated" ? home : "/login"} className="brand">
            <Logo />
            <span>Pressroom</span>
            {me?.kind === "operator" && <span className="brand-tag">{t("common.operator")}</span>}
          </Link>
          {items.length > 0 && (
            <button type="button" className="menu-toggle" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen((o) => !o)}>
              {t("common.menu")}
            </button>
          )}
          <nav id="main-nav" aria-label={t("common.nav")} className={`main-nav${open ? " open" : ""}`}>
            <ul>
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.to === "/" || item.to === "/backoffice"}>
                    {t(item.label)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="topbar-tools">
            <LanguageSwitch />
            <Link to={helpTarget} className="help-link">
              {t("common.help")}
            </Link>
            {me && (
              <>
                {me.kind === "user" ? (
                  <Link to="/account" className="who" title={`${t("common.account")}: ${me.email}`}>
                    {[me.first_name, me.last_name].filter(Boolean).join(" ") || me.email}
                  </Link>
                ) : (
                  <span className="who" title={me.email}>{[me.first_name, me.last_name].filter(Boolean).join(" ") || me.email}</span>
                )}
                <button type="button" className="link-button" onClick={() => logout()}>
                  {t("common.logout")}
                </button>
              </>
            )}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <PageBoundary pathname={location.pathname} pageKey={pageKey} onPageShown={() => navigated.current && focusPageTitle()}>
          {children}
        </PageBoundary>
      </main>
      <footer className="footer">
        <Link to="/status">{t("common.status")}</Link>
        <Link to="/help">{t("common.help")}</Link>
        <a href="/api/v1/docs">{t("common.footer.docs")}</a>
      </footer>
    </div>
  );
}
