/**
 * Cancelling (the "cancel contract here" button the law asks for, §312k BGB): one button opens a confirmation
 * that says when the contract ends, one more confirms. In the starting phase the subscription ends the same day,
 * free of charge.
 */
import { useState } from "react";
import { api } from "../../api/client";
import { useI18n } from "../../i18n";
import { ErrorNotice, Notice } from "../../ui/components";
import { formatDate } from "../../ui/format";
import { useForm } from "../../ui/hooks";
import type { Subscription } from "./api";

export function CancelPanel({ sub, onChanged }: { sub: Subscription; onChanged: (s: Subscription) => void }) {
  const { t, lang } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const form = useForm({});
  const starting = sub.phase === "starting";
  if (sub.cancellation.cancelled_on) {
    return (
      <div>
        <Notice kind="warning">
          {t("sub.cancel.done", { date: formatDate(lang, sub.cancellation.ends_on) })}
        </Notice>
        <ErrorNotice error={form.error} />
        {sub.cancellation.revocable && (
          <button type="button" disabled={form.busy}
            onClick={() => form.submit(async () => onChanged(await api.post<Subscription>("/api/v1/billing/subscription/revoke-cancellation")))}>
            {t("sub.cancel.revoke")}
          </button>
        )}
      </div>
    );
  }
  if (sub.phase === "ended") return null;
  return (
    <div>
      <ErrorNotice error={form.error} />
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          {t("sub.cancel.button")}
        </button>
      ) : (
        <div className="notice warning" role="alertdialog" aria-labelledby="cancel-q">
          <p id="cancel-q">
            <strong>{starting ? t("sub.cancel.confirmStarting") : t("sub.cancel.confirm", { date: formatDate(lang, sub.cancellation.would_end_on) })}</strong>
          </p>
          <div className="buttons">
            <button type="button" className="danger" disabled={form.busy} autoFocus
              onClick={() => form.submit(async () => {
                onChanged(await api.post<Subscription>("/api/v1/billing/subscription/cancel"));
                setConfirming(false);
              })}>
              {t("sub.cancel.now")}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>{t("sub.cancel.keep")}</button>
          </div>
        </div>
      )}
    </div>
  );
}
