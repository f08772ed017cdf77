/**
 * German and English for everything a user reads.
 *
 * Each area registers its own messages (`messages: {de: {...}, en: {...}}` in its `Area`), flat keys prefixed with
 * the area's id ("admin.users.title"); `common.ts` holds what every page shares. `t(key, {name: value})` replaces
 * `{name}`. A key missing in one language falls back to the other and then to the key itself (visible, so tests
 * and reviewers notice).
 *
 * The language: a logged-in user's setting (GET /api/v1/me, changed with PATCH /api/v1/me); anonymous visitors:
 * what they chose before (localStorage), else the browser's language. The API client sends it with every request,
 * so problem+json errors come back in the same language.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { common } from "./common";

export type Lang = "de" | "en";
export type Messages = Record<string, string>;
export type Vars = Record<string, string | number>;

const STORAGE_KEY = "pressroom.lang";
const catalog: Record<Lang, Messages> = { de: { ...common.de }, en: { ...common.en } };

export function registerMessages(messages: { de: Messages; en: Messages }): void {
  Object.assign(catalog.de, messages.de);
  Object.assign(catalog.en, messages.en);
}

export function translate(lang: Lang, key: string, vars?: Vars): string {
  const other: Lang = lang === "de" ? "en" : "de";
  let text = catalog[lang][key] ?? catalog[other][key] ?? key;
  if (vars) {
    for (const [name, value] of Object.entries(vars)) text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

export function hasMessage(key: string): boolean {
  return key in catalog.de || key in catalog.en;
}

export function normaliseLang(value: string | null | undefined): Lang | null {
  if (!value) return null;
  const v = value.toLowerCase();
  return v.startsWith("de") ? "de" : v.startsWith("en") ? "en" : null;
}

export function initialLang(): Lang {
  try {
    const stored = normaliseLang(window.localStorage.getItem(STORAGE_KEY));
    if (stored) return stored;
  } catch {
    /* storage blocked: fall through */
  }
  for (const candidate of navigator.languages || [navigator.language]) {
    const lang = normaliseLang(candidate);
    if (lang) return lang;
  }
  return "de";
}

let currentLang: Lang = "de";
/** The language the API client sends (kept in step with the provider). */
export function getLang(): Lang {
  return currentLang;
}

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: string, vars?: Vars) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    currentLang = initialLang();
    document.documentElement.lang = currentLang;
    return currentLang;
  });
  const setLang = useCallback((next: Lang) => {
    currentLang = next;
    document.documentElement.lang = next;
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* ignore */
    }
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars) }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}

export function useT() {
  return useI18n().t;
}
