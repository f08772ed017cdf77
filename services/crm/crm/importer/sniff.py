"""What is this file? Refuse everything that is not a workbook or CSV we can read, with a reason people understand.

Checked from the content, never from the name: an .xlsx is a ZIP with a workbook part; encrypted Office files are
OLE2 containers with an EncryptedPackage stream; a legacy .xls is an OLE2 container too; a ZIP whose parts would
inflate beyond a limit or far beyond their compressed size is a zip bomb and is never opened by openpyxl.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import filetype

from svckit.errors import InvalidInput, PayloadTooLarge
from svckit.i18n import Text

from ..i18n import _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNCOMPRESSED = 1024 * 1024 * 1024   # 1 GiB for all parts of one workbook
MAX_RATIO = 200                          # a sheet's XML compresses well, but not 200:1 overall

ENCRYPTED = _("The file is encrypted (password protected). Please save it without a password.")
LEGACY_XLS = _("The old Excel format (.xls) is not supported. Please save the file as .xlsx.")
CORRUPT = _("The file is damaged and cannot be read.")
ZIP_BOMB = _("The file unpacks to an inadmissible size and is refused.")
NOT_SPREADSHEET = _("This is not a spreadsheet (Excel .xlsx or CSV) but: {kind}.")
NOT_SPREADSHEET_UNKNOWN = _("This is not a spreadsheet (Excel .xlsx or CSV).")
EMPTY = _("The file is empty.")


def refuse(text: Text, too_large: bool = False):
    if too_large:
        return PayloadTooLarge(text, fields={"file": text})
    return InvalidInput(text, fields={"file": text})


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if any(i.flag_bits & 0x1 for i in infos):
                raise refuse(ENCRYPTED)
            if "xl/workbook.xml" not in names:
                if "word/document.xml" in names:
                    raise refuse(NOT_SPREADSHEET.format(kind=_("a Word document")))
                if "content.xml" in names:
                    raise refuse(NOT_SPREADSHEET.format(kind=_("an OpenDocument file (please save as .xlsx)")))
                raise refuse(NOT_SPREADSHEET.format(kind=_("a ZIP archive")))
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
                raise refuse(ZIP_BOMB, too_large=True)
            bad = zf.testzip()
            if bad is not None:
                raise refuse(CORRUPT)
    except zipfile.BadZipFile:
        raise refuse(CORRUPT) from None
    except (zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise refuse(CORRUPT) from None


def _ole_kind(head: bytes, path: Path) -> Text:
    with open(path, "rb") as fh:
        data = fh.read(4 * 1024 * 1024)
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return ENCRYPTED
    return LEGACY_XLS


def decode_text_sample(sample: bytes) -> str | None:
    """The encoding a CSV sample decodes in: UTF-8 (with or without BOM) or Windows-1252; None if it is binary."""
    if b"\x00" in sample:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError as exc:
            # a multi-byte sequence cut at the sample's end is still UTF-8
            if encoding == "utf-8-sig" and exc.start >= len(sample) - 3:
                return "utf-8-sig"
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
        if controls > len(text) / 100 + 1:
            return None
        return encoding
    return None


def sniff(path: Path) -> tuple[str, str | None]:
    """("xlsx", None) or ("csv", encoding); raises InvalidInput / PayloadTooLarge with a clear reason."""
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    if not head:
        raise refuse(EMPTY)
    if head.startswith(ZIP_MAGIC):
        _check_zip(path)
        return "xlsx", None
    if head.startswith(OLE_MAGIC):
        raise refuse(_ole_kind(head, path))
    kind = filetype.guess(head)
    if kind is not None:
        raise refuse(NOT_SPREADSHEET.format(kind=f"{kind.mime} (.{kind.extension})"))
    encoding = decode_text_sample(head)
    if encoding is None:
        raise refuse(NOT_SPREADSHEET_UNKNOWN)
    return "csv", encoding
