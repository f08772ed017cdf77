/**
 * Who is logged in. On start the app asks GET /api/v1/me; a 401 means nobody. After a login the app loads /me
 * again; logout ends the session at the gateway. The user's language comes from /me and is saved there when the
 * user switches (anonymous visitors: locally, see i18n).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { ApiError, api, onRestricted, onUnauthenticated } from "../api/client";
import { normaliseLang, useI18n, type Lang } from "../i18n";

export interface Me {
  id: string;
  kind: "user" | "operator";
  email: string;
  first_name?: string;
  last_name?: string;
  language: Lang;
  active?: boolean;
  roles: string[];
  clients?: Record<string, "full" | "read">;
  account_id?: string | null;
  two_factor?: Record<string, unknown>;
}

export interface LoginResult {
  status: "authenticated" | "second_factor_required";
  restrictions?: string[];
  challenge?: string;
  method?: "email" | "totp";
  user?: Me;
}

type Status = "loading" | "anonymous" | "authenticated";

interface Session {
  status: Status;
  me: Me | null;
  /** the session may only set a new password first (one-time or expired password) */
  restricted: boolean;
  hasRole: (...roles: string[]) => boolean;
  refresh: () => Promise<Me | null>;
  loggedIn: (result: LoginResult) => Promise<void>;
  logout: () => Promise<void>;
  setLanguage: (lang: Lang) => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function loginPathFor(pathname: string): string {
  return pathname.startsWith("/backoffice") ? "/backoffice/login" : "/login";
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const { setLang, lang } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const [status, setStatus] = useState<Status>("loading");
  const [me, setMe] = useState<Me | null>(null);
  const [restricted, setRestricted] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const data = await api.get<Me>("/api/v1/me", { auth: false });
      setMe(data);
      setStatus("authenticated");
      const userLang = normaliseLang(data.language);
      if (userLang) setLang(userLang);
      return data;
    } catch (exc) {
      if (exc instanceof ApiError && exc.status === 401) {
        setMe(null);
        setStatus("anonymous");
        return null;
      }
      setStatus((s) => (s === "loading" ? "anonymous" : s));
      throw exc;
    }
  }, [setLang]);

  useEffect(() => {
    refresh().catch(() => undefined);
  }, [refresh]);

  useEffect(() => {
    const offUnauth = onUnauthenticated(() => {
      setMe(null);
      setStatus("anonymous");
      const here = window.location.pathname + window.location.search;
      navigate(`${loginPathFor(window.location.pathname)}?next=${encodeURIComponent(here)}`, { replace: true });
    });
    const offRestricted = onRestricted(() => {
      setRestricted(true);
      navigate("/password/change", { replace: true });
    });
    return () => {
      offUnauth();
      offRestricted();
    };
  }, [navigate]);

  const loggedIn = useCallback(
    async (result: LoginResult) => {
      const mustChange = (result.restrictions ?? []).includes("password_change_required");
      setRestricted(mustChange);
      await refresh();
    },
    [refresh],
  );

  const logout = useCallback(async () => {
    const wasOperator = me?.kind === "operator";
    try {
      await api.post("/api/v1/auth/logout", {}, { auth: false });
    } catch {
      /* the session may already be gone */
    }
    setMe(null);
    setRestricted(false);
    setStatus("anonymous");
    navigate(wasOperator ? "/backoffice/login" : "/login", { replace: true });
  }, [me, navigate]);

  const setLanguage = useCallback(
    async (next: Lang) => {
      setLang(next);
      if (status === "authenticated" && me && me.kind === "user" && !restricted) {
        try {
          const updated = await api.patch<Me>("/api/v1/me", { language: next });
          setMe(updated);
        } catch {
          /* the switch on screen still holds; it is saved with the next successful change */
        }
      }
    },
    [me, restricted, setLang, status],
  );

  const hasRole = useCallback((...roles: string[]) => !!me && roles.some((r) => me.roles.includes(r)), [me]);

  // keep the location in the dependency list so a restricted session cannot wander off the password page
  useEffect(() => {
    const free = ["/password/change", "/help", "/status"].some((p) => location.pathname.startsWith(p));
    if (restricted && !free) navigate("/password/change", { replace: true });
  }, [restricted, location.pathname, navigate]);

  const value = useMemo<Session>(
    () => ({ status, me, restricted, hasRole, refresh, loggedIn, logout, setLanguage }),
    [status, me, restricted, hasRole, refresh, loggedIn, logout, setLanguage],
  );
  void lang;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error("useSession outside SessionProvider");
  return ctx;
}
