/** The dispatch API as the mailing pages use it (gateway/gateway/routes/dispatch.py; services/dispatch/README.md). */
import { api } from "../../api/client";

export const D = "/api/v1/dispatch";

export type MailingState = "draft" | "scheduled" | "sending" | "finished" | "cancelled";
export type Lane = "standard" | "premium";

export interface InlineRecipient {
  email: string;
  salutation?: string | null;
  title?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  organisation?: string | null;
}

export type Source =
  | { type: "list"; list_id: string }
  | { type: "contacts"; contact_ids: string[] }
  | { type: "selection"; selection_id: string }
  | { type: "addresses"; recipients: InlineRecipient[] };

export interface Attachment { id: string; filename: string; content_type: string; size: number }

export interface Mailing {
  id: string;
  client_id: string;
  name: string;
  subject: string;
  html: string | null;
  text: string | null;
  sender_id: string | null;
  lane: Lane;
  language: "de" | "en";
  sources: Source[];
  state: MailingState;
  total: number;
  /** the open pixel / links through the click redirect; null: the account's default */
  track_opens: boolean | null;
  track_clicks: boolean | null;
  scheduled_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string | null;
  attachments: Attachment[];
}

export interface Sender {
  id: string;
  from_name: string;
  from_address: string;
  reply_to: string | null;
  domain_id: string;
  user_ids: string[];
  sendable: boolean | null;
}

export type RecordKind = "dkim_rsa" | "dkim_ed25519" | "spf" | "dmarc" | "return_path";
export interface DnsRecord { kind: RecordKind; type: "TXT" | "CNAME"; name: string; value: string; strings?: string[]; required?: boolean; note?: string }
export interface RecordCheck { ok: boolean; found: string[]; problem: string | null; policy?: string | null; rua?: string[] | null }
/** SPF alignment through the custom return-path host and the customer's DMARC record, explained by dispatch. */
export interface Alignment {
  return_path_host: string; spf_aligned: boolean; dmarc_policy: "none" | "quarantine" | "reject" | null;
  dmarc_rua: string[]; explanation: { de: string; en: string }[];
}
export interface SenderDomain {
  id: string;
  domain: string;
  dkim_ok: boolean;
  allow_unverified: boolean;
  sendable: boolean;
  checked_at: string | null;
  check: Partial<Record<RecordKind, RecordCheck>> & { dkim_ok?: boolean };
  records: DnsRecord[];
  alignment?: Alignment;
  keys?: DkimKey[];
  rotation?: DkimRotation | null;
  /** the last sender-side bounce reason (blocked, auth_failure, reputation ...) of its mailings, and when */
  sender_issue?: string | null;
  sender_issue_at?: string | null;
  sent_30d?: number;
  complaints_30d?: number;
  complaint_rate_30d?: number | null;
}
export interface DkimKey {
  state: "active" | "pending" | "retiring"; signing: boolean; rsa_selector: string; ed25519_selector: string;
  records: DnsRecord[]; grace_days?: number; retire_after?: string | null; created_at?: string | null;
}
export interface DkimRotation {
  rsa_selector: string; ed25519_selector: string; records: DnsRecord[];
  check: Partial<Record<RecordKind, RecordCheck>>; checked_at: string | null;
}
export interface SenderInput { from_name: string; from_address?: string; reply_to: string | null; user_ids: string[] }

export const senderApi = {
  domains: (signal?: AbortSignal) => api.get<SenderDomain[]>(`${D}/domains`, { signal }),
  addDomain: (domain: string) => api.post<SenderDomain>(`${D}/domains`, { domain }),
  allowUnverified: (id: string, allow: boolean) => api.patch<SenderDomain>(`${D}/domains/${id}`, { allow_unverified: allow }),
  check: (id: string) => api.post<SenderDomain>(`${D}/domains/${id}/check`),
  startRotation: (id: string) => api.post<SenderDomain>(`${D}/domains/${id}/dkim-rotation`, {}),
  cancelRotation: (id: string) => api.delete(`${D}/domains/${id}/dkim-rotation`),
  removeDomain: (id: string) => api.delete(`${D}/domains/${id}`),
  senders: (signal?: AbortSignal) => api.get<Sender[]>(`${D}/senders`, { signal }),
  addSender: (body: SenderInput) => api.post<Sender>(`${D}/senders`, body),
  updateSender: (id: string, body: Partial<SenderInput>) => api.patch<Sender>(`${D}/senders/${id}`, body),
  removeSender: (id: string) => api.delete(`${D}/senders/${id}`),
};

export interface LeftOut { email: string; name?: string; reason: string; contact_id?: string | null }

export interface Problem { code: string; field: string | null; message: { de: string; en: string }; limit?: number }

export type Light = "green" | "amber" | "red";

/** The pre-send verdict against the mailbox providers' bulk-sender rules; red: the start is refused. */
export interface PresendVerdict {
  light: Light;
  reasons: { code: string; light: Light; message: { de: string; en: string } }[];
}

export interface Volume {
  recipients: number;
  left_out: number;
  left_out_by_reason: Record<string, number>;
  left_out_detail: LeftOut[];
  bytes_per_mail: number;
  total_bytes: number;
  max_recipients: number | null;
  premium_allowed: boolean;
  within_limit: boolean;
  sample?: { email: string; name: string }[];
  problems?: Problem[];
  verdict?: PresendVerdict;
}

export interface Preview {
  recipient: { email?: string; first_name?: string; last_name?: string; contact_id?: string | null };
  subject: string;
  html: string | null;
  text: string;
}

export interface Progress { state: MailingState; done: number; total: number }

export interface Report {
  state: MailingState;
  subject: string;
  lane: Lane;
  total: number; sent: number; delivered: number; deferred: number; queued: number;
  bounced_hard: number; bounced_soft: number; cancelled: number;
  opened: number; clicked: number; unsubscribed: number;
  machine_opens: number; machine_clicks: number; opens_total?: number; clicks_total?: number;
  left_out: number;
  complaints: number;
  /** complaints per mail sent (0.003 = 0.3 %); null before any mail was sent */
  complaint_rate: number | null;
  by_provider: ProviderFigures[];
  sender_issue: SenderIssue | null;
}

export type Provider = "gmail" | "outlook" | "gmx_webde" | "t_online" | "yahoo" | "other";

export interface ProviderFigures { provider: Provider; delivered: number; deferred: number; bounced: number; complaints: number }

/** a sender-side bounce reason (blocked, auth_failure, reputation ...) of the sending domain, and when it came */
export interface SenderIssue { domain: string; reason: string; at: string | null }

export interface RecipientRow {
  id: number; email: string; contact_id: string | null; state: string; bounce: string | null; attempts: number;
  last_code: number | null; last_reply: string | null; sent_at: string | null; final_at: string | null;
  next_attempt_at: string | null; opens: number; clicks: number;
}

export interface TimelineEvent { kind: string; machine: boolean; at: string; detail: Record<string, unknown> | null }
export interface Timeline { id: number; email: string; state: string; events: TimelineEvent[] }

export interface Undeliverable {
  id: number; email: string; contact_id: string | null; state: string; bounce: string | null;
  last_code: number | null; last_reply: string | null; final_at: string | null; corrected_email: string | null;
  resent: boolean;
}

export interface Job { id: string; state: "running" | "done" | "failed"; done: number; total: number; filename: string | null }

export interface Suppression {
  id: number; address: string; reason: string; detail: Record<string, unknown> | null; created_at: string;
  /** account: every user of the account sees it; client: an unsubscribe, seen by those who see its client */
  scope?: "account" | "client"; client_id?: string | null; mailing?: { id: string; name: string } | null;
}

export interface Page<T> { items: T[]; next_cursor: string | number | null }

export const mailingApi = {
  list: (query: Record<string, string | undefined>, signal?: AbortSignal) => api.get<Mailing[]>(`${D}/mailings`, { query, signal }),
  get: (id: string, signal?: AbortSignal) => api.get<Mailing>(`${D}/mailings/${id}`, { signal }),
  create: (body: Partial<Mailing>) => api.post<Mailing>(`${D}/mailings`, body),
  update: (id: string, body: Partial<Mailing>) => api.patch<Mailing>(`${D}/mailings/${id}`, body),
  remove: (id: string) => api.delete(`${D}/mailings/${id}`),
  senders: (signal?: AbortSignal) => api.get<Sender[]>(`${D}/senders`, { signal }),
  volume: (id: string, signal?: AbortSignal) => api.get<Volume>(`${D}/mailings/${id}/volume`, { signal }),
  preview: (id: string, email?: string) => api.post<Preview>(`${D}/mailings/${id}/preview`, email ? { email } : {}),
  testSend: (id: string, to: string[], email?: string) =>
    api.post<{ queued: number; to: string[] }>(`${D}/mailings/${id}/test-send`, { to, ...(email ? { email } : {}) }),
  start: (id: string, scheduledAt?: string) =>
    api.post<{ mailing: Mailing; recipients: number; left_out: number }>(`${D}/mailings/${id}/start`, scheduledAt ? { scheduled_at: scheduledAt } : {}),
  cancel: (id: string) => api.post<{ mailing: Mailing; cancelled: number }>(`${D}/mailings/${id}/cancel`),
  progress: (id: string) => api.get<Progress>(`${D}/mailings/${id}/progress`),
  report: (id: string, signal?: AbortSignal) => api.get<Report>(`${D}/mailings/${id}/report`, { signal }),
  recipients: (id: string, query: Record<string, string | number | undefined>, signal?: AbortSignal) =>
    api.get<Page<RecipientRow>>(`${D}/mailings/${id}/recipients`, { query, signal }),
  timeline: (id: string, deliveryId: number) => api.get<Timeline>(`${D}/mailings/${id}/recipients/${deliveryId}`),
  undeliverable: (id: string, signal?: AbortSignal) => api.get<Undeliverable[]>(`${D}/mailings/${id}/undeliverable`, { signal }),
  resend: (id: string, corrections: { delivery_id: number; email: string }[]) =>
    api.post<{ resent: number; skipped: { delivery_id: number; email: string; reason: string }[]; emails: string[] }>(
      `${D}/mailings/${id}/resend`, { corrections }),
  startExport: (id: string) => api.post<Job>(`${D}/mailings/${id}/exports`),
  job: (jobId: string) => api.get<Job>(`${D}/exports/${jobId}`),
  addAttachment: (id: string, body: { filename: string; content_type?: string; content_b64?: string; file_id?: string }) =>
    api.post<Attachment>(`${D}/mailings/${id}/attachments`, body),
  removeAttachment: (id: string, attachmentId: string) => api.delete(`${D}/mailings/${id}/attachments/${attachmentId}`),
};

/** crm and pressbase, for the recipients picker, placeholders and the mediacenter */
export interface CrmList { id: string; client_id: string; name: string; description?: string | null; kind: string; members?: number | null }
export interface ContactSummary {
  id: string; client_id: string; kind: string; title?: string | null; first_name?: string | null; last_name?: string | null;
  org_name?: string | null; organisation?: string | null; email?: string | null; email_state?: string | null;
}
export interface Selection { id: string; name: string; client_id: string | null; items: { journalists: number; outlets: number } }
export interface CustomField { key: string; label_de: string; label_en: string; type: string }
export interface MediaFolder { id: string; name: string; parent_id: string | null }
export interface MediaFile { id: string; name: string; content_type: string; size: number }

export function mailingStateKind(state: string): "neutral" | "ok" | "warn" | "bad" | "info" {
  return ({ draft: "neutral", scheduled: "info", sending: "warn", finished: "ok", cancelled: "bad" } as const)[state as MailingState] ?? "neutral";
}

/** "Anna Müller <anna@example.com>", "anna@example.com", "anna@example.com; Anna; Müller" -> recipient */
export function parseAddressLine(line: string): InlineRecipient | null {
  const text = line.trim();
  if (!text) return null;
  const angle = text.match(/^(.*)<\s*([^<>\s]+)\s*>\s*$/);
  if (angle) {
    const name = angle[1].trim().replace(/^"|"$/g, "").replace(/,$/, "").trim();
    return { email: angle[2], ...splitName(name) };
  }
  const parts = text.split(/[;\t,]/).map((p) => p.trim());
  if (parts.length > 1 && parts[0].includes("@")) {
    return { email: parts[0], first_name: parts[1] || null, last_name: parts[2] || null };
  }
  return { email: text };
}

function splitName(name: string): { first_name?: string | null; last_name?: string | null } {
  if (!name) return {};
  const words = name.split(/\s+/);
  if (words.length === 1) return { last_name: words[0] };
  return { first_name: words.slice(0, -1).join(" "), last_name: words[words.length - 1] };
}

export function formatAddress(r: InlineRecipient): string {
  const name = [r.first_name, r.last_name].filter(Boolean).join(" ");
  return name ? `${name} <${r.email}>` : r.email;
}

/** A readable plain-text twin of the HTML (the server derives one the same way when the text is left empty). */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const out: string[] = [];
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      out.push((node.textContent ?? "").replace(/\s+/g, " "));
      return;
    }
    if (!(node instanceof HTMLElement)) return;
    const tag = node.tagName.toLowerCase();
    if (["script", "style", "head"].includes(tag)) return;
    if (tag === "br") { out.push("\n"); return; }
    if (tag === "li") out.push("\n- ");
    node.childNodes.forEach(walk);
    if (tag === "a") {
      const href = node.getAttribute("href");
      if (href && href !== node.textContent) out.push(` (${href})`);
    }
    if (["p", "div", "h1", "h2", "h3", "h4", "ul", "ol", "blockquote", "tr", "table"].includes(tag)) out.push("\n\n");
  };
  doc.body.childNodes.forEach(walk);
  return out.join("").split("\n").map((l) => l.trim()).join("\n").replace(/\n{3,}/g, "\n\n").trim();
}

export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
