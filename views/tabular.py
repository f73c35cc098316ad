"""Spreadsheets in and out: ``.xlsx`` written safely, ``.xlsx`` and CSV read within limits.

Writing (:func:`workbook`): Japanese headers; dates as real date cells, shown either in
the Japanese era (``令和8年4月1日``, Excel's ``[$-ja-JP-x-gannen]`` number format) or in
Western form; yen as number cells formatted ``#,##0"円"``; every text cell is written as
a string cell, so a value starting with ``=``, ``+``, ``-``, ``@`` is never run as a
formula by Excel (CSV/formula injection).

Reading (:func:`read_table`): ``.xlsx`` (first sheet) or CSV in UTF-8 (with or without a
BOM) or Shift_JIS/CP932 — what Japanese Excel writes. Hostile files are refused before
they cost memory or time: a size limit on the upload, a limit on the unpacked size and the
compression ratio of the ``.xlsx`` (zip bomb), a row limit read lazily (10^6 rows are
refused after ``MAX_ROWS + 1`` rows, not parsed). A formula cell is read as its text
(``=SUM(A1)``), never evaluated; merged header cells spread their text over the merged
columns (``費用`` above ``金額`` and ``支払日`` -> two headers).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

MAX_BYTES = 10 * 1024 * 1024  # an upload larger than 10 MB is refused unread
MAX_UNPACKED = 100 * 1024 * 1024  # the .xlsx's parts together, unpacked
MAX_RATIO = 200  # unpacked / packed, per part (a zip bomb packs 1000:1 and more)
MAX_ROWS = 20_000  # data rows per file
MAX_COLUMNS = 60

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REIWA_FORMAT = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日"'
WESTERN_FORMAT = "yyyy/mm/dd"
YEN_FORMAT = '#,##0"円"'
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Kind = Literal["text", "date_reiwa", "date", "yen", "int"]


class TableError(ValueError):
    """A file refused as a whole (code, Japanese message)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Column:
    header: str  # Japanese
    kind: Kind = "text"
    width: int = 16


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]] = field(default_factory=list)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The ``.xlsx`` bytes of ``sheets`` (header row bold and frozen)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.title))
        for i, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=i)
            _set_text(cell, col.header)
            cell.font = bold
            ws.column_dimensions[get_column_letter(i)].width = col.width
        ws.freeze_panes = "A2"
        for r, values in enumerate(sheet.rows, start=2):
            for i, (col, value) in enumerate(zip(sheet.columns, values, strict=True), start=1):
                _write(ws.cell(row=r, column=i), col.kind, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, "_")
    return title[:31] or "Sheet"


def _set_text(cell: Any, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # a string cell, whatever it starts with: never a formula


def _write(cell: Any, kind: Kind, value: Any) -> None:
    if value is None or value == "":
        return
    if kind in ("date_reiwa", "date"):
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, str):
            value = date.fromisoformat(value)
        cell.value = value
        cell.number_format = REIWA_FORMAT if kind == "date_reiwa" else WESTERN_FORMAT
    elif kind == "yen":
        cell.value = int(value)
        cell.number_format = YEN_FORMAT
    elif kind == "int":
        cell.value = int(value)
    else:
        _set_text(cell, str(value))


# --------------------------------------------------------------------------- reading


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cells)


def read_table(
    data: bytes, filename: str = "", *, max_rows: int = MAX_ROWS, known_headers: Sequence[str] = ()
) -> Table:
    """The first sheet (or the CSV) of ``data``: the header row (the first row naming two
    of ``known_headers``; rows above it — a title, merged group labels — are skipped) and
    the non-empty data rows below it with their row numbers."""
    if len(data) > MAX_BYTES:
        raise TableError(
            "IMPORT-FILE-TOO-LARGE",
            f"ファイルが大きすぎます（上限 {MAX_BYTES // (1024 * 1024)} MB）。",
        )
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(data, max_rows)
    else:
        rows = _csv_rows(data)
    return _table(rows, max_rows, set(known_headers))


def _too_many(max_rows: int) -> TableError:
    return TableError(
        "IMPORT-TOO-MANY-ROWS",
        f"行数が多すぎます（上限 {max_rows:,} 行）。ファイルを分けてください。",
    )


def _table(rows: Iterable[tuple[int, list[Any]]], max_rows: int, known: set[str]) -> Table:
    headers: list[str] | None = None
    body: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        cells = cells[:MAX_COLUMNS]
        if headers is None:
            line = [_header_text(c) for c in cells]
            if any(line) and (not known or len(known.intersection(line)) >= min(2, len(known))):
                while line and not line[-1]:
                    line.pop()  # the padding right of the last header
                headers = line
            continue
        cells = cells[: len(headers)]
        if all(_blank(c) for c in cells):
            continue
        if len(body) >= max_rows:
            raise _too_many(max_rows)
        body.append((number, cells))
    if headers is None:
        raise TableError(
            "IMPORT-NO-HEADER", "見出し行が見つかりません（テンプレートの見出しを使ってください）。"
        )
    return Table(headers=headers, rows=body)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value: Any) -> str:
    return "" if value is None else str(value).replace("\n", "").replace(" ", "").strip()


def _xlsx_rows(data: bytes, max_rows: int) -> Iterable[tuple[int, list[Any]]]:
    _check_zip(data)
    if not _has_merged_cells(data):
        # the common case: one streamed pass (the caller stops past the row limit)
        wb = _open(data, read_only=True)
        try:
            rows = wb.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
            for number, row in enumerate(rows, start=1):
                yield number, list(row)
        finally:
            wb.close()
        return
    _count_rows(data, max_rows + 50)  # streamed: 10^6 rows are refused, not loaded
    # not read-only: merged cells are only known to a full load; the checks above bound
    # what a full load can cost
    ws = _open(data, read_only=False).worksheets[0]
    for merged in list(ws.merged_cells.ranges):
        # the merged range's value spreads over its cells (headers merged across columns)
        value = ws.cell(merged.min_row, merged.min_col).value
        ws.unmerge_cells(str(merged))
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                ws.cell(row, col).value = value
    for number, row in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
        yield number, list(row)


def _has_merged_cells(data: bytes) -> bool:
    """Whether a worksheet part declares merged cells (scanned as a stream, not unpacked)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            tail = b""
            with zf.open(name) as part:
                while chunk := part.read(1 << 16):
                    if b"mergeCell" in tail + chunk:  # any namespace prefix
                        return True
                    tail = chunk[-16:]
    return False


def _open(data: bytes, *, read_only: bool) -> Any:
    """The workbook (formulas kept as their text: ``data_only=False`` never evaluates)."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=read_only, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any malformed workbook
        raise TableError(
            "IMPORT-UNREADABLE", f"Excel ファイルとして読めません（{type(exc).__name__}）。"
        ) from None


def _count_rows(data: bytes, limit: int) -> None:
    """Stream the first sheet's rows (read-only, lazy) and stop past ``limit``."""
    wb = _open(data, read_only=True)
    try:
        for n, _ in enumerate(wb.worksheets[0].iter_rows(max_col=1, values_only=True), 1):
            if n > limit:
                raise _too_many(limit - 50)
    finally:
        wb.close()


def _check_zip(data: bytes) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TableError("IMPORT-UNREADABLE", "Excel ファイルとして読めません。") from None
    total = 0
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNPACKED or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise TableError(
                "IMPORT-ZIP-BOMB", "展開後のサイズが大きすぎるファイルです（圧縮爆弾の疑い）。"
            )


def _csv_rows(data: bytes) -> Iterable[tuple[int, list[Any]]]:
    text = decode_csv(data)
    for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        yield number, [c if c.strip() else None for c in row]


def decode_csv(data: bytes) -> str:
    """UTF-8 (BOM or not), else CP932 (Shift_JIS as Windows and Excel write it)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise TableError(
            "IMPORT-ENCODING",
            "文字コードを判別できません（UTF-8 か Shift_JIS で保存してください）。",
        ) from None
