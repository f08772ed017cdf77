/**
 * The one way the app talks to the gateway's JSON API.
 *
 * - Same-origin fetch with the session cookie (HttpOnly, set by the login routes); the app never sees the token.
 * - Every request carries `X-Requested-With` (identity's CSRF rule for cookie-authenticated changes) and
 *   `lang` (problem+json texts come back in the language on screen).
 * - Errors are `ApiError`: status, code, title/detail and `fields` ({field: message}) from problem+json's
 *   `errors: [{field, message}]`, ready to be shown next to the form field they name.
 * - 401 on a protected call: the session is gone -> `onUnauthenticated` (the app goes to the login page and keeps
 *   the intended location). 403 with `extra.restriction = password_change_required` -> `onRestricted`.
 *   Calls that are part of logging in pass `{ auth: false }` so a wrong password is just an error.
 */
import { getLang } from "../i18n";

export const API = "/api/v1";

export interface FieldErrors {
  [field: string]: string;
}

export class ApiError extends Error {
  status: number;
  code: string;
  title: string;
  detail: string;
  fields: FieldErrors;
  extra: Record<string, unknown>;
  requestId: string | null;

  constructor(status: number, body: Record<string, unknown> | null, requestId: string | null) {
    const title = String(body?.title ?? `HTTP ${status}`);
    super(String(body?.detail ?? title));
    this.status = status;
    this.code = String(body?.code ?? "http_" + status);
    this.title = title;
    this.detail = String(body?.detail ?? "");
    this.fields = {};
    for (const e of (body?.errors as { field: string; message: string }[] | undefined) ?? []) {
      if (e && e.field) this.fields[e.field] = this.fields[e.field] ? `${this.fields[e.field]} ${e.message}` : e.message;
    }
    this.extra = (body?.extra as Record<string, unknown>) ?? {};
    this.requestId = requestId ?? (body?.request_id as string) ?? null;
  }

  /** The message for one field, also when the API names a nested path ("company.address.city"). */
  field(name: string): string | undefined {
    return this.fields[name];
  }
}

export interface RequestOptions {
  /** an array repeats the parameter (?tag=a&tag=b) */
  query?: Record<string, string | number | boolean | null | undefined | (string | number)[]>;
  body?: unknown;
  /** false: a 401 is an ordinary error (login, second factor, public pages). */
  auth?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

type Handler = () => void;
const handlers: { unauthenticated: Handler[]; restricted: Handler[] } = { unauthenticated: [], restricted: [] };

export function onUnauthenticated(fn: Handler): () => void {
  handlers.unauthenticated.push(fn);
  return () => void (handlers.unauthenticated = handlers.unauthenticated.filter((h) => h !== fn));
}

export function onRestricted(fn: Handler): () => void {
  handlers.restricted.push(fn);
  return () => void (handlers.restricted = handlers.restricted.filter((h) => h !== fn));
}

export function url(path: string, query?: RequestOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (Array.isArray(v)) v.forEach((item) => params.append(k, String(item)));
    else if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  }
  if (!params.has("lang")) params.set("lang", getLang());
  return `${path.startsWith("/") ? path : `${API}/${path}`}?${params.toString()}`;
}

export async function request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: "application/json, application/problem+json",
    "X-Requested-With": "pressroom-web",
    ...(options.headers ?? {}),
  };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let resp: Response;
  try {
    resp = await fetch(url(path, options.query), { method, headers, body, credentials: "same-origin", signal: options.signal });
  } catch (exc) {
    if ((exc as Error).name === "AbortError") throw exc;
    throw new ApiError(0, { code: "network", title: "network" }, null);
  }
  const requestId = resp.headers.get("X-Request-Id");
  const type = resp.headers.get("Content-Type") || "";
  const data = resp.status === 204 ? null : type.includes("json") ? await resp.json().catch(() => null) : await resp.text();
  if (resp.ok) return data as T;
  const error = new ApiError(resp.status, typeof data === "object" ? (data as Record<string, unknown>) : null, requestId);
  if (resp.status === 401 && options.auth !== false) handlers.unauthenticated.forEach((h) => h());
  if (resp.status === 403 && error.extra.restriction === "password_change_required") handlers.restricted.forEach((h) => h());
  throw error;
}

export const api = {
  get: <T = unknown>(path: string, options?: RequestOptions) => request<T>("GET", path, options),
  post: <T = unknown>(path: string, body?: unknown, options?: RequestOptions) => request<T>("POST", path, { ...options, body: body ?? {} }),
  put: <T = unknown>(path: string, body?: unknown, options?: RequestOptions) => request<T>("PUT", path, { ...options, body: body ?? {} }),
  patch: <T = unknown>(path: string, body?: unknown, options?: RequestOptions) => request<T>("PATCH", path, { ...options, body: body ?? {} }),
  delete: <T = unknown>(path: string, options?: RequestOptions) => request<T>("DELETE", path, options),
};

/** A GET that may not exist yet (a service's route added later): absent (404/405) or not allowed gives null. */
export async function optional<T>(path: string, options?: RequestOptions): Promise<T | null> {
  try {
    return await api.get<T>(path, options);
  } catch (exc) {
    if (exc instanceof ApiError && [0, 403, 404, 405, 501, 503].includes(exc.status)) return null;
    throw exc;
  }
}

/**
 * Upload a file as the raw request body (the gateway streams it into its spool; `?filename=` names it), with
 * upload progress (XMLHttpRequest: fetch has none). Errors are `ApiError` as for every other call; 401/403 as above.
 */
export function upload<T = unknown>(path: string, file: Blob, options: {
  filename: string; query?: RequestOptions["query"]; onProgress?: (sent: number, total: number) => void; signal?: AbortSignal;
}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url(path, { ...(options.query ?? {}), filename: options.filename }));
    xhr.setRequestHeader("Accept", "application/json, application/problem+json");
    xhr.setRequestHeader("X-Requested-With", "pressroom-web");
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, { code: "network", title: "network" }, null));
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(data as T);
      const error = new ApiError(xhr.status, data && typeof data === "object" ? (data as Record<string, unknown>) : null, xhr.getResponseHeader("X-Request-Id"));
      if (xhr.status === 401) handlers.unauthenticated.forEach((h) => h());
      if (xhr.status === 403 && error.extra.restriction === "password_change_required") handlers.restricted.forEach((h) => h());
      reject(error);
    };
    options.signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(file);
  });
}
