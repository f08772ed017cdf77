"""Rows out of a workbook or a CSV file, one at a time (bounded memory for 100,000 rows and more).

xlsx: openpyxl in ``read_only`` mode streams the sheet. Read-only mode does not report merged cells, so their
ranges are read separately from the sheet's XML (``<mergeCell ref="A5:A7"/>``, streamed with iterparse) and the
value of a merged block's first cell is repeated in every cell it covers: a company merged over three rows belongs
to all three people.
CSV: UTF-8 or Windows-1252, the delimiter (; , tab) guessed from the first lines.
"""

from __future__ import annotations

import csv
import posixpath
import zipfile
from pathlib import Path
from typing import Any, Iterator
from xml.etree.ElementTree import iterparse

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from svckit.errors import InvalidInput

from ..i18n import _
from .sniff import CORRUPT, refuse

NO_SHEET = _("There is no such sheet in the file: {name}")
_NS = {"main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "pkg": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _sheet_paths(path: Path) -> dict[str, str]:
    """sheet name -> its part inside the ZIP (from workbook.xml and its relationships)."""
    with zipfile.ZipFile(path) as zf:
        rels = {}
        with zf.open("xl/_rels/workbook.xml.rels") as fh:
            for _ev, el in iterparse(fh):
                if el.tag == f"{{{_NS['pkg']}}}Relationship":
                    target = el.get("Target", "")
                    rels[el.get("Id")] = target.lstrip("/") if target.startswith("/") else \
                        posixpath.normpath(posixpath.join("xl", target))
        out = {}
        with zf.open("xl/workbook.xml") as fh:
            for _ev, el in iterparse(fh):
                if el.tag == f"{{{_NS['main']}}}sheet":
                    out[el.get("name")] = rels.get(el.get(f"{{{_NS['rel']}}}id"), "")
    return out


def merged_ranges(path: Path, sheet: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged block of one sheet."""
    part = _sheet_paths(path).get(sheet)
    if not part:
        return []
    out = []
    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        for _ev, el in iterparse(fh):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell" and el.get("ref"):
                try:
                    out.append(range_boundaries(el.get("ref")))
                except ValueError:
                    pass
            elif tag in ("row", "c", "v", "is", "t", "f"):
                el.clear()  # keep memory flat while streaming past sheetData
    return out


class Workbook:
    """An uploaded file opened for reading: ``sheets()``, ``rows(sheet)``, ``estimate(sheet)``."""

    def __init__(self, path: Path, fmt: str, encoding: str | None = None, delimiter: str | None = None):
        self.path, self.format, self.encoding, self.delimiter = Path(path), fmt, encoding, delimiter
        self._wb = None
        self._fh = None

    def __enter__(self) -> "Workbook":
        if self.format == "xlsx":
            try:
                # a file object: openpyxl judges a path by its extension, and spooled files have none
                self._fh = open(self.path, "rb")
                self._wb = load_workbook(self._fh, read_only=True, data_only=True)
            except Exception:  # openpyxl raises many kinds for broken parts
                raise refuse(CORRUPT) from None
        elif self.delimiter is None:
            self.delimiter = self._guess_delimiter()
        return self

    def __exit__(self, *exc) -> None:
        if self._wb is not None:
            self._wb.close()
        if self._fh is not None:
            self._fh.close()

    # --- csv ---
    def _text(self):
        return open(self.path, "r", encoding=self.encoding or "utf-8-sig", newline="", errors="replace")

    def _guess_delimiter(self) -> str:
        with self._text() as fh:
            sample = fh.read(32 * 1024)
        lines = [line for line in sample.splitlines()[:20] if line.strip()]
        best, best_score = ";", -1
        for cand in (";", ",", "\t", "|"):
            counts = [line.count(cand) for line in lines]
            if not counts or max(counts) == 0:
                continue
            score = min(counts) * 10 + sum(counts) / len(counts) - (max(counts) - min(counts))
            if score > best_score:
                best, best_score = cand, score
        return best

    # --- both ---
    def sheets(self) -> list[str]:
        if self.format == "xlsx":
            return list(self._wb.sheetnames)
        return ["CSV"]

    def _sheet(self, name: str | None):
        names = self.sheets()
        if name is None:
            name = names[0]
        if name not in names:
            raise InvalidInput(fields={"sheet": NO_SHEET.format(name=name)})
        return name

    def estimate(self, sheet: str | None = None) -> int | None:
        """Rows in the sheet as the file declares them (for progress; may be None or too high)."""
        if self.format == "xlsx":
            try:
                return self._wb[self._sheet(sheet)].max_row
            except Exception:
                return None
        n = 0
        with open(self.path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                n += chunk.count(b"\n")
        return n + 1

    def rows(self, sheet: str | None = None, merged: bool = True) -> Iterator[tuple[int, list[Any]]]:
        """(row number as the user sees it, cell values). ``merged=False`` skips the pass over the sheet's XML
        that finds merged cells (the analysis only looks at the first rows)."""
        if self.format != "xlsx":
            with self._text() as fh:
                for i, row in enumerate(csv.reader(fh, delimiter=self.delimiter), start=1):
                    yield i, [c.strip() if isinstance(c, str) else c for c in row]
            return
        name = self._sheet(sheet)
        use_merged = merged
        merged: dict[int, list[tuple[int, int, int, int]]] = {}
        for block in (merged_ranges(self.path, name) if use_merged else ()):
            merged.setdefault(block[1], []).append(block)
        carry: dict[tuple[int, int], Any] = {}   # (row, col) -> value of its merged block
        try:
            for row_no, cells in enumerate(self._wb[name].iter_rows(values_only=True), start=1):
                values = list(cells)
                if merged or carry:
                    for (c1, r1, c2, r2) in merged.pop(row_no, ()):
                        if c1 - 1 < len(values):
                            top_left = values[c1 - 1]
                            for r in range(r1, r2 + 1):
                                for c in range(c1, c2 + 1):
                                    carry[(r, c)] = top_left
                    for (r, c), value in list(carry.items()):
                        if r == row_no:
                            while len(values) < c:
                                values.append(None)
                            if values[c - 1] in (None, ""):
                                values[c - 1] = value
                            del carry[(r, c)]
                yield row_no, values
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise refuse(CORRUPT) from None


def is_blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)

