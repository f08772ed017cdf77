/** The crm API as the contacts, lists, events, import and media pages use it: types and small helpers. */
import { api } from "../../api/client";
import type { Lang } from "../../i18n";

export const CRM = "/api/v1/crm";

export interface Email { email: string; label?: string; primary?: boolean; state?: "valid" | "invalid" | "unverified"; invalid_reason?: string | null; invalid_at?: string | null }
export interface Phone { number: string; label?: string }

/** a contact as search results and member lists show it */
export interface ContactSummary {
  id: string; client_id: string; kind: "person" | "organisation"; gender: string; title: string; first_name: string;
  last_name: string; org_name: string; organisation: string; position: string; city: string; country: string;
  email: string | null; email_state: string | null; tags: string[];
  status?: string; note?: string;
}

export interface Contact extends Omit<ContactSummary, "email" | "email_state"> {
  account_id: string; org_type: string | null; organisation_id: string | null; department: string; street: string;
  address_extra: string; postal_code: string; language: "de" | "en"; informal: boolean; salutation: string;
  letter_salutation: string; letter_salutation_override: string | null; emails: Email[]; phones: Phone[];
  custom: Record<string, unknown>; notes: string; legal_basis: string; data_source: string; informed_at: string | null;
  source_kind: string; pressbase_id: string | null; pressbase_changes: boolean; created_at: string; updated_at: string;
}

export interface Page<T> { items: T[]; next_cursor: string | null }

export interface CustomField { key: string; label_de: string; label_en: string; type: "text" | "number" | "date" | "boolean" | "choice"; choices: string[] }

export interface HistoryEntry {
  id: string; contact_id: string; kind: "note" | "call" | "meeting" | "mailing" | "email" | string; occurred_at: string;
  subject: string; body: string; data: Record<string, unknown>; files: { id: string; name: string; content_type: string; size: number }[];
}

export interface ContactFilter {
  q?: string; kind?: string; tags?: string[]; any_tags?: string[]; country?: string; city?: string; language?: string;
  org_type?: string; position?: string; has_email?: boolean; email_state?: string; list_id?: string; source_kind?: string;
  client_ids?: string[];
}

export interface DistributionList {
  id: string; client_id: string; name: string; description: string; kind: "static" | "dynamic";
  filter: ContactFilter | null; members: number | null; created_at: string; updated_at: string;
}

export interface PressEvent {
  id: string; client_id: string; name: string; kind: string; starts_at: string | null; ends_at: string | null;
  location: string; description: string; participants: Record<string, number> | null; created_at: string;
}

export interface Job {
  id: string; kind: string; state: "queued" | "running" | "done" | "failed"; done: number; total: number | null;
  result: Record<string, unknown> | null; error: { code?: string; detail?: unknown; fields?: Record<string, unknown> } | null;
  created_at?: string; finished_at?: string | null;
}

export interface MediaFolder { id: string; client_id: string; parent_id: string | null; name: string; created_at: string }
export interface MediaFile { id: string; client_id: string; folder_id: string | null; name: string; content_type: string; size: number; sha256: string; created_at: string }

export const PARTICIPANT_STATES = ["invited", "registered", "declined", "attended"] as const;
export const EVENT_KINDS = ["press_conference", "press_trip", "interview", "trade_fair", "background_talk", "other"] as const;
export const LEGAL_BASES = ["legitimate_interest", "consent", "contract", "legal_obligation", "vital_interest", "public_task"] as const;
export const ORG_TYPES = ["company", "media", "agency", "public", "other"] as const;

/** A text the services keep in both languages ({de, en}) or a plain string, in the language on screen. */
export function pick(lang: Lang, value: unknown): string {
  if (value && typeof value === "object") {
    const v = value as Record<string, string>;
    return v[lang] || v.de || v.en || "";
  }
  return value == null ? "" : String(value);
}

export function displayName(c: Pick<ContactSummary, "kind" | "title" | "first_name" | "last_name" | "org_name">): string {
  if (c.kind === "organisation") return c.org_name || "–";
  return [c.title, c.first_name, c.last_name].filter(Boolean).join(" ") || "–";
}

/** Query parameters of GET /contacts from a filter (lists repeat, empty parts left out). */
export function filterQuery(f: ContactFilter): Record<string, string | boolean | undefined> {
  return {
    q: f.q, kind: f.kind, country: f.country, city: f.city, language: f.language, org_type: f.org_type,
    position: f.position, email_state: f.email_state, list_id: f.list_id, source_kind: f.source_kind,
    has_email: f.has_email === undefined ? undefined : f.has_email,
  };
}

/** GET /contacts (tags and clients as repeated parameters). */
export function searchContacts(f: ContactFilter, cursor: string | null, limit = 50, signal?: AbortSignal) {
  return api.get<Page<ContactSummary>>(`${CRM}/contacts`, {
    signal, query: { ...filterQuery(f), tag: f.tags ?? [], any_tag: f.any_tags ?? [], client_id: f.client_ids ?? [], cursor, limit },
  });
}

/** Drop empty parts of a filter (what a dynamic list saves). */
export function cleanFilter(f: ContactFilter): ContactFilter {
  const out: ContactFilter = {};
  for (const [k, v] of Object.entries(f) as [keyof ContactFilter, unknown][]) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v) && v.length === 0) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function splitTags(value: string): string[] {
  return value.split(/[,;]/).map((t) => t.trim()).filter(Boolean);
}
