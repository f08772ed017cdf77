/**
 * German and English for everything a user reads.
 *
 * Each area registers its own messages (`messages: {de: {...}, en: {...}}` in its `Area`), flat keys prefixed with
 * the area's id ("admin.users.title"); `common.ts` holds what every page shares. `t(key, {name: value})` replaces
 * `{name}`. A key missing in one language falls back to the other and then to the key itself (visible, so tests
 * and reviewers notice).
 *
 * A text with a count in it is a plural message: `{ one: "{n} Kontakt", other: "{n} Kontakte" }`. `t(key, {n})`
 * picks the form with `Intl.PluralRules` of the language (the count is the `count` variable, else `n`), so
 * "1 Tage" or "1 contacts" cannot happen. `messages.test.ts` checks every area: both languages, the same
 * placeholders, and both forms wherever either language counts.
 *
 * The language: a logged-in user's setting (GET /api/v1/me, changed with PATCH /api/v1/me); anonymous visitors:
 * what they chose before (localStorage), else the browser's language. The API client sends it with every request,
 * so problem+json errors come back in the same language.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { common } from "./common";

export type Lang = "de" | "en";
/** The forms of a counted text; `one` for exactly one in German and English, `other` for every other count. */
export interface Plural {
  one: string;
  other: string;
}
export type Message = string | Plural;
export type Messages = Record<string, Message>;
export type Vars = Record<string, string | number>;

const pluralRules: Partial<Record<Lang, Intl.PluralRules>> = {};

/** The form of a message for the count in `vars` (`count`, else `n`); a count that is missing or not a number: other. */
export function pickForm(lang: Lang, message: Message, vars?: Vars): string {
  if (typeof message === "string") return message;
  const count = Number(vars?.count ?? vars?.n);
  if (!Number.isFinite(count)) return message.other;
  const rules = (pluralRules[lang] ??= new Intl.PluralRules(lang));
  return rules.select(count) === "one" ? message.one : message.other;
}

const STORAGE_KEY = "pressroom.lang";
const catalog: Record<Lang, Messages> = { de: { ...common.de }, en: { ...common.en } };

export function registerMessages(messages: { de: Messages; en: Messages }): void {
  Object.assign(catalog.de, messages.de);
  Object.assign(catalog.en, messages.en);
}

export function translate(lang: Lang, key: string, vars?: Vars): string {
  const other: Lang = lang === "de" ? "en" : "de";
  const message = catalog[lang][key];
  let text = message !== undefined ? pickForm(lang, message, vars)
    : catalog[other][key] !== undefined ? pickForm(other, catalog[other][key], vars) : key;
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
