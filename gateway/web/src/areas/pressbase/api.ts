/**
 * The pressbase API's shapes (GET /api/v1/openapi.json, tag "pressbase ...") and small helpers shared by the
 * area's pages: the reference data (codes and labels per language, loaded once), the licence, jobs.
 */
import { api } from "../../api/client";
import type { Lang } from "../../i18n";

export interface Code { code: string; label: string }
export interface FacetValue { code: string | boolean; label: string; count: number; parent?: string | null }
export type Facets = Record<string, FacetValue[]>;

export interface OutletRef { id: number; pressbase_id: string; name: string; media_type: Code | null; role?: Code | null }

export interface Journalist {
  id: number; pressbase_id: string; dataset: string; name: string; gender: string | null; title: string | null;
  first_name: string; last_name: string; position: string | null; desks: Code[]; topics: Code[]; languages: Code[];
  country: Code | null; state: Code | null; city: string | null; freelance: boolean; email: string | null;
  phone: string | null; last_verified: string | null; version: number; outlets: OutletRef[];
  plus?: Record<string, unknown>;
}

export interface ForwardFeature {
  id: number; outlet: OutletRef; dataset: string; issue_date: string | null; topic: Code | null; title: string;
  description: string | null; deadline: string;
}

export interface Outlet {
  id: number; pressbase_id: string; dataset: string; name: string; media_type: Code | null; publisher: string | null;
  country: Code | null; state: Code | null; city: string | null; postal_code: string | null; street: string | null;
  language: Code | null; frequency: Code | null; circulation: number | null; reach: number | null;
  website: string | null; email: string | null; phone: string | null; topics: Code[]; departments: Code[];
  version: number; plus?: Record<string, unknown>;
  journalists?: { id: number; pressbase_id: string; name: string; position: string | null; role: string | null }[];
  forward_features?: ForwardFeature[];
}

export interface Correction { word: string; used: string[] }

export interface SearchResult<T> {
  items: T[]; next_cursor: string | null; total?: number; estimated?: boolean; facets?: Facets | null;
  /** the facet groups whose counts are estimates (the total may still be exact) */
  facets_estimated?: string[];
  corrections?: Correction[]; sort?: string;
}

export interface Licence {
  phase: "starting" | "regular" | "cancelled" | "ended"; datasets: string[]; forward_features: boolean;
  export: boolean; plus_fields: boolean;
  /** why not (the service's words in the caller's language), when it says so */
  reasons?: { export?: string | null; forward_features?: string | null };
}

export interface SavedQuery { q?: string | null; filters?: Record<string, unknown> }

export interface Selection {
  id: string; name: string; kind: "search" | "list"; target: "journalists" | "outlets"; client_id: string | null;
  query: SavedQuery | null; items: { journalists: number; outlets: number }; created_at?: string | null;
  updated_at?: string | null;
}

export interface Page<T> { items: T[]; next_cursor: string | null }

export interface Member { kind: "journalist" | "outlet"; [key: string]: unknown }

export interface Job {
  id: string; kind: "feed_import" | "export" | "transfer"; state: "queued" | "running" | "done" | "failed";
  done: number; total: number | null; result: Record<string, unknown> | null;
  error: { code: string; detail: string; fields: Record<string, string> } | null;
}

export interface Change {
  link_id: number; contact_id: string; journalist_id: number; pressbase_id: string; name: string;
  state: "changed" | "deleted"; transferred_version: number; current_version: number | null; transferred_at: string;
  changes: { field: string; label: string; old: unknown; new: unknown }[];
}

export interface ExportEntry {
  id: string; selection_id: string | null; selection_name: string | null; client_id: string | null; records: number;
  filename: string | null; size: number | null; created_at: string; expires_at: string | null; available: boolean;
}

export interface Reference {
  datasets: Code[]; media_types: Code[]; frequencies: Code[]; desks: Code[]; roles: Code[]; languages: Code[];
  topics: (Code & { parent: string | null })[]; countries: Code[]; states: (Code & { country: string })[];
}

export const P = "/api/v1/pressbase";

/** The facet groups in the order shown, and the reference list that labels each group's codes. */
export const JOURNALIST_GROUPS = ["desk", "topic", "media_type", "country", "state", "language", "frequency", "outlet", "freelance", "dataset"] as const;
export const OUTLET_GROUPS = ["media_type", "topic", "desk", "country", "state", "language", "frequency", "dataset"] as const;
export const REF_OF: Record<string, keyof Reference> = {
  media_type: "media_types", country: "countries", state: "states", topic: "topics", desk: "desks",
  language: "languages", frequency: "frequencies", dataset: "datasets", role: "roles",
};

const references: Partial<Record<Lang, Promise<Reference>>> = {};
/** Codes and labels in one language, loaded once per language. */
export function loadReference(lang: Lang): Promise<Reference> {
  if (!references[lang]) {
    references[lang] = api.get<Reference>(`${P}/reference`, { query: { lang } }).catch((exc) => {
      delete references[lang];
      throw exc;
    });
  }
  return references[lang]!;
}

export function labelOf(ref: Reference | null, group: string, code: string): string | null {
  const list = ref && REF_OF[group] ? (ref[REF_OF[group]] as Code[]) : null;
  return list?.find((c) => c.code === code)?.label ?? null;
}

export function loadLicence(signal?: AbortSignal): Promise<Licence> {
  return api.get<Licence>(`${P}/licence`, { signal });
}

export function getJob(id: string): Promise<Job> {
  return api.get<Job>(`${P}/jobs/${id}`);
}
