/** Choose a file from a client's mediacenter (attach to a contact, or elsewhere): browse folders, pick a file. */
import { useState } from "react";
import { api } from "../../api/client";
import { useI18n } from "../../i18n";
import { ErrorNotice, Loading } from "../../ui/components";
import { formatBytes } from "../../ui/format";
import { useLoad } from "../../ui/hooks";
import { MEDIA, type MediaFile, type MediaFolder } from "./api";

export function MediaFilePicker({ clientId, onPick, onCancel, actionLabel }: {
  clientId: string; onPick: (file: MediaFile) => void; onCancel: () => void; actionLabel: string;
}) {
  const { t, lang } = useI18n();
  const [path, setPath] = useState<MediaFolder[]>([]);
  const current = path[path.length - 1];
  const listing = useLoad((signal) => api.get<{ folders: MediaFolder[]; files: MediaFile[] }>(`${MEDIA}/folders`, { signal, query: { client_id: clientId, parent_id: current?.id } }), [clientId, current?.id]);
  return (
    <div className="media-picker" role="group" aria-label={t("media.pick")}>
      <nav aria-label={t("media.path")} className="crumbs">
        <button type="button" className="link-button" onClick={() => setPath([])}>{t("media.root")}</button>
        {path.map((f, i) => <span key={f.id}> / <button type="button" className="link-button" onClick={() => setPath(path.slice(0, i + 1))}>{f.name}</button></span>)}
      </nav>
      <ErrorNotice error={listing.error} />
      {!listing.data ? <Loading /> : (
        <ul className="plain media-list">
          {listing.data.folders.map((f) => (
            <li key={f.id}><button type="button" className="link-button folder" onClick={() => setPath([...path, f])}><span aria-hidden="true" className="icon">▸</span> {f.name}</button></li>
          ))}
          {listing.data.files.map((f) => (
            <li key={f.id}>
              <span>{f.name} <span className="muted">({formatBytes(lang, f.size)})</span></span>{" "}
              <button type="button" className="small" onClick={() => onPick(f)} aria-label={`${actionLabel}: ${f.name}`}>{actionLabel}</button>
            </li>
          ))}
          {listing.data.folders.length === 0 && listing.data.files.length === 0 && <li className="muted">{t("media.empty")}</li>}
        </ul>
      )}
      <div className="buttons"><button type="button" onClick={onCancel}>{t("common.cancel")}</button></div>
    </div>
  );
}
