/** crm's mediacenter as the pages use it (gateway/gateway/routes/crm.py, services/crm/README.md): folders per
 * client, files inside folders (uploaded as a raw body with progress, type detected by crm), downloads as links. */
import { api, upload, url } from "../../api/client";

export const MEDIA = "/api/v1/crm/media";

export interface MediaFolder { id: string; client_id: string; parent_id: string | null; name: string; created_at: string }
export interface MediaFile {
  id: string; client_id: string; folder_id: string | null; name: string; content_type: string; size: number; sha256: string;
  created_at: string;
}
export interface Listing { folders: MediaFolder[]; files: MediaFile[] }

export const mediaApi = {
  list: (clientId: string, parentId: string | undefined, signal?: AbortSignal) =>
    api.get<Listing>(`${MEDIA}/folders`, { signal, query: { client_id: clientId, parent_id: parentId } }),
  createFolder: (clientId: string, name: string, parentId?: string) =>
    api.post<MediaFolder>(`${MEDIA}/folders`, { client_id: clientId, name, ...(parentId ? { parent_id: parentId } : {}) }),
  renameFolder: (id: string, name: string) => api.patch<MediaFolder>(`${MEDIA}/folders/${id}`, { name }),
  removeFolder: (id: string) => api.delete(`${MEDIA}/folders/${id}`),
  upload: (folderId: string, file: File, onProgress: (sent: number, total: number) => void, signal?: AbortSignal) =>
    upload<MediaFile>(`${MEDIA}/folders/${folderId}/files`, file, { filename: file.name, onProgress, signal }),
  renameFile: (id: string, name: string) => api.patch<MediaFile>(`${MEDIA}/files/${id}`, { name }),
  removeFile: (id: string) => api.delete(`${MEDIA}/files/${id}`),
  attachToContact: (contactId: string, fileId: string) => api.post<MediaFile>(`/api/v1/crm/contacts/${contactId}/files`, { file_id: fileId }),
  usage: (signal?: AbortSignal) => api.get<{ bytes: number }>(`${MEDIA}/usage`, { signal }),
  downloadUrl: (id: string) => url(`${MEDIA}/files/${id}/content`),
};
