import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// the language on screen, as the i18n provider would set it
const lang = vi.hoisted(() => ({ value: "de" as "de" | "en" }));
vi.mock("../i18n", () => ({ getLang: () => lang.value }));

import { ApiError, api, onRestricted, onUnauthenticated, optional, request, upload, url } from "./client";

interface Call { url: string; init: RequestInit }

/** A fake fetch answering each call with the next of `answers` (a Response or an error to throw). */
function fakeFetch(...answers: (Response | Error)[]) {
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    const next = answers.shift();
    if (!next) throw new Error("unexpected fetch");
    if (next instanceof Error) throw next;
    return next;
  });
  vi.stubGlobal("fetch", fn);
  return calls;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type, ...headers } });
}

function headersOf(call: Call): Record<string, string> {
  return call.init.headers as Record<string, string>;
}

const problem422 = {
  type: "about:blank", title: "Ungültige Eingabe", status: 422, code: "invalid_input", detail: "Bitte prüfen Sie die Felder.",
  errors: [
    { field: "name", message: "Pflichtfeld." },
    { field: "company.address.city", message: "Zu lang." },
    { field: "name", message: "Höchstens 100 Zeichen." },
  ],
  request_id: "body-id",
};

beforeEach(() => {
  lang.value = "de";
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("requests", () => {
  it("sends the CSRF header, JSON accept and the session cookie with a GET, and no body", async () => {
    const calls = fakeFetch(json(200, { ok: true }));
    expect(await api.get("/api/v1/me")).toEqual({ ok: true });
    expect(calls).toHaveLength(1);
    const { init } = calls[0];
    expect(init.method).toBe("GET");
    expect(headersOf(calls[0])["X-Requested-With"]).toBe("pressroom-web");
    expect(headersOf(calls[0]).Accept).toContain("application/problem+json");
    expect(headersOf(calls[0])["Content-Type"]).toBeUndefined();
    expect(init.credentials).toBe("same-origin");
    expect(init.body).toBeUndefined();
  });

  it("sends the CSRF header and a JSON body with every change", async () => {
    const calls = fakeFetch(json(201, { id: "l1" }), json(200, {}), json(200, {}), new Response(null, { status: 204 }));
    await api.post("/api/v1/crm/lists", { name: "Presse", client_id: "c1" });
    await api.patch("/api/v1/me", { language: "en" });
    await api.put("/api/v1/x");
    await api.delete("/api/v1/crm/lists/l1");
    expect(calls.map((c) => c.init.method)).toEqual(["POST", "PATCH", "PUT", "DELETE"]);
    for (const call of calls) expect(headersOf(call)["X-Requested-With"]).toBe("pressroom-web");
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ name: "Presse", client_id: "c1" });
    expect(headersOf(calls[0])["Content-Type"]).toBe("application/json");
    expect(calls[2].init.body).toBe("{}");   // a POST/PUT/PATCH without a body still sends an empty JSON object
  });

  it("a caller's header does not replace the CSRF header unless it names it", async () => {
    const calls = fakeFetch(json(200, {}));
    await api.get("/api/v1/x", { headers: { "If-None-Match": "abc" } });
    expect(headersOf(calls[0])["If-None-Match"]).toBe("abc");
    expect(headersOf(calls[0])["X-Requested-With"]).toBe("pressroom-web");
  });

  it("answers a 204 with null", async () => {
    fakeFetch(new Response(null, { status: 204 }));
    expect(await api.delete("/api/v1/crm/lists/l1")).toBeNull();
  });
});

describe("language and query", () => {
  it("sends the language on screen as ?lang=", async () => {
    const calls = fakeFetch(json(200, {}), json(200, {}));
    await api.get("/api/v1/me");
    lang.value = "en";
    await api.get("/api/v1/me");
    expect(new URL(calls[0].url, "http://x").searchParams.get("lang")).toBe("de");
    expect(new URL(calls[1].url, "http://x").searchParams.get("lang")).toBe("en");
  });

  it("keeps a lang the caller set", () => {
    lang.value = "en";
    expect(url("/api/v1/status", { lang: "de" })).toBe("/api/v1/status?lang=de");
  });

  it("repeats arrays, leaves out empty values, keeps false and 0", () => {
    const u = new URL(url("/api/v1/crm/contacts", { tag: ["a", "b"], q: "", city: null, kind: undefined, has_email: false, limit: 0 }), "http://x");
    expect(u.pathname).toBe("/api/v1/crm/contacts");
    expect(u.searchParams.getAll("tag")).toEqual(["a", "b"]);
    expect(u.searchParams.has("q")).toBe(false);
    expect(u.searchParams.has("city")).toBe(false);
    expect(u.searchParams.has("kind")).toBe(false);
    expect(u.searchParams.get("has_email")).toBe("false");
    expect(u.searchParams.get("limit")).toBe("0");
    expect(u.searchParams.get("lang")).toBe("de");
  });

  it("puts a relative path under /api/v1 and encodes values", () => {
    expect(url("crm/lists", { q: "a&b=c" })).toBe("/api/v1/crm/lists?q=a%26b%3Dc&lang=de");
  });
});

describe("errors (problem+json)", () => {
  it("throws ApiError with status, code, texts, field messages and the request id", async () => {
    fakeFetch(json(422, problem422, { "X-Request-Id": "hdr-id" }));
    const error = await api.post("/api/v1/crm/contacts", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect(e.status).toBe(422);
    expect(e.code).toBe("invalid_input");
    expect(e.title).toBe("Ungültige Eingabe");
    expect(e.detail).toBe("Bitte prüfen Sie die Felder.");
    expect(e.message).toBe("Bitte prüfen Sie die Felder.");
    expect(e.requestId).toBe("hdr-id");
    // two messages for one field are joined, a nested path stays as the API names it
    expect(e.fields).toEqual({ name: "Pflichtfeld. Höchstens 100 Zeichen.", "company.address.city": "Zu lang." });
    expect(e.field("company.address.city")).toBe("Zu lang.");
  });

  it("takes the request id from the body when the header is missing, and extra as given", async () => {
    fakeFetch(json(409, { title: "Conflict", code: "conflict", request_id: "body-id", extra: { limit: 3 } }));
    const e = (await api.get("/api/v1/x").catch((x: unknown) => x)) as ApiError;
    expect(e.requestId).toBe("body-id");
    expect(e.extra).toEqual({ limit: 3 });
    expect(e.detail).toBe("");
    expect(e.message).toBe("Conflict");   // no detail: the title
    expect(e.fields).toEqual({});
  });

  it("a non-JSON error page still becomes an ApiError named after the status", async () => {
    fakeFetch(new Response("<html>Bad Gateway</html>", { status: 502, headers: { "Content-Type": "text/html" } }));
    const e = (await api.get("/api/v1/x").catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(502);
    expect(e.code).toBe("http_502");
    expect(e.title).toBe("HTTP 502");
    expect(e.requestId).toBeNull();
  });

  it("ignores malformed entries in errors", async () => {
    fakeFetch(json(422, { title: "x", errors: [null, { message: "no field" }, { field: "email", message: "Ungültig." }] }));
    const e = (await api.post("/api/v1/x", {}).catch((x: unknown) => x)) as ApiError;
    expect(e.fields).toEqual({ email: "Ungültig." });
  });

  it("a failed connection is status 0, code network; an abort is passed through", async () => {
    fakeFetch(new TypeError("Failed to fetch"));
    const e = (await api.get("/api/v1/x").catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code]).toEqual([0, "network"]);

    fakeFetch(new DOMException("aborted", "AbortError"));
    const aborted = await api.get("/api/v1/x").catch((x: unknown) => x);
    expect(aborted).not.toBeInstanceOf(ApiError);
    expect((aborted as Error).name).toBe("AbortError");
  });
});

describe("session handlers", () => {
  it("a 401 on a protected call tells the app (login page); not with auth: false, not after unsubscribing", async () => {
    const gone = vi.fn();
    const off = onUnauthenticated(gone);
    fakeFetch(json(401, { title: "Unauthorized", code: "unauthenticated" }), json(401, { title: "x" }), json(401, { title: "x" }));
    await expect(api.get("/api/v1/me")).rejects.toMatchObject({ status: 401, code: "unauthenticated" });
    expect(gone).toHaveBeenCalledTimes(1);
    await expect(api.post("/api/v1/auth/login", { email: "a" }, { auth: false })).rejects.toBeInstanceOf(ApiError);
    expect(gone).toHaveBeenCalledTimes(1);
    off();
    await expect(api.get("/api/v1/me")).rejects.toBeInstanceOf(ApiError);
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it("a 403 asking for a password change tells the app; another 403 does not", async () => {
    const restricted = vi.fn();
    const off = onRestricted(restricted);
    fakeFetch(json(403, { title: "Forbidden", extra: { restriction: "password_change_required" } }), json(403, { title: "Forbidden" }));
    await expect(request("GET", "/api/v1/crm/contacts")).rejects.toMatchObject({ status: 403 });
    await expect(request("GET", "/api/v1/crm/contacts")).rejects.toMatchObject({ status: 403 });
    expect(restricted).toHaveBeenCalledTimes(1);
    off();
  });
});

describe("optional", () => {
  it("is null for an absent or forbidden route, the data otherwise", async () => {
    fakeFetch(json(404, { title: "Not Found" }), json(403, { title: "Forbidden" }), json(200, { items: [1] }));
    expect(await optional("/api/v1/crm/imports")).toBeNull();
    expect(await optional("/api/v1/crm/imports")).toBeNull();
    expect(await optional("/api/v1/crm/imports")).toEqual({ items: [1] });
  });

  it("still throws a server error and a validation error", async () => {
    fakeFetch(json(500, { title: "Internal" }), json(422, { title: "Invalid" }));
    await expect(optional("/api/v1/x")).rejects.toMatchObject({ status: 500 });
    await expect(optional("/api/v1/x")).rejects.toMatchObject({ status: 422 });
  });
});

/** The part of XMLHttpRequest `upload` uses; answers with `status`/`body` when sent. */
class FakeXhr {
  static last: FakeXhr;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  status = 0;
  responseText = "";
  sent: unknown;
  upload: { onprogress?: (e: { loaded: number; total: number; lengthComputable: boolean }) => void } = {};
  onload?: () => void;
  onerror?: () => void;
  onabort?: () => void;
  responseHeaders: Record<string, string> = {};
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, u: string) { this.method = method; this.url = u; }
  setRequestHeader(name: string, value: string) { this.headers[name] = value; }
  getResponseHeader(name: string) { return this.responseHeaders[name] ?? null; }
  abort() { this.onabort?.(); }
  send(body: unknown) { this.sent = body; }
  answer(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.responseHeaders = headers;
    this.onload?.();
  }
}

describe("upload", () => {
  it("posts the file with the CSRF header, its type, the filename and the language", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    const file = new Blob(["a;b\n1;2\n"], { type: "text/csv" });
    const progress = vi.fn();
    const done = upload<{ id: string }>("/api/v1/crm/imports", file, { filename: "Kontakte März.csv", query: { client_id: "c1" }, onProgress: progress });
    const xhr = FakeXhr.last;
    xhr.upload.onprogress?.({ loaded: 4, total: 8, lengthComputable: true });
    xhr.answer(201, { id: "imp1" });
    expect(await done).toEqual({ id: "imp1" });
    expect(xhr.method).toBe("POST");
    expect(xhr.headers["X-Requested-With"]).toBe("pressroom-web");
    expect(xhr.headers["Content-Type"]).toBe("text/csv");
    const u = new URL(xhr.url, "http://x");
    expect(u.searchParams.get("filename")).toBe("Kontakte März.csv");
    expect(u.searchParams.get("client_id")).toBe("c1");
    expect(u.searchParams.get("lang")).toBe("de");
    expect(xhr.sent).toBe(file);
    expect(progress).toHaveBeenCalledWith(4, 8);
  });

  it("rejects with the problem's field messages", async () => {
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    const done = upload("/api/v1/media/files", new Blob(["x"]), { filename: "a\nb.txt" });
    FakeXhr.last.answer(422, { title: "Invalid", code: "invalid_input", errors: [{ field: "filename", message: "Eine Zeile." }] }, { "X-Request-Id": "r1" });
    await expect(done).rejects.toMatchObject({ status: 422, fields: { filename: "Eine Zeile." }, requestId: "r1" });
    expect(FakeXhr.last.headers["Content-Type"]).toBe("application/octet-stream");
  });
});
