/**
 * Recipients: distribution lists, chosen contacts, pressbase selections and typed addresses; then the volume before
 * sending (recipients, size, the subscription's limit) and who is left out and why.
 */
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, optional } from "../../api/client";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Loading, Select, TableWrap, TextArea } from "../../ui/components";
import { formatBytes, formatNumber } from "../../ui/format";
import { useLoad } from "../../ui/hooks";
import { formatAddress, parseAddressLine, type ContactSummary, type CrmList, type InlineRecipient, type Page, type Selection, type Source } from "./api";
import { useMailing } from "./MailingPage";

const REASONS = ["invalid_address", "marked_invalid", "duplicate", "blacklist", "unsubscribed", "hard_bounce", "soft_bounces", "complaint"];

function contactName(c: ContactSummary): string {
  return [c.title, c.first_name, c.last_name].filter(Boolean).join(" ") || c.org_name || c.email || c.id;
}

function ContactPicker({ clientId, onAdd }: { clientId: string; onAdd: (ids: string[], names: Record<string, string>) => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState("");
  const [query, setQuery] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const results = useLoad((signal) => (query === null ? Promise.resolve(null)
    : api.get<Page<ContactSummary>>("/api/v1/crm/contacts", { signal, query: { q: query, client_id: clientId, has_email: "true", limit: 25 } })), [query, clientId]);
  return (
    <div>
      <div className="inline-form" role="search">
        <div className="field">
          <label htmlFor="contact-search">{t("mailings.src.contactSearch")}</label>
          <input id="contact-search" type="search" value={q} onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); setQuery(q.trim()); } }} />
        </div>
        <button type="button" onClick={() => setQuery(q.trim())}>{t("common.search")}</button>
      </div>
      <ErrorNotice error={results.error} />
      {query !== null && results.data && (
        results.data.items.length === 0 ? <p className="muted">{t("mailings.src.noContacts")}</p> : (
          <fieldset>
            <legend>{t("mailings.src.contactResults")}</legend>
            <ul className="check-list">
              {results.data.items.map((c) => (
                <li key={c.id}>
                  <input type="checkbox" id={`c-${c.id}`} checked={!!chosen[c.id]} onChange={(e) => {
                    const next = { ...chosen };
                    if (e.target.checked) next[c.id] = contactName(c);
                    else delete next[c.id];
                    setChosen(next);
                  }} />
                  <label htmlFor={`c-${c.id}`}>{contactName(c)} <span className="muted">{c.email}{c.organisation ? ` · ${c.organisation}` : ""}</span></label>
                </li>
              ))}
            </ul>
            <button type="button" disabled={Object.keys(chosen).length === 0}
              onClick={() => { onAdd(Object.keys(chosen), chosen); setChosen({}); }}>
              {t("mailings.src.addContacts", { n: Object.keys(chosen).length })}
            </button>
          </fieldset>
        )
      )}
    </div>
  );
}

/** "sources.2.addresses.recipients.3.email" -> line 4 of the typed addresses */
function addressErrors(fields: Record<string, string>, index: number): string[] {
  const out: string[] = [];
  const prefix = `sources.${index}.`;
  for (const [key, message] of Object.entries(fields)) {
    if (!key.startsWith(prefix)) continue;
    const m = key.match(/recipients\.(\d+)/);
    out.push(m ? `${Number(m[1]) + 1}: ${message}` : message);
  }
  return out;
}

function AddressBox({ index, recipients, onApply, errors }: { index: number; recipients: InlineRecipient[]; onApply: (r: InlineRecipient[]) => void; errors: string[] }) {
  const { t } = useI18n();
  const initial = useMemo(() => recipients.map(formatAddress).join("\n"), [recipients]);
  const [text, setText] = useState(initial);
  useEffect(() => setText(initial), [initial]);
  const apply = () => {
    const parsed = text.split(/\r?\n/).map(parseAddressLine).filter((r): r is InlineRecipient => r !== null);
    if (text !== initial) onApply(parsed);
  };
  return (
    <TextArea id={`addresses-${index}`} label={t("mailings.src.addresses")} hint={t("mailings.src.addressesHint")} rows={5} value={text}
      onChange={(e) => setText(e.target.value)} onBlur={apply}
      error={errors.length ? t("mailings.src.addressErrors", { list: errors.join("; ") }) : undefined} />
  );
}

function LeftOutReport() {
  const { t, lang } = useI18n();
  const { volume } = useMailing();
  if (!volume) return null;
  const reasons = Object.entries(volume.left_out_by_reason).sort((a, b) => b[1] - a[1]);
  return (
    <Card title={t("mailings.leftOut.title", { n: formatNumber(lang, volume.left_out) })} className="left-out">
      {volume.left_out === 0 ? <p>{t("mailings.leftOut.none")}</p> : (
        <>
          <ul className="status-list">
            {reasons.map(([reason, n]) => (
              <li key={reason} data-reason={reason}>
                <span>{t(`mailings.reason.${REASONS.includes(reason) ? reason : "other"}`)}<br /><span className="muted small-text">{t(`mailings.reasonHelp.${REASONS.includes(reason) ? reason : "other"}`)}</span></span>
                <strong>{formatNumber(lang, n)}</strong>
              </li>
            ))}
          </ul>
          <TableWrap label={t("mailings.leftOut.table")}>
            <thead><tr><th>{t("mailings.email")}</th><th>{t("mailings.recipientName")}</th><th>{t("mailings.reason")}</th></tr></thead>
            <tbody>
              {volume.left_out_detail.map((x, i) => (
                <tr key={`${x.email}-${i}`}>
                  <td>{x.email || "–"}</td><td>{x.name || "–"}</td>
                  <td><Badge kind={x.reason === "duplicate" ? "neutral" : "warn"}>{t(`mailings.reason.${REASONS.includes(x.reason) ? x.reason : "other"}`)}</Badge></td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
          {volume.left_out > volume.left_out_detail.length && <p className="hint">{t("mailings.leftOut.more", { n: volume.left_out_detail.length })}</p>}
        </>
      )}
    </Card>
  );
}

export function VolumeCard({ title }: { title?: string }) {
  const { t, lang } = useI18n();
  const { volume, volumeError, volumeLoading, loadVolume, dirty, save, editable, draft } = useMailing();
  const check = async () => {
    if (dirty && editable && !(await save())) return;
    await loadVolume();
  };
  return (
    <Card title={title ?? t("mailings.volume.title")} className="volume">
      {volumeLoading ? <Loading /> : volume ? (
        <>
          <dl className="figures">
            <div><dt>{t("mailings.volume.recipients")}</dt><dd className="big" data-figure="recipients">{formatNumber(lang, volume.recipients)}</dd></div>
            <div><dt>{t("mailings.volume.leftOut")}</dt><dd className="big" data-figure="left-out">{formatNumber(lang, volume.left_out)}</dd></div>
            <div><dt>{t("mailings.volume.perMail")}</dt><dd className="big">{formatBytes(lang, volume.bytes_per_mail)}</dd></div>
            <div><dt>{t("mailings.volume.total")}</dt><dd className="big">{formatBytes(lang, volume.total_bytes)}</dd></div>
          </dl>
          <p>
            {volume.max_recipients === null ? t("mailings.volume.unlimited") : t("mailings.volume.limit", { n: formatNumber(lang, volume.max_recipients), count: volume.max_recipients })}{" "}
            {volume.within_limit ? <Badge kind="ok">{t("mailings.volume.within")}</Badge> : <Badge kind="bad">{t("mailings.volume.exceeded")}</Badge>}
          </p>
          {(volume.problems ?? []).length > 0 && (
            <div className="notice warning" role="status">
              <strong>{t("mailings.problems")}</strong>
              <ul>{(volume.problems ?? []).map((p, i) => <li key={i} data-problem={p.code}>{p.message[lang] || p.message.de}</li>)}</ul>
            </div>
          )}
        </>
      ) : (
        <>
          <ErrorNotice error={volumeError} fieldsShown={false} />
          {draft.sources.length === 0 && <p className="muted">{t("mailings.volume.noSources")}</p>}
        </>
      )}
      <div className="buttons">
        <button type="button" onClick={check} disabled={volumeLoading || draft.sources.length === 0}>{t("mailings.volume.check")}</button>
      </div>
    </Card>
  );
}

export function RecipientsTab() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const { mailing, draft, set, fieldErrors, error, busy, dirty, save, editable, volume, loadVolume } = useMailing();
  const lists = useLoad((signal) => api.get<Page<CrmList>>("/api/v1/crm/lists", { signal, query: { client_id: mailing.client_id, limit: 200 } }).then((r) => r.items), [mailing.client_id]);
  const selections = useLoad((signal) => optional<Page<Selection>>("/api/v1/pressbase/selections", { signal, query: { limit: 200 } })
    .then((r) => (r?.items ?? []).filter((s) => !s.client_id || s.client_id === mailing.client_id)), [mailing.client_id]);
  const [listChoice, setListChoice] = useState("");
  const [selectionChoice, setSelectionChoice] = useState("");
  const [names, setNames] = useState<Record<string, string>>({});
  const [adding, setAdding] = useState<"" | "contacts">("");

  // the volume of what is saved, once, when the tab opens
  useEffect(() => {
    if (!volume && !dirty && draft.sources.length > 0) loadVolume();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, when the tab opens (not on every edit of the draft)
  }, []);

  const sources = draft.sources;
  const replace = (next: Source[]) => set("sources", next);
  const addressIndex = sources.findIndex((s) => s.type === "addresses");
  const contactIndex = sources.findIndex((s) => s.type === "contacts");
  const listName = (id: string) => lists.data?.find((l) => l.id === id)?.name ?? t("mailings.src.unknownList");
  const selectionName = (id: string) => selections.data?.find((s) => s.id === id)?.name ?? t("mailings.src.unknownSelection");

  const describe = (s: Source) => {
    switch (s.type) {
      case "list": {
        const l = lists.data?.find((x) => x.id === s.list_id);
        return <><Badge kind="info">{t("mailings.src.list")}</Badge> {listName(s.list_id)}{l?.kind === "dynamic" && <span className="muted"> ({t("mailings.src.dynamic")})</span>}</>;
      }
      case "selection":
        return <><Badge kind="info">{t("mailings.src.selection")}</Badge> {selectionName(s.selection_id)}</>;
      case "contacts":
        return (
          <>
            <Badge kind="info">{t("mailings.src.contacts")}</Badge> {t("mailings.src.contactCount", { n: formatNumber(lang, s.contact_ids.length), count: s.contact_ids.length })}
            {s.contact_ids.some((id) => names[id]) && <span className="muted"> – {s.contact_ids.map((id) => names[id]).filter(Boolean).slice(0, 8).join(", ")}</span>}
          </>
        );
      case "addresses":
        return <><Badge kind="info">{t("mailings.src.addressesShort")}</Badge> {t("mailings.src.addressCount", { n: formatNumber(lang, s.recipients.length), count: s.recipients.length })}</>;
    }
  };

  const sourcesError = Object.entries(fieldErrors).filter(([k]) => k === "sources" || (k.startsWith("sources.") && !/^sources\.\d+\.addresses/.test(k))).map(([, v]) => v);
  return (
    <form onSubmit={(e) => { e.preventDefault(); save().then((ok) => { if (ok) loadVolume(); }); }} noValidate>
      <ErrorNotice error={error} />
      <Card title={t("mailings.src.title")}>
        {sources.length === 0 ? <p className="muted">{t("mailings.src.none")}</p> : (
          <ul className="status-list sources">
            {sources.map((s, i) => (
              <li key={i}>
                <span>{describe(s)}</span>
                {editable && (
                  <button type="button" className="small" onClick={() => replace(sources.filter((_, j) => j !== i))}
                    aria-label={`${t("mailings.src.remove")}: ${s.type === "list" ? listName(s.list_id) : t(`mailings.src.${s.type === "addresses" ? "addressesShort" : s.type}`)}`}>
                    {t("mailings.src.remove")}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {sourcesError.length > 0 && <p className="field-error" role="alert">{sourcesError.join(" ")}</p>}
        {addressIndex >= 0 && editable && (
          <AddressBox index={addressIndex} recipients={(sources[addressIndex] as { recipients: InlineRecipient[] }).recipients}
            errors={addressErrors(fieldErrors, addressIndex)}
            onApply={(r) => replace(r.length ? sources.map((s, i) => (i === addressIndex ? { type: "addresses", recipients: r } : s)) : sources.filter((_, i) => i !== addressIndex))} />
        )}
      </Card>

      {editable && (
        <Card title={t("mailings.src.add")}>
          <div className="form-row">
            <div>
              <Select label={t("mailings.src.list")} value={listChoice} onChange={(e) => setListChoice(e.target.value)}
                hint={lists.data && lists.data.length === 0 ? t("mailings.src.noLists") : undefined}>
                <option value="">{t("mailings.src.chooseList")}</option>
                {(lists.data ?? []).filter((l) => !sources.some((s) => s.type === "list" && s.list_id === l.id)).map((l) => (
                  <option key={l.id} value={l.id}>{l.name}{l.kind === "dynamic" ? ` (${t("mailings.src.dynamic")})` : ""}</option>
                ))}
              </Select>
              <button type="button" disabled={!listChoice} onClick={() => { replace([...sources, { type: "list", list_id: listChoice }]); setListChoice(""); }}>
                {t("mailings.src.addList")}
              </button>
            </div>
            {selections.data && (
              <div>
                <Select label={t("mailings.src.selection")} value={selectionChoice} onChange={(e) => setSelectionChoice(e.target.value)}
                  hint={selections.data.length === 0 ? t("mailings.src.noSelections") : undefined}>
                  <option value="">{t("mailings.src.chooseSelection")}</option>
                  {selections.data.filter((x) => !sources.some((s) => s.type === "selection" && s.selection_id === x.id)).map((x) => (
                    <option key={x.id} value={x.id}>{x.name} ({formatNumber(lang, x.items.journalists)})</option>
                  ))}
                </Select>
                <button type="button" disabled={!selectionChoice} onClick={() => { replace([...sources, { type: "selection", selection_id: selectionChoice }]); setSelectionChoice(""); }}>
                  {t("mailings.src.addSelection")}
                </button>
              </div>
            )}
          </div>
          <div className="buttons">
            <button type="button" aria-expanded={adding === "contacts"} onClick={() => setAdding(adding === "contacts" ? "" : "contacts")}>{t("mailings.src.pickContacts")}</button>
            {addressIndex < 0 && (
              <button type="button" onClick={() => replace([...sources, { type: "addresses", recipients: [] }])}>{t("mailings.src.typeAddresses")}</button>
            )}
          </div>
          {adding === "contacts" && (
            <ContactPicker clientId={mailing.client_id} onAdd={(ids, picked) => {
              setNames({ ...names, ...picked });
              if (contactIndex >= 0) {
                const current = sources[contactIndex] as { contact_ids: string[] };
                const merged = Array.from(new Set([...current.contact_ids, ...ids]));
                replace(sources.map((s, i) => (i === contactIndex ? { type: "contacts", contact_ids: merged } : s)));
              } else replace([...sources, { type: "contacts", contact_ids: ids }]);
              setAdding("");
            }} />
          )}
        </Card>
      )}

      {editable && (
        <div className="buttons">
          <button type="submit" className="primary" disabled={busy}>{t("mailings.src.save")}</button>
          <button type="button" disabled={busy} onClick={async () => { if (await save()) navigate(`/mailings/${mailing.id}/send`); }}>{t("mailings.next.send")}</button>
          <span className="muted" role="status">{busy ? t("mailings.saving") : dirty ? t("mailings.unsaved") : t("mailings.allSaved")}</span>
        </div>
      )}
      {!editable && mailing.state !== "draft" && <p><Link to={`/mailings/${mailing.id}/report`}>{t("mailings.toReport")}</Link></p>}
      <VolumeCard />
      <LeftOutReport />
    </form>
  );
}
