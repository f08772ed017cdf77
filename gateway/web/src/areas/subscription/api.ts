/** billing's subscription shapes (GET /api/v1/billing/subscription, see the OpenAPI document). */
export interface Subscription {
  account_id: string;
  phase: "starting" | "regular" | "cancelled" | "ended";
  start_date: string;
  starting_phase: { first_day: string; last_day: string; active: boolean };
  regular_from: string;
  term_end: string;
  cancellation: { cancelled_on: string | null; ends_on: string | null; revocable: boolean; notice_deadline: string; would_end_on: string };
  plan: { seats: number; addons: string[]; monthly_net_cents: number };
  scheduled: { valid_from: string; seats: number; addons: string[]; monthly_net_cents: number }[];
  next_invoice_date: string | null;
  invoice_recipient: Record<string, string | null>;
  affiliates?: { name: string }[];
  purge_on: string | null;
}

export interface Consumption {
  storage: { used_bytes: number; included_bytes: number; measured_at: string | null };
  mails: { this_month: { mails_standard: number; mails_premium: number }; total: { mails_standard: number; mails_premium: number } };
  month: string;
}
