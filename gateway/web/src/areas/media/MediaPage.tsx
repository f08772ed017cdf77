/**
 * The mediacenter: per client, folders with files (press photos, PDFs, logos). Upload with progress into the open
 * folder, download, rename, delete, and attach a file to contacts. Read-only clients are browsed, not changed.
 */
import { useRef, useState } from "react";
import { ApiError, api } from "../../api/client";
import { ClientSelect, useClients } from "../../app/clients";
import { useI18n } from "../../i18n";
import { Badge, Card, ErrorNotice, Field, Loading, Notice, Page, Progress, TableWrap } from "../../ui/components";
import { formatBytes, formatDateTime } from "../../ui/format";
import { useForm, useLoad } from "../../ui/hooks";
import "../mailings/mailings.css";
import { mediaApi, type MediaFile, type MediaFolder } from "./api";

interface ContactHit { id: string; first_name?: string | null; last_name?: string | null; org_name?: string | null; email?: string | null; organisation?: string | null }

function asError(exc: unknown): ApiError {
  return exc instanceof ApiError ? exc : new ApiError(0, null, null);
}

function contactName(c: ContactHit): string {
  return [c.first_name, c.last_name].filter(Boolean).join(" ") || c.org_name || c.email || c.id;
}

/** Find contacts of the file's client and attach the file to the ones chosen. */
function AttachToContacts({ file, onClose }: { file: MediaFile; onClose: () => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState("");
  const [query, setQuery] = useState<string | null>(null);
  const [done, setDone] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const hits = useLoad((signal) => (query === null ? Promise.resolve(null)
    : api.get<{ items: ContactHit[] }>("/api/v1/crm/contacts", { signal, query: { q: query, client_id: file.client_id, limit: 20 } })), [query, file.client_id]);
  return (
    <div className="attach-contacts" role="group" aria-label={t("media.attach.title", { name: file.name })}>
      <div className="inline-form" role="search">
        <Field label={t("media.attach.search")} type="search" value={q} onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); setQuery(q.trim()); } }} />
        <button type="button" onClick={() => setQuery(q.trim())}>{t("common.search")}</button>
      </div>
      <ErrorNotice error={hits.error ?? error} />
      {query !== null && hits.data && (hits.data.items.length === 0 ? <p className="muted">{t("media.attach.none")}</p> : (
        <ul className="plain">
          {hits.data.items.map((c) => (
            <li key={c.id}>
              {contactName(c)} <span className="muted">{c.email ?? ""}{c.organisation ? ` · ${c.organisation}` : ""}</span>{" "}
              {done.includes(c.id) ? <Badge kind="ok">{t("media.attach.done")}</Badge> : (
                <button type="button" className="small" aria-label={`${t("media.attach.button")}: ${contactName(c)}`} onClick={async () => {
                  setError(null);
                  try {
                    await mediaApi.attachToContact(c.id, file.id);
                    setDone((d) => [...d, c.id]);
                  } catch (exc) {
                    setError(asError(exc));
                  }
                }}>{t("media.attach.button")}</button>
              )}
            </li>
          ))}
        </ul>
      ))}
      <div className="buttons"><button type="button" onClick={onClose}>{t("common.close")}</button></div>
    </div>
  );
}

function Rename({ name, label, onSave, onCancel }: { name: string; label: string; onSave: (name: string) => Promise<unknown>; onCancel: () => void }) {
  const { t } = useI18n();
  const form = useForm({ name });
  return (
    <form noValidate className="inline-form" onSubmit={(e) => { e.preventDefault(); form.submit(async (v) => { await onSave(v.name.trim()); }); }}>
      <Field label={label} value={form.values.name} onChange={(e) => form.set("name", e.target.value)} error={form.fieldErrors.name ?? (form.error && !Object.keys(form.error.fields).length ? form.error.detail || form.error.title : undefined)} autoFocus />
      <button type="submit" className="primary small" disabled={form.busy}>{t("common.save")}</button>
      <button type="button" className="small" onClick={onCancel}>{t("common.cancel")}</button>
    </form>
  );
}

interface UploadState { name: string; sent: number; total: number; error?: ApiError; done?: boolean }

function Uploader({ folder, onUploaded }: { folder: MediaFolder; onUploaded: (f: MediaFile) => void }) {
  const { t, lang } = useI18n();
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const start = async (files: File[]) => {
    const base = uploads.filter((u) => !u.done);
    setUploads([...base, ...files.map((f) => ({ name: f.name, sent: 0, total: f.size }))]);
    const at = (name: string, patch: Partial<UploadState>) => setUploads((list) => list.map((u) => (u.name === name && !u.done && !u.error ? { ...u, ...patch } : u)));
    for (const file of files) {
      try {
        const stored = await mediaApi.upload(folder.id, file, (sent, total) => at(file.name, { sent, total }));
        at(file.name, { done: true, sent: file.size });
        onUploaded(stored);
      } catch (exc) {
        at(file.name, { error: asError(exc) });
      }
    }
    if (input.current) input.current.value = "";
  };
  return (
    <Card title={t("media.upload.title", { folder: folder.name })}>
      <div className="field">
        <label htmlFor="media-upload">{t("media.upload.choose")}</label>
        <input id="media-upload" ref={input} type="file" multiple aria-describedby="media-upload-hint"
          onChange={(e) => { const files = Array.from(e.target.files ?? []); if (files.length) start(files); }} />
        <p className="hint" id="media-upload-hint">{t("media.upload.hint")}</p>
      </div>
      {uploads.map((u, i) => (
        <div key={`${u.name}-${i}`} className="upload-row" data-upload={u.name}>
          {u.error ? (
            <p className="field-error" role="alert">{u.name}: {u.error.status === 0 ? t("common.error.network") : u.error.fields.filename || u.error.detail || u.error.title}</p>
          ) : u.done ? (
            <p role="status"><Badge kind="ok">{t("media.upload.done")}</Badge> {u.name} ({formatBytes(lang, u.total)})</p>
          ) : (
            <Progress label={`${u.name} (${formatBytes(lang, u.sent)} / ${formatBytes(lang, u.total)})`} value={u.sent} max={u.total || null} />
          )}
        </div>
      ))}
    </Card>
  );
}

function Browser({ clientId, writable, onChanged }: { clientId: string; writable: boolean; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [path, setPath] = useState<MediaFolder[]>([]);
  const current = path[path.length - 1];
  const listing = useLoad((signal) => mediaApi.list(clientId, current?.id, signal), [clientId, current?.id]);
  const folderForm = useForm({ name: "" });
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [attaching, setAttaching] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const act = async (action: () => Promise<void>) => {
    setError(null);
    setDone(null);
    try {
      await action();
    } catch (exc) {
      setError(asError(exc));
    }
  };
  const data = listing.data;
  return (
    <>
      <nav aria-label={t("media.path")} className="crumbs">
        <button type="button" className="link-button" onClick={() => setPath([])} aria-current={!current ? "page" : undefined}>{t("media.root")}</button>
        {path.map((f, i) => (
          <span key={f.id}> / <button type="button" className="link-button" aria-current={i === path.length - 1 ? "page" : undefined} onClick={() => setPath(path.slice(0, i + 1))}>{f.name}</button></span>
        ))}
      </nav>
      <ErrorNotice error={listing.error ?? error} fieldsShown={false} />
      {done && <Notice kind="success">{done}</Notice>}
      {!data ? (listing.error ? null : <Loading />) : (
        <TableWrap label={current ? t("media.folderContents", { folder: current.name }) : t("media.rootContents")}>
          <thead>
            <tr><th>{t("media.name")}</th><th>{t("media.type")}</th><th className="num">{t("media.size")}</th><th>{t("media.created")}</th><th>{t("common.actions")}</th></tr>
          </thead>
          <tbody>
            {data.folders.length + data.files.length === 0 && (
              <tr><td colSpan={5} className="muted">{current ? t("media.empty") : t("media.noFolders")}</td></tr>
            )}
            {data.folders.map((f) => (
              <tr key={f.id} data-folder={f.name}>
                <td colSpan={renaming === f.id ? 5 : 1}>
                  {renaming === f.id ? (
                    <Rename name={f.name} label={t("media.rename.folder", { name: f.name })} onCancel={() => setRenaming(null)}
                      onSave={async (name) => { await mediaApi.renameFolder(f.id, name); setRenaming(null); listing.reload(); }} />
                  ) : (
                    <button type="button" className="link-button folder" onClick={() => setPath([...path, f])}><span aria-hidden="true" className="icon">▸</span> {f.name}</button>
                  )}
                </td>
                {renaming !== f.id && (
                  <>
                    <td>{t("media.folder")}</td><td className="num">–</td><td>{formatDateTime(lang, f.created_at)}</td>
                    <td>
                      {writable && (confirm === f.id ? (
                        <span className="confirm" role="alertdialog" aria-labelledby={`fdel-${f.id}`}>
                          <span id={`fdel-${f.id}`}>{t("media.delete.folderConfirm", { name: f.name })}</span>{" "}
                          <button type="button" className="small danger" autoFocus onClick={() => act(async () => { setConfirm(null); await mediaApi.removeFolder(f.id); listing.reload(); onChanged(); })}>{t("common.yes")}</button>
                          <button type="button" className="small" onClick={() => setConfirm(null)}>{t("common.no")}</button>
                        </span>
                      ) : (
                        <>
                          <button type="button" className="small" aria-label={`${t("media.rename")}: ${f.name}`} onClick={() => setRenaming(f.id)}>{t("media.rename")}</button>{" "}
                          <button type="button" className="small danger" aria-label={`${t("media.delete")}: ${f.name}`} onClick={() => setConfirm(f.id)}>{t("media.delete")}</button>
                        </>
                      ))}
                    </td>
                  </>
                )}
              </tr>
            ))}
            {data.files.map((f) => (
              <FileRow key={f.id} file={f} writable={writable} renaming={renaming === f.id} confirming={confirm === f.id} attaching={attaching === f.id}
                onRename={() => setRenaming(f.id)} onRenamed={() => { setRenaming(null); listing.reload(); }} onCancel={() => { setRenaming(null); setConfirm(null); }}
                onDelete={() => setConfirm(f.id)}
                onDeleteConfirmed={() => act(async () => { setConfirm(null); await mediaApi.removeFile(f.id); setDone(t("media.deleted", { name: f.name })); listing.reload(); onChanged(); })}
                onAttach={() => setAttaching(attaching === f.id ? null : f.id)} onAttachClose={() => setAttaching(null)} />
            ))}
          </tbody>
        </TableWrap>
      )}
      {writable && (
        <Card title={current ? t("media.newSubfolder", { folder: current.name }) : t("media.newFolder")}>
          <form noValidate className="inline-form" onSubmit={(e) => {
            e.preventDefault();
            folderForm.submit(async (v) => {
              await mediaApi.createFolder(clientId, v.name.trim(), current?.id);
              folderForm.setValues({ name: "" });
              listing.reload();
            });
          }}>
            <Field label={t("media.folderName")} value={folderForm.values.name} onChange={(e) => folderForm.set("name", e.target.value)}
              error={folderForm.fieldErrors.name ?? folderForm.fieldErrors.client_id} maxLength={200} />
            <button type="submit" className="primary" disabled={folderForm.busy || !folderForm.values.name.trim()}>{t("media.createFolder")}</button>
          </form>
          {folderForm.error && !Object.keys(folderForm.error.fields).length && <ErrorNotice error={folderForm.error} />}
        </Card>
      )}
      {writable && current && <Uploader key={current.id} folder={current} onUploaded={() => { listing.reload(); onChanged(); }} />}
      {writable && !current && data && <p className="hint">{t("media.uploadInFolder")}</p>}
    </>
  );
}

function FileRow({ file, writable, renaming, confirming, attaching, onRename, onRenamed, onCancel, onDelete, onDeleteConfirmed, onAttach, onAttachClose }: {
  file: MediaFile; writable: boolean; renaming: boolean; confirming: boolean; attaching: boolean;
  onRename: () => void; onRenamed: () => void; onCancel: () => void; onDelete: () => void; onDeleteConfirmed: () => void; onAttach: () => void; onAttachClose: () => void;
}) {
  const { t, lang } = useI18n();
  if (renaming) {
    return (
      <tr data-file={file.name}>
        <td colSpan={5}>
          <Rename name={file.name} label={t("media.rename.file", { name: file.name })} onCancel={onCancel}
            onSave={async (name) => { await mediaApi.renameFile(file.id, name); onRenamed(); }} />
        </td>
      </tr>
    );
  }
  return (
    <>
      <tr data-file={file.name}>
        <td><a href={mediaApi.downloadUrl(file.id)} download={file.name}>{file.name}</a></td>
        <td className="small-text">{file.content_type}</td>
        <td className="num">{formatBytes(lang, file.size)}</td>
        <td>{formatDateTime(lang, file.created_at)}</td>
        <td>
          {confirming ? (
            <span className="confirm" role="alertdialog" aria-labelledby={`del-${file.id}`}>
              <span id={`del-${file.id}`}>{t("media.delete.fileConfirm", { name: file.name })}</span>{" "}
              <button type="button" className="small danger" autoFocus onClick={onDeleteConfirmed}>{t("common.yes")}</button>
              <button type="button" className="small" onClick={onCancel}>{t("common.no")}</button>
            </span>
          ) : (
            <>
              <a className="button small" href={mediaApi.downloadUrl(file.id)} download={file.name} aria-label={`${t("common.download")}: ${file.name}`}>{t("common.download")}</a>{" "}
              {writable && (
                <>
                  <button type="button" className="small" aria-expanded={attaching} aria-label={`${t("media.attach")}: ${file.name}`} onClick={onAttach}>{t("media.attach")}</button>{" "}
                  <button type="button" className="small" aria-label={`${t("media.rename")}: ${file.name}`} onClick={onRename}>{t("media.rename")}</button>{" "}
                  <button type="button" className="small danger" aria-label={`${t("media.delete")}: ${file.name}`} onClick={onDelete}>{t("media.delete")}</button>
                </>
              )}
            </>
          )}
        </td>
      </tr>
      {attaching && (
        <tr className="attach-row"><td colSpan={5}><AttachToContacts file={file} onClose={onAttachClose} /></td></tr>
      )}
    </>
  );
}

export function MediaPage() {
  const { t, lang } = useI18n();
  const { clients, loading } = useClients();
  const [chosen, setChosen] = useState("");
  const clientId = chosen || (clients.length ? (clients.find((c) => c.right === "full") ?? clients[0]).id : "");
  const client = clients.find((c) => c.id === clientId);
  const usage = useLoad((signal) => mediaApi.usage(signal).catch(() => null));
  return (
    <Page title={t("media.title")} wide>
      <p className="muted">{t("media.intro")}{usage.data && <> {t("media.usage", { bytes: formatBytes(lang, usage.data.bytes) })}</>}</p>
      {loading && !clients.length ? <Loading /> : clients.length === 0 ? <p className="muted">{t("media.noClients")}</p> : (
        <>
          <div className="form-row filters">
            <ClientSelect clients={clients} value={clientId} onChange={setChosen} />
            {client?.right === "read" && <p><Badge kind="warn">{t("common.right.read")}</Badge> {t("media.readOnly")}</p>}
          </div>
          {clientId && <Browser key={clientId} clientId={clientId} writable={client?.right === "full"} onChanged={usage.reload} />}
        </>
      )}
    </Page>
  );
}
