/** Likely duplicates in one client (same e-mail address; similar name and organisation) and merging a pair. */
import { useState } from "react";
import { Link } from "react-router-dom";
import { ApiError, api } from "../../api/client";
import { ClientSelect, useClients } from "../../app/clients";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Loading, Notice, Page } from "../../ui/components";
import { useLoad } from "../../ui/hooks";
import { CRM, displayName, type ContactSummary } from "./api";
import { EmailState, ReadOnlyNotice } from "./shared";
import { ContactsTabs } from "./Tabs";

interface Pair { a: ContactSummary; b: ContactSummary; reasons: string[]; score: number }

function Side({ c }: { c: ContactSummary }) {
  return (
    <div className="dup-side">
      <Link to={`/contacts/${c.id}`}><strong>{displayName(c)}</strong></Link>
      <div>{[c.position, c.kind === "person" ? c.organisation : ""].filter(Boolean).join(", ") || "–"}</div>
      <div>{c.email ?? "–"} <EmailState state={c.email && c.email_state !== "valid" ? c.email_state : null} /></div>
      <div className="muted">{[c.city, c.country].filter(Boolean).join(", ")}</div>
    </div>
  );
}

/** The name on a "keep" button; with the address too when both sides have the same name (buttons must differ). */
function keepLabel(c: ContactSummary, other: ContactSummary): string {
  const name = displayName(c);
  return name === displayName(other) && c.email ? `${name} (${c.email})` : name;
}

export function DuplicatesPage() {
  const { t } = useI18n();
  const { clients, writable } = useClients();
  const [chosen, setChosen] = useState("");
  const clientId = chosen || clients[0]?.id || "";
  const pairs = useLoad((signal) => (clientId ? api.get<{ items: Pair[] }>(`${CRM}/duplicates`, { signal, query: { client_id: clientId, limit: 100 } }).then((r) => r.items) : Promise.resolve([] as Pair[])), [clientId]);
  const [error, setError] = useState<ApiError | null>(null);
  const [merged, setMerged] = useState<string | null>(null);
  const canWrite = writable(clientId);
  const merge = async (keep: ContactSummary, other: ContactSummary) => {
    setError(null);
    setMerged(null);
    try {
      await api.post(`${CRM}/contacts/${keep.id}/merge`, { other_id: other.id });
      setMerged(t("dups.merged", { keep: displayName(keep), other: displayName(other) }));
      pairs.reload();
    } catch (exc) {
      if (exc instanceof ApiError) setError(exc);
    }
  };
  return (
    <Page title={t("dups.title")} wide>
      <ContactsTabs />
      <p className="muted">{t("dups.intro")}</p>
      <div className="inline-form"><ClientSelect clients={clients} value={clientId} onChange={setChosen} /></div>
      <ReadOnlyNotice clients={clients} id={clientId} />
      {merged && <Notice kind="success">{merged}</Notice>}
      <ErrorNotice error={error ?? pairs.error} fieldsShown={false} />
      {pairs.loading && !pairs.data ? <Loading /> : pairs.data && pairs.data.length === 0 ? <p>{t("dups.none")}</p> : (
        <ul className="plain dup-list">
          {pairs.data?.map((p) => (
            <li key={`${p.a.id}-${p.b.id}`}>
              <Card>
                <p>{p.reasons.map((r) => <Badge key={r} kind={r === "same_email" ? "warn" : "info"}>{t(`dups.reason.${r}`)}</Badge>)} <span className="muted">{t("dups.score", { n: Math.round(p.score * 100) })}</span></p>
                <div className="dup-pair">
                  <Side c={p.a} />
                  <Side c={p.b} />
                </div>
                {canWrite && (
                  <div className="buttons">
                    <button type="button" onClick={() => merge(p.a, p.b)}>{t("dups.keep", { name: keepLabel(p.a, p.b) })}</button>
                    <button type="button" onClick={() => merge(p.b, p.a)}>{t("dups.keep", { name: keepLabel(p.b, p.a) })}</button>
                  </div>
                )}
              </Card>
            </li>
          ))}
        </ul>
      )}
      <p className="hint">{t("dups.hint")}</p>
    </Page>
  );
}
