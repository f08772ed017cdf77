"""Rows out of a workbook or a CSV file, one at a time (bounded memory for 100,000 rows and more), off the hub.

xlsx: openpyxl's sheet parser streams the sheet XML; rows are built from the cells that are there, never padded:
a row ends at its last cell with a value (cells right of column ``MAX_COLUMNS`` are ignored), rows missing in the
XML are empty rows, and empty rows at the end of a sheet are never yielded (a sheet that formats 1,048,576 rows
reads as its 1,000 rows). The declared size (``<dimension ref="A1:C1001"/>`` at the head of the sheet XML, read
without parsing the sheet) is checked first: beyond ``MAX_ROWS`` rows or ``MAX_COLUMNS`` columns the file is
refused naming the sheet. Opening the workbook (shared strings), the merged-cell pass and the parse run in a worker
thread (``svckit.cooperative``), ``CHUNK`` rows at a time, so the service's event loop keeps answering.
Read-only parsing does not report merged cells, so their ranges are read separately from the sheet's XML
(``<mergeCell ref="A5:A7"/>``, streamed with iterparse) and the value of a merged block's first cell is repeated in
every cell it covers: a company merged over three rows belongs to all three people.
CSV: UTF-8 or Windows-1252, the delimiter (; , tab) guessed from the first lines.
"""

from __future__ import annotations

import csv
import posixpath
import zipfile
from pathlib import Path
from typing import Any, Iterable, Iterator
from xml.etree.ElementTree import iterparse

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser

from svckit.cooperative import in_thread, iterate_in_process, iterate_in_thread
from svckit.errors import InvalidInput

from ..i18n import _
from .sniff import CORRUPT, refuse

#: the most rows a sheet can have (Excel's own limit); a declared size beyond it is refused
MAX_ROWS = 1_048_576
#: the columns an import can map (``set_mapping`` takes column numbers 1..1000)
MAX_COLUMNS = 1000
TOO_MANY_COLUMNS = _("The sheet {sheet} has {columns} columns; at most {limit} columns can be imported. "
                     "Please delete the unused columns or copy the data into a new file.")
TOO_MANY_ROWS = _("The sheet {sheet} has {rows} rows; at most {limit} rows can be imported.")
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


def declared_size(path: Path, sheet: str) -> tuple[int, int] | None:
    """(rows, columns) as the sheet's ``<dimension ref>`` declares them; None without one. Reads only the head of
    the sheet XML (the dimension comes before ``sheetData``)."""
    part = _sheet_paths(path).get(sheet)
    if not part:
        return None
    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        for _ev, el in iterparse(fh, events=("start",)):
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "dimension":
                try:
                    c1, r1, c2, r2 = range_boundaries((el.get("ref") or "").upper())
                except (ValueError, TypeError):
                    return None
                return (r2 or r1 or 0), (c2 or c1 or 0)
            if tag == "sheetData":
                return None
    return None


def check_size(sheet: str, size: tuple[int, int] | None) -> None:
    """Refuse (422 naming ``file``) a sheet whose declared size is beyond what an import reads."""
    if size is None:
        return
    rows, columns = size
    if columns > MAX_COLUMNS:
        raise refuse(TOO_MANY_COLUMNS.format(sheet=sheet, columns=columns, limit=MAX_COLUMNS))
    if rows > MAX_ROWS:
        raise refuse(TOO_MANY_ROWS.format(sheet=sheet, rows=rows, limit=MAX_ROWS))


def _values(cells: list[dict[str, Any]]) -> list[Any]:
    """A parsed row's values up to its last cell with a value (never padded to the sheet's width)."""
    last = 0
    for cell in cells:
        col = cell["column"]
        if cell["value"] is not None and last < col <= MAX_COLUMNS:
            last = col
    values: list[Any] = [None] * last
    for cell in cells:
        col = cell["column"]
        if col <= last and cell["value"] is not None:
            values[col - 1] = cell["value"]
    return values


def _without_trailing_blanks(rows: Iterable[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    """Every row from 1 to the last one with content, blank and missing ones as []: blank rows are only yielded
    when content follows, so empty rows at the end (formatted, or a gap up to row 1,048,576) cost nothing."""
    last = 0
    for row_no, values in rows:
        if row_no <= last or is_blank(values):
            continue
        for blank in range(last + 1, row_no):
            yield blank, []
        last = row_no
        yield row_no, values


class Workbook:
    """An uploaded file opened for reading: ``sheets()``, ``rows(sheet)``, ``estimate(sheet)``.

    ``process=True`` (the import job, which reads every row): the rows are parsed in a child process
    (``svckit.cooperative.iterate_in_process``) and this process never opens the workbook with openpyxl; otherwise
    (the upload's analysis, a few rows per sheet) openpyxl runs in a worker thread."""

    def __init__(self, path: Path, fmt: str, encoding: str | None = None, delimiter: str | None = None,
                 process: bool = False):
        self.path, self.format, self.encoding, self.delimiter = Path(path), fmt, encoding, delimiter
        self.process = process
        self._wb = None
        self._fh = None

    def __enter__(self) -> "Workbook":
        if self.format == "xlsx" and self.process:
            try:
                self._names = list(in_thread(_sheet_paths, self.path))
            except (zipfile.BadZipFile, KeyError, ValueError, OSError):
                raise refuse(CORRUPT) from None
        elif self.format == "xlsx":
            try:
                # a file object: openpyxl judges a path by its extension, and spooled files have none
                self._fh = open(self.path, "rb")
                self._wb = in_thread(load_workbook, self._fh, read_only=True, data_only=True)
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
        if self.format == "xlsx" and self.process:
            return self._names
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
                size = in_thread(declared_size, self.path, self._sheet(sheet))
            except Exception:
                return None
            return size[0] if size else None
        return in_thread(self._count_lines)

    def _count_lines(self) -> int:
        n = 0
        with open(self.path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                n += chunk.count(b"\n")
        return n + 1

    def rows(self, sheet: str | None = None, merged: bool = True) -> Iterator[tuple[int, list[Any]]]:
        """(row number as the user sees it, cell values), blank rows at the end left out. ``merged=False`` skips
        the pass over the sheet's XML that finds merged cells (the analysis only looks at the first rows). The
        parsing runs in a worker thread, a chunk of rows at a time; a sheet declaring more rows or columns than an
        import reads is refused before any row is read."""
        name = self._sheet(sheet)
        if self.process:
            yield from iterate_in_process("crm.importer.reader:read_rows", str(self.path), self.format,
                                          self.encoding, self.delimiter, name, merged)
            return
        if self.format != "xlsx":
            yield from _without_trailing_blanks(iterate_in_thread(self._csv_rows))
            return
        yield from _without_trailing_blanks(iterate_in_thread(lambda: self._xlsx_rows(name, merged)))

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        with self._text() as fh:
            for i, row in enumerate(csv.reader(fh, delimiter=self.delimiter), start=1):
                yield i, [c.strip() if isinstance(c, str) else c for c in row]

    def _parsed_rows(self, name: str) -> Iterator[tuple[int, list[Any]]]:
        """The rows in the sheet's XML with their numbers, each as the values of its cells (rows missing in the
        XML are not made up here)."""
        ws = self._wb[name]
        wb = self._wb
        expected = 1
        with ws._get_source() as src:
            parser = WorkSheetParser(src, ws._shared_strings, data_only=wb.data_only, epoch=wb.epoch,
                                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            for row_no, cells in parser.parse():
                if row_no < expected:   # a row out of order or twice: as openpyxl, the first one counts
                    continue
                if row_no > MAX_ROWS:
                    raise refuse(TOO_MANY_ROWS.format(sheet=name, rows=row_no, limit=MAX_ROWS))
                expected = row_no + 1
                yield row_no, _values(cells)

    def _xlsx_rows(self, name: str, use_merged: bool) -> Iterator[tuple[int, list[Any]]]:
        try:
            check_size(name, declared_size(self.path, name))
            merged: dict[int, list[tuple[int, int, int, int]]] = {}
            for block in (merged_ranges(self.path, name) if use_merged else ()):
                merged.setdefault(block[1], []).append(block)
            active: list[tuple[int, int, int, Any]] = []   # merged blocks being filled: (last row, cols, value)

            def fill(row_no: int, values: list[Any]) -> list[Any]:
                nonlocal active
                for (c1, _r1, c2, r2) in merged.pop(row_no, ()):
                    if c1 - 1 < len(values) and values[c1 - 1] not in (None, ""):
                        active.append((r2, c1, min(c2, MAX_COLUMNS), values[c1 - 1]))
                if active:
                    for (_last, c1, c2, value) in active:
                        if len(values) < c2:
                            values.extend([None] * (c2 - len(values)))
                        for c in range(c1, c2 + 1):
                            if values[c - 1] in (None, ""):
                                values[c - 1] = value
                    active = [block for block in active if block[0] > row_no]
                return values

            expected = 1
            for row_no, values in self._parsed_rows(name):
                if active:   # rows missing in the XML inside a merged block still get its value
                    for missing in range(expected, row_no):
                        yield missing, fill(missing, [])
                expected = row_no + 1
                yield row_no, fill(row_no, values) if (merged or active) else values
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise refuse(CORRUPT) from None


def read_rows(path: str, fmt: str, encoding: str | None, delimiter: str | None, sheet: str,
              merged: bool) -> Iterator[tuple[int, list[Any]]]:
    """``Workbook.rows`` in the child process of ``Workbook(process=True)`` (no event loop there: plain calls)."""
    with Workbook(Path(path), fmt, encoding, delimiter) as wb:
        raw = wb._xlsx_rows(sheet, merged) if fmt == "xlsx" else wb._csv_rows()
        yield from _without_trailing_blanks(raw)


def is_blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)

