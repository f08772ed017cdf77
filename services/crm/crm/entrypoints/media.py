"""Mediacenter: folders, files (streamed through the gateway's spool), contact attachments, mailing attachments."""

from __future__ import annotations

from svckit.entrypoints import rpc
from svckit.validation import parse

from ..contracts import FileUpdate, FolderCreate, FolderUpdate
from ..usecases import media
from .base import Entrypoints


class MediaEntrypoints(Entrypoints):
    @rpc
    def create_folder(self, data: dict) -> dict:
        with self.work() as work:
            return media.create_folder(work, parse(FolderCreate, data))

    @rpc
    def list_folder(self, client_id: str, parent_id: str | None = None) -> dict:
        with self.work() as work:
            return media.list_folders(work, client_id, parent_id)

    @rpc
    def update_folder(self, folder_id: str, data: dict) -> dict:
        with self.work() as work:
            return media.update_folder(work, folder_id, parse(FolderUpdate, data))

    @rpc
    def delete_folder(self, folder_id: str) -> None:
        with self.work() as work:
            media.delete_folder(work, self.storage, folder_id)

    @rpc
    def upload_media_file(self, folder_id: str, upload: dict) -> dict:
        with self.work() as work:
            return media.upload_file(work, self.storage, folder_id, upload)

    @rpc
    def get_media_file(self, file_id: str) -> dict:
        with self.work() as work:
            return media.get_file(work, file_id)

    @rpc
    def update_media_file(self, file_id: str, data: dict) -> dict:
        with self.work() as work:
            return media.update_file(work, file_id, parse(FileUpdate, data))

    @rpc
    def delete_media_file(self, file_id: str) -> None:
        with self.work() as work:
            media.delete_file(work, self.storage, file_id)

    @rpc
    def download_media_file(self, file_id: str) -> dict:
        with self.work() as work:
            return media.download(work, self.storage, file_id)

    @rpc
    def attach_file(self, contact_id: str, data: dict) -> dict:
        with self.work() as work:
            return media.attach(work, contact_id, (data or {}).get("file_id"))

    @rpc
    def detach_file(self, contact_id: str, file_id: str) -> None:
        with self.work() as work:
            media.detach(work, contact_id, file_id)

    @rpc
    def list_contact_files(self, contact_id: str) -> list:
        with self.work() as work:
            return media.contact_files(work, contact_id)

    @rpc
    def get_attachments(self, file_ids: list) -> list:
        """dispatch: mailing attachments (bytes as base64, at most 20 files / 20 MB per call)."""
        with self.work() as work:
            return media.attachments(work, self.storage, file_ids)

    @rpc
    def get_storage_usage(self) -> dict:
        from uuid import UUID
        account = UUID(self.auth.principal.require_account())
        with self.work() as work:
            return {"bytes": media.usage_bytes(work.session, account)}
