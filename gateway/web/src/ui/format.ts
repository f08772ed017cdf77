/** Numbers, money, sizes and dates the way German and English readers expect them. */
import type { Lang } from "../i18n";

const locale = (lang: Lang) => (lang === "de" ? "de-DE" : "en-GB");

export function formatNumber(lang: Lang, value: number | null | undefined): string {
  return new Intl.NumberFormat(locale(lang)).format(value ?? 0);
}

/** euro cents -> "1.234,56 €" / "€1,234.56" */
export function formatMoney(lang: Lang, cents: number | null | undefined): string {
  return new Intl.NumberFormat(locale(lang), { style: "currency", currency: "EUR" }).format((cents ?? 0) / 100);
}

/** binary multiples (1 GB = 1024³ bytes), as billing counts storage */
export function formatBytes(lang: Lang, bytes: number | null | undefined): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes ?? 0;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale(lang), { maximumFractionDigits: unit ? 1 : 0 }).format(value)} ${units[unit]}`;
}

export function formatDate(lang: Lang, iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(lang), { day: "2-digit", month: "2-digit", year: "numeric" }).format(d);
}

export function formatDateTime(lang: Lang, iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: "medium", timeStyle: "short" }).format(d);
}

/** whole days from today to an ISO date (inclusive of that day) */
export function daysUntil(iso: string, today = new Date()): number {
  const end = new Date(`${iso}T00:00:00`);
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((end.getTime() - start.getTime()) / 86_400_000) + 1;
}
