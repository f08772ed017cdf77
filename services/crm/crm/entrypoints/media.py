"""Mediacenter: folders, files (streamed through the gateway's spool), contact attachments, mailing attachments."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from ..schemas import FileUpdate, FolderCreate, FolderUpdate
from ..usecases import media
from .base import Entrypoints


class MediaEntrypoints(Entrypoints):
    @rpc
    def create_folder(self, data: dict) -> dict:
        result = media.create_folder(self.db, self.auth.principal, parse(FolderCreate, data))
        self.commit()
        return result

    @rpc
    def list_folder(self, client_id: str, parent_id: str | None = None) -> dict:
        return media.list_folders(self.db, self.auth.principal, client_id, parent_id)

    @rpc
    def update_folder(self, folder_id: str, data: dict) -> dict:
        result = media.update_folder(self.db, self.auth.principal, folder_id, parse(FolderUpdate, data))
        self.commit()
        return result

    @rpc
    def delete_folder(self, folder_id: str) -> None:
        self.commit(media.delete_folder(self.db, self.auth.principal, self.storage, folder_id))

    @rpc
    def upload_media_file(self, folder_id: str, upload: dict) -> dict:
        result, events = media.upload_file(self.db, self.auth.principal, self.storage, self.config, folder_id, upload)
        self.commit(events)
        return result

    @rpc
    def get_media_file(self, file_id: str) -> dict:
        return media.get_file(self.db, self.auth.principal, file_id)

    @rpc
    def update_media_file(self, file_id: str, data: dict) -> dict:
        result = media.update_file(self.db, self.auth.principal, file_id, parse(FileUpdate, data))
        self.commit()
        return result

    @rpc
    def delete_media_file(self, file_id: str) -> None:
        self.commit(media.delete_file(self.db, self.auth.principal, self.storage, file_id))

    @rpc
    def download_media_file(self, file_id: str) -> dict:
        return media.download(self.db, self.auth.principal, self.storage, self.config, file_id)

    @rpc
    def attach_file(self, contact_id: str, data: dict) -> dict:
        result = media.attach(self.db, self.auth.principal, contact_id, (data or {}).get("file_id"))
        self.commit()
        return result

    @rpc
    def detach_file(self, contact_id: str, file_id: str) -> None:
        media.detach(self.db, self.auth.principal, contact_id, file_id)
        self.commit()

    @rpc
    def list_contact_files(self, contact_id: str) -> list:
        return media.contact_files(self.db, self.auth.principal, contact_id)

    @rpc
    def get_attachments(self, file_ids: list) -> list:
        """dispatch: mailing attachments (bytes as base64, at most 20 files / 20 MB per call)."""
        return media.attachments(self.db, self.auth.principal, self.storage, self.config, file_ids)

    @rpc
    def get_storage_usage(self) -> dict:
        from uuid import UUID
        account = UUID(self.auth.principal.require_account())
        return {"bytes": media.usage_bytes(self.db, account)}
