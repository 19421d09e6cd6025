"""Bytes → text → rows with the line numbers an editor shows.

CSV rows keep the line where they start (a quoted cell may span lines); JSON array items
get the line of their opening brace, so a bad element in a pretty-printed export is found
the same way as a bad CSV row.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from wsop_hub.ingest.wsop_plus.errors import WsopFormatError


@dataclass(frozen=True)
class RowError:
    """A row that was skipped (or, in warnings, imported with a field dropped).

    ``line`` is 1-based as an editor shows it; the CSV header is line 1.
    """

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class CsvRow:
    """One data row: lower-case column name → stripped cell text."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class CsvTable:
    """A CSV file split into its header and an iterator over its rows."""

    header: tuple[str, ...]
    header_line: int
    rows: Iterator[CsvRow | RowError]


def decode(data: bytes, file_name: str) -> str:
    """UTF-8 with or without BOM; anything else is a format error naming the bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise WsopFormatError(
            file_name,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "export the file as UTF-8",
            line=line,
        ) from exc
    if not text.strip():
        raise WsopFormatError(file_name, "the file is empty")
    return text


def read_csv(text: str, file_name: str) -> CsvTable:
    """Split CSV text into a header and rows.

    Blank lines (also ``,,,``) are skipped wherever they are. A row with more cells than the
    header (unless the extra ones are empty) or fewer is reported, not guessed at: an
    unquoted ``1,500`` shifts every following column.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 0
    last_line = 0
    for cells in reader:
        header_line = last_line + 1
        last_line = reader.line_num
        if any(cell.strip() for cell in cells):
            header = [cell.strip().lower() for cell in cells]
            break
    if header is None:
        raise WsopFormatError(file_name, "the file is empty")
    columns: list[str] = header
    named = [column for column in columns if column]
    duplicates = sorted({column for column in named if named.count(column) > 1})
    if duplicates:
        raise WsopFormatError(
            file_name,
            f"duplicate column(s) in the header: {', '.join(duplicates)}",
            line=header_line,
        )

    def rows(last_line: int) -> Iterator[CsvRow | RowError]:
        while True:
            start = last_line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                last_line = reader.line_num
                yield RowError(start, f"unreadable CSV row ({exc})")
                continue
            last_line = reader.line_num
            if any(cell.strip() for cell in cells):
                yield _csv_row(start, cells, columns)

    return CsvTable(tuple(columns), header_line, rows(last_line))


def _csv_row(line: int, cells: list[str], header: list[str]) -> CsvRow | RowError:
    extra = cells[len(header) :]
    if len(cells) < len(header) or any(cell.strip() for cell in extra):
        hint = (
            '; a quote (") may be left open'
            if any("\n" in cell or "\r" in cell for cell in cells)
            else ""
        )
        return RowError(line, f"has {len(cells)} fields but the header has {len(header)}{hint}")
    values = {column: cell.strip() for column, cell in zip(header, cells, strict=False) if column}
    return CsvRow(line, values)


def load_json(text: str, file_name: str) -> object:
    """Parse JSON strictly (no NaN/Infinity, which JSON does not allow and BIGINT cannot
    hold) and turn every failure into a format error with the line."""

    def _reject_constant(name: str) -> object:
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise WsopFormatError(
            file_name, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from exc
    except ValueError as exc:
        raise WsopFormatError(file_name, f"not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise WsopFormatError(file_name, "not valid JSON: nested too deeply") from exc


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Offset → 1-based line number, counting CRLF, LF and lone CR as one break each."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def array_item_offsets(text: str, key: str | None) -> list[int]:
    """Character offsets of the items of the top-level array, or of the array under
    ``key`` of the top-level object. ``text`` must already be known to be valid JSON of
    that shape (see :func:`load_json`); duplicate keys resolve like ``json.loads``: last wins.
    """
    decoder = json.JSONDecoder()

    def skip(pos: int) -> int:
        match = _JSON_SPACE.match(text, pos)
        return match.end() if match else pos

    pos = skip(0)
    if key is not None:
        pos = skip(pos + 1)
        array_at = -1
        while text[pos] != "}":
            name, pos = decoder.raw_decode(text, pos)
            pos = skip(skip(pos) + 1)
            if name == key:
                array_at = pos
            _, pos = decoder.raw_decode(text, pos)
            pos = skip(pos)
            if text[pos] == ",":
                pos = skip(pos + 1)
        pos = array_at
    offsets: list[int] = []
    pos = skip(pos + 1)
    while text[pos] != "]":
        offsets.append(pos)
        _, pos = decoder.raw_decode(text, pos)
        pos = skip(pos)
        if text[pos] == ",":
            pos = skip(pos + 1)
    return offsets
