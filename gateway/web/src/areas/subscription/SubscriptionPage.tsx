/**
 * The license manager's subscription: plan (seats, add-ons, monthly price), changes (extensions at once with a
 * pro-rata invoice; reductions from 1 January, shown as scheduled), cancel and revoke, invoices as PDF, the
 * invoice recipient (billing address).
 */
import { useEffect, useState } from "react";
import { api } from "../../api/client";
import { useI18n, type Lang } from "../../i18n";
import { Badge, Card, Checkbox, ErrorNotice, Loading, Notice, Page, Select, TableWrap } from "../../ui/components";
import { formatDate, formatMoney } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import { PhaseBadge } from "../home/HomePage";
import { CancelPanel } from "./CancelPanel";
import type { Subscription } from "./api";

interface Catalogue {
  tiers: { seats: number; monthly_net_cents: number }[];
  tier_step: { seats: number; monthly_net_cents: number; max_seats: number };
  addons: { code: string; name: { de: string; en: string }; monthly_net_cents: number | null; requires: string[]; individual: boolean }[];
}
interface Invoice {
  id: string; number: string; doc_type: string; kind: string; issue_date: string; due_date: string;
  period_from: string | null; period_to: string | null; net_cents: number; gross_cents: number;
}

function seatOptions(cat: Catalogue, current: number): number[] {
  const set = new Set(cat.tiers.map((t) => t.seats));
  const last = Math.max(...set);
  for (let s = last + cat.tier_step.seats; s <= Math.min(cat.tier_step.max_seats, Math.max(current, last) + 10 * cat.tier_step.seats); s += cat.tier_step.seats) set.add(s);
  set.add(current);
  return [...set].sort((a, b) => a - b);
}

function addonName(cat: Catalogue | null, code: string, lang: Lang) {
  return cat?.addons.find((a) => a.code === code)?.name[lang] ?? code;
}

function ChangePlan({ sub, cat, onChanged }: { sub: Subscription; cat: Catalogue; onChanged: (s: Subscription, invoice: Invoice | null) => void }) {
  const { t, lang } = useI18n();
  const form = useForm({ seats: String(sub.plan.seats), addons: sub.plan.addons });
  useEffect(() => form.setValues({ seats: String(sub.plan.seats), addons: sub.plan.addons }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [sub.plan.seats, sub.plan.addons.join(",")]);
  const toggle = (code: string, on: boolean) =>
    form.set("addons", on ? [...form.values.addons, code] : form.values.addons.filter((a) => a !== code));
  return (
    <form noValidate aria-labelledby="change-title" onSubmit={(e) => {
      e.preventDefault();
      form.submit(async (v) => {
        const r = await api.post<{ subscription: Subscription; invoice: Invoice | null }>("/api/v1/billing/subscription/changes",
          { seats: Number(v.seats), addons: v.addons });
        onChanged(r.subscription, r.invoice);
      });
    }}>
      <h2 id="change-title">{t("sub.change.title")}</h2>
      <p className="muted">{t("sub.change.intro")}</p>
      <ErrorNotice error={form.error} />
      <Select label={t("sub.seats")} value={form.values.seats} onChange={(e) => form.set("seats", e.target.value)} error={form.fieldErrors.seats}>
        {seatOptions(cat, sub.plan.seats).map((s) => <option key={s} value={s}>{s}</option>)}
      </Select>
      <fieldset>
        <legend>{t("sub.addons")}</legend>
        {cat.addons.filter((a) => !a.individual).map((a) => (
          <Checkbox key={a.code} label={`${a.name[lang]} (${formatMoney(lang, a.monthly_net_cents)} ${t("sub.perMonth")})`}
            checked={form.values.addons.includes(a.code)} onChange={(e) => toggle(a.code, e.target.checked)} />
        ))}
        {form.fieldErrors.addons && <p className="field-error">{form.fieldErrors.addons}</p>}
      </fieldset>
      <div className="buttons"><button type="submit" className="primary" disabled={form.busy}>{t("sub.change.submit")}</button></div>
    </form>
  );
}

export function SubscriptionPage() {
  const { t, lang } = useI18n();
  const data = useLoad(async (signal) => {
    const [sub, cat, invoices] = await Promise.all([
      api.get<Subscription>("/api/v1/billing/subscription", { signal }),
      api.get<Catalogue>("/api/v1/billing/catalogue", { signal }),
      api.get<Invoice[]>("/api/v1/billing/invoices", { signal }),
    ]);
    return { sub, cat, invoices };
  });
  const [notice, setNotice] = useState<{ number: string; gross: number } | "saved" | null>(null);
  const d = data.data;
  if (!d) return <Page title={t("sub.title")}>{data.loading ? <Loading /> : <ErrorNotice error={data.error} />}</Page>;
  const { sub, cat, invoices } = d;
  const r = sub.invoice_recipient;
  return (
    <Page title={t("sub.title")} wide>
      {notice && <Notice kind="success">{notice === "saved" ? t("sub.change.saved") : t("sub.change.invoiced", { number: notice.number, amount: formatMoney(lang, notice.gross) })}</Notice>}
      <div className="grid">
        <Card title={t("sub.plan")}>
          <dl className="facts">
            <dt>{t("sub.state")}</dt><dd><PhaseBadge phase={sub.phase} /></dd>
            {sub.phase === "starting" && <><dt>{t("sub.startingUntil")}</dt><dd>{formatDate(lang, sub.starting_phase.last_day)}</dd></>}
            <dt>{t("sub.seats")}</dt><dd>{sub.plan.seats}</dd>
            <dt>{t("sub.addons")}</dt><dd>{sub.plan.addons.length ? sub.plan.addons.map((a) => addonName(cat, a, lang)).join(", ") : "–"}</dd>
            <dt>{t("sub.monthly")}</dt><dd>{formatMoney(lang, sub.plan.monthly_net_cents)} {t("sub.net")}</dd>
            <dt>{t("sub.termEnd")}</dt><dd>{formatDate(lang, sub.term_end)}</dd>
            <dt>{t("sub.nextInvoice")}</dt><dd>{formatDate(lang, sub.next_invoice_date)}</dd>
          </dl>
          {sub.scheduled.length > 0 && (
            <>
              <h3>{t("sub.scheduled")}</h3>
              <ul data-testid="scheduled">
                {sub.scheduled.map((s) => (
                  <li key={s.valid_from}>
                    <Badge kind="info">{t("sub.from", { date: formatDate(lang, s.valid_from) })}</Badge>{" "}
                    {t("sub.scheduledPlan", { seats: s.seats, count: s.seats, addons: s.addons.map((a) => addonName(cat, a, lang)).join(", ") || "–", price: formatMoney(lang, s.monthly_net_cents) })}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
        <Card title={t("sub.recipient")}>
          <address>
            {[r.name, r.attention, r.street, [r.postcode, r.city].filter(Boolean).join(" "), r.country].filter(Boolean).map((line, i) => <div key={i}>{line}</div>)}
          </address>
          <dl className="facts" style={{ marginTop: "0.5rem" }}>
            {r.vat_id && <><dt>{t("sub.vatId")}</dt><dd>{r.vat_id}</dd></>}
            {r.email && <><dt>{t("sub.invoiceEmail")}</dt><dd>{r.email}</dd></>}
            <dt>{t("sub.delivery")}</dt><dd>{r.delivery === "letter" ? t("sub.delivery.letter") : t("sub.delivery.email")}</dd>
          </dl>
          <p className="muted">{t("sub.recipientChange")}</p>
        </Card>
      </div>
      {sub.phase !== "ended" && <Card><ChangePlan sub={sub} cat={cat} onChanged={(s, inv) => {
        data.setData({ ...d, sub: s, invoices: inv ? [inv, ...invoices] : invoices });
        setNotice(inv ? { number: inv.number, gross: inv.gross_cents } : "saved");
      }} /></Card>}
      <Card title={t("sub.cancel.title")}>
        <p className="muted">{sub.phase === "starting" ? t("sub.cancel.startingRule") : t("sub.cancel.rule", { deadline: formatDate(lang, sub.cancellation.notice_deadline), date: formatDate(lang, sub.cancellation.would_end_on) })}</p>
        <CancelPanel sub={sub} onChanged={(s) => data.setData({ ...d, sub: s })} />
      </Card>
      <h2>{t("sub.invoices")}</h2>
      <TableWrap label={t("sub.invoices")}>
        <thead><tr><th>{t("sub.inv.number")}</th><th>{t("sub.inv.date")}</th><th>{t("sub.inv.period")}</th><th className="num">{t("sub.inv.net")}</th><th className="num">{t("sub.inv.gross")}</th><th>PDF</th></tr></thead>
        <tbody>
          {invoices.length === 0 && <tr><td colSpan={6}>{t("sub.inv.none")}</td></tr>}
          {invoices.map((inv) => (
            <tr key={inv.id}>
              <td>{inv.number}{inv.doc_type === "credit_note" && <> <Badge kind="warn">{t("sub.inv.credit")}</Badge></>}</td>
              <td>{formatDate(lang, inv.issue_date)}</td>
              <td>{inv.period_from ? `${formatDate(lang, inv.period_from)} – ${formatDate(lang, inv.period_to)}` : "–"}</td>
              <td className="num">{formatMoney(lang, inv.net_cents)}</td>
              <td className="num">{formatMoney(lang, inv.gross_cents)}</td>
              <td><a href={`/api/v1/billing/invoices/${inv.id}/pdf?lang=${lang}`} download>{t("common.download")}<span className="sr-only"> {inv.number}</span></a></td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
    </Page>
  );
}
