/** Compose: subject, sender, the HTML body with placeholders, the text version, attachments. */
import { useRef, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, ApiError } from "../../api/client";
import { useSession } from "../../app/session";
import { useI18n } from "../../i18n";
import { Card, ErrorNotice, Field, Notice, Select, TableWrap, TextArea } from "../../ui/components";
import { formatBytes } from "../../ui/format";
import { useLoad } from "../../ui/hooks";
import { MediaFilePicker } from "../media/MediaFilePicker";
import { fileToBase64, htmlToText, mailingApi, type CustomField } from "./api";
import { HtmlEditor, type EditorHandle } from "./Editor";
import { useMailing } from "./MailingPage";

type Target = "subject" | "html" | "text";

const FIELDS = ["letter_salutation", "salutation", "title", "first_name", "last_name", "organisation", "position", "email"];

function Placeholders({ onInsert, disabled }: { onInsert: (code: string) => void; disabled: boolean }) {
  const { t, lang } = useI18n();
  const custom = useLoad((signal) => api.get<CustomField[] | { items: CustomField[] }>("/api/v1/crm/custom-fields", { signal })
    .then((r) => (Array.isArray(r) ? r : r.items ?? [])).catch(() => [] as CustomField[]));
  return (
    <Select label={t("mailings.placeholder")} hint={t("mailings.placeholderHint")} value="" disabled={disabled}
      onChange={(e) => {
        if (e.target.value) onInsert(e.target.value);
      }}>
      <option value="">{t("mailings.placeholder.choose")}</option>
      <optgroup label={t("mailings.placeholder.fields")}>
        {FIELDS.map((f) => <option key={f} value={`{{ ${f} }}`}>{t(`mailings.placeholder.${f}`)}</option>)}
      </optgroup>
      {(custom.data ?? []).length > 0 && (
        <optgroup label={t("mailings.placeholder.custom")}>
          {(custom.data ?? []).map((f) => (
            <option key={f.key} value={`{{ custom.${f.key} }}`}>{lang === "de" ? f.label_de : f.label_en || f.label_de}</option>
          ))}
        </optgroup>
      )}
    </Select>
  );
}

function Attachments() {
  const { t, lang } = useI18n();
  const { mailing, setMailing, editable } = useMailing();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [media, setMedia] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (exc) {
      setError(exc instanceof ApiError ? exc : new ApiError(0, null, null));
    } finally {
      setBusy(false);
    }
  };
  const added = (a: (typeof mailing.attachments)[number]) => setMailing({ ...mailing, attachments: [...mailing.attachments, a] });
  const fieldError = error ? error.fields.content_b64 || error.fields.file_id || error.fields.filename || (error.status === 413 ? error.detail : undefined) : undefined;
  const total = mailing.attachments.reduce((s, a) => s + a.size, 0);
  return (
    <Card title={t("mailings.attach.title")}>
      {mailing.attachments.length === 0 ? <p className="muted">{t("mailings.attach.none")}</p> : (
        <TableWrap label={t("mailings.attach.title")}>
          <tbody>
            {mailing.attachments.map((a) => (
              <tr key={a.id}>
                <td>{a.filename}</td>
                <td className="num">{formatBytes(lang, a.size)}</td>
                {editable && (
                  <td className="num">
                    <button type="button" className="small" disabled={busy} aria-label={`${t("mailings.attach.remove")}: ${a.filename}`}
                      onClick={() => run(async () => {
                        await mailingApi.removeAttachment(mailing.id, a.id);
                        setMailing({ ...mailing, attachments: mailing.attachments.filter((x) => x.id !== a.id) });
                      })}>{t("mailings.attach.remove")}</button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <p className="hint">{t("mailings.attach.limit", { used: formatBytes(lang, total) })}</p>
      {editable && (
        <>
          <div className={`field${fieldError ? " has-error" : ""}`}>
            <label htmlFor="mailing-upload">{t("mailings.attach.upload")}</label>
            <input id="mailing-upload" ref={fileInput} type="file" disabled={busy} aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? "mailing-upload-error" : undefined}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                run(async () => {
                  const content = await fileToBase64(file);
                  added(await mailingApi.addAttachment(mailing.id, { filename: file.name, content_type: file.type || "application/octet-stream", content_b64: content }));
                  if (fileInput.current) fileInput.current.value = "";
                });
              }} />
            {fieldError && <p className="field-error" id="mailing-upload-error">{fieldError}</p>}
          </div>
          {error && !fieldError && <ErrorNotice error={error} />}
          {media ? (
            <MediaFilePicker clientId={mailing.client_id} actionLabel={t("mailings.attach.pick")} onCancel={() => setMedia(false)}
              onPick={(f) => run(async () => {
                added(await mailingApi.addAttachment(mailing.id, { filename: f.name, content_type: f.content_type, file_id: f.id }));
                setMedia(false);
              })} />
          ) : (
            <button type="button" onClick={() => setMedia(true)}>{t("mailings.attach.media")}</button>
          )}
          {busy && <p className="loading" role="status">{t("mailings.attach.busy")}</p>}
        </>
      )}
    </Card>
  );
}

export function ContentTab() {
  const { t } = useI18n();
  const { hasRole } = useSession();
  const navigate = useNavigate();
  const { mailing, draft, set, fieldErrors, error, busy, dirty, save, editable } = useMailing();
  const senders = useLoad((signal) => mailingApi.senders(signal));
  const editor = useRef<EditorHandle>(null);
  const [target, setTarget] = useState<Target>("html");

  const insert = (code: string) => {
    if (target === "html") {
      editor.current?.insert(code);
      return;
    }
    const el = document.getElementById(target === "subject" ? "mailing-subject" : "mailing-text") as HTMLInputElement | HTMLTextAreaElement | null;
    const current = draft[target];
    const start = el?.selectionStart ?? current.length;
    const end = el?.selectionEnd ?? current.length;
    set(target, current.slice(0, start) + code + current.slice(end));
    window.requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + code.length, start + code.length);
    });
  };

  const sender = senders.data?.find((s) => s.id === draft.sender_id);
  return (
    <form onSubmit={(e) => { e.preventDefault(); save(); }} noValidate>
      <ErrorNotice error={error} />
      <Card title={t("mailings.content.head")}>
        <div className="form-row">
          <Field label={t("mailings.name")} hint={t("mailings.nameHint")} value={draft.name} readOnly={!editable}
            onChange={(e) => set("name", e.target.value)} error={fieldErrors.name} maxLength={200} />
          <Select label={t("mailings.language")} hint={t("mailings.languageHint")} value={draft.language} disabled={!editable}
            onChange={(e) => set("language", e.target.value as "de" | "en")} error={fieldErrors.language}>
            <option value="de">{t("common.language.de")}</option>
            <option value="en">{t("common.language.en")}</option>
          </Select>
        </div>
        <Select label={t("mailings.sender")} value={draft.sender_id} disabled={!editable} onChange={(e) => set("sender_id", e.target.value)}
          error={fieldErrors.sender_id}
          hint={sender ? (
            <>
              {sender.reply_to && <>{t("mailings.replyTo")}: {sender.reply_to}. </>}
              {sender.sendable === false && <strong>{t("mailings.senderUnverified")}</strong>}
            </>
          ) : undefined}>
          <option value="">{t("mailings.sender.choose")}</option>
          {(senders.data ?? []).map((s) => <option key={s.id} value={s.id}>{s.from_name} &lt;{s.from_address}&gt;</option>)}
        </Select>
        {senders.data && senders.data.length === 0 && (
          <Notice kind="warning">
            {t("mailings.sender.none")}{" "}
            {hasRole("administrator") && <Link to="/mailings/senders">{t("mailings.sender.manage")}</Link>}
          </Notice>
        )}
        <Field id="mailing-subject" label={t("mailings.subject")} value={draft.subject} readOnly={!editable} maxLength={998}
          onChange={(e) => set("subject", e.target.value)} onFocus={() => setTarget("subject")} error={fieldErrors.subject} />
        {editable && <Placeholders disabled={!editable} onInsert={insert} />}
        <HtmlEditor ref={editor} label={t("mailings.html")} value={draft.html} readOnly={!editable} onChange={(html) => set("html", html)}
          onFocus={() => setTarget("html")} error={fieldErrors.html} />
        <TextArea id="mailing-text" label={t("mailings.text")} hint={t("mailings.textHint")} value={draft.text} readOnly={!editable} rows={8}
          onChange={(e) => set("text", e.target.value)} onFocus={() => setTarget("text")} error={fieldErrors.text} />
        {editable && (
          <div className="buttons">
            <button type="button" onClick={() => set("text", htmlToText(draft.html))} disabled={!draft.html}>{t("mailings.text.fromHtml")}</button>
          </div>
        )}
      </Card>
      <Attachments />
      {editable && (
        <div className="buttons sticky-actions">
          <button type="submit" className="primary" disabled={busy}>{t("common.save")}</button>
          <button type="button" disabled={busy} onClick={async () => { if (await save()) navigate(`/mailings/${mailing.id}/recipients`); }}>
            {t("mailings.next.recipients")}
          </button>
          <span className="muted" role="status">{busy ? t("mailings.saving") : dirty ? t("mailings.unsaved") : t("mailings.allSaved")}</span>
        </div>
      )}
    </form>
  );
}
