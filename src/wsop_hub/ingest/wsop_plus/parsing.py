"""Parse one WSOP+ file into typed records, row errors and warnings.

Pure: bytes in, :class:`ParseResult` out, no database. The importer on top stores the
records in one transaction and writes ``wsop_import_logs`` from the result (hash, counts,
errors). Row-level problems never stop a file: the row is reported by line and skipped.
Only a file that cannot be understood at all raises :class:`WsopFormatError`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from wsop_hub.ingest.wsop_plus import values as v
from wsop_hub.ingest.wsop_plus.errors import WsopFormatError
from wsop_hub.ingest.wsop_plus.formats import FileType, WsopFormat, detect_text_format
from wsop_hub.ingest.wsop_plus.layouts import (
    LAYOUTS,
    STANDINGS_ENVELOPE_KEYS,
    Layout,
    duplicate_key,
)
from wsop_hub.ingest.wsop_plus.reading import (
    CsvRow,
    LineIndex,
    RowError,
    array_item_offsets,
    decode,
    load_json,
    read_csv,
)
from wsop_hub.ingest.wsop_plus.records import Record, TournamentPayout, payout_overlap

# Enough of the text to see a CSV header or a JSON envelope key.
_DETECTION_CHARS = 64 * 1024

# Top-level array key of each JSON format's envelope form ({"events": [...]}).
_ENVELOPE_KEYS: dict[WsopFormat, str] = {
    WsopFormat.EVENTS_JSON: "events",
    WsopFormat.PLAYERS_JSON: "players",
    WsopFormat.STANDINGS_JSON: "standings",
}


@dataclass(frozen=True)
class ParseResult:
    """Everything an import log needs about one file.

    ``records`` are the good rows in file order. ``errors`` has one entry per skipped row;
    ``warnings`` are rows imported with a field left empty, or columns that were ignored.
    ``rows_total`` counts data rows (CSV rows or JSON items), not the header or blank lines.
    """

    format: WsopFormat
    file_name: str
    sha256: str
    size_bytes: int
    records: tuple[Record, ...]
    errors: tuple[RowError, ...]
    warnings: tuple[RowError, ...]
    rows_total: int

    @property
    def rows_imported(self) -> int:
        return len(self.records)

    @property
    def rows_failed(self) -> int:
        return len(self.errors)

    @property
    def is_partial(self) -> bool:
        """Some rows were skipped (``wsop_import_status`` ``partial``)."""
        return bool(self.errors)


@dataclass
class _Collector:
    """Accumulates records and problems while rows stream past."""

    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rows_total: int = 0
    _seen: dict[Hashable, int] = field(default_factory=dict)

    def add(self, line: int, raw_row: Mapping[str, object], layout: Layout) -> None:
        self.rows_total += 1
        outcome = layout.convert(raw_row)
        self.warnings.extend(RowError(line, message) for message in outcome.warnings)
        if outcome.record is None:
            self.errors.append(RowError(line, "; ".join(outcome.errors)))
            return
        # Every top-level layout's model is one of the Record types.
        record = cast(Record, outcome.record)
        conflict = self._conflict(record, line)
        if conflict:
            self.errors.append(RowError(line, conflict))
            return
        self.records.append(record)

    def fail(self, error: RowError) -> None:
        self.rows_total += 1
        self.errors.append(error)

    def _conflict(self, record: Record, line: int) -> str | None:
        key = duplicate_key(record)
        if key is not None:
            first = self._seen.setdefault(key, line)
            if first != line:
                return f"duplicate of line {first}"
        if isinstance(record, TournamentPayout):
            same_tournament = [
                other
                for other in self.records
                if isinstance(other, TournamentPayout)
                and other.tournament_number == record.tournament_number
            ]
            return payout_overlap([*same_tournament, record])
        return None


def parse_file(path: str | os.PathLike[str]) -> ParseResult:
    """Read and parse one WSOP+ export. OS errors (missing file) propagate unchanged;
    content problems raise :class:`WsopFormatError` or land in ``errors``."""
    file_path = Path(path)
    return parse_bytes(file_path.read_bytes(), file_path.name)


def parse_bytes(data: bytes, file_name: str) -> ParseResult:
    """Parse the bytes of a WSOP+ export; ``file_name`` drives format detection."""
    sha256 = hashlib.sha256(data).hexdigest()
    text = decode(data, file_name)
    wsop_format = detect_text_format(file_name, text[:_DETECTION_CHARS])
    collector = _Collector()
    if wsop_format.file_type is FileType.CSV:
        _parse_csv(text, file_name, wsop_format, collector)
    else:
        _parse_json(text, file_name, wsop_format, collector)
    return ParseResult(
        format=wsop_format,
        file_name=file_name,
        sha256=sha256,
        size_bytes=len(data),
        records=tuple(collector.records),
        errors=tuple(collector.errors),
        warnings=tuple(collector.warnings),
        rows_total=collector.rows_total,
    )


def _parse_csv(text: str, file_name: str, wsop_format: WsopFormat, out: _Collector) -> None:
    layout = LAYOUTS[wsop_format]
    table = read_csv(text, file_name)
    columns = [column for column in table.header if column]
    missing = sorted(layout.required - set(columns))
    if missing:
        raise WsopFormatError(
            file_name,
            f"not a valid {wsop_format} file: missing required column(s) {v.names(missing)} "
            f"(columns found: {v.names(columns) or '(none)'})",
            line=table.header_line,
        )
    unknown = [column for column in columns if column not in layout.known]
    if unknown:
        out.warnings.append(
            RowError(table.header_line, f"ignored unknown column(s): {v.names(unknown)}")
        )
    for row in table.rows:
        if isinstance(row, CsvRow):
            out.add(row.line, row.values, layout)
        else:
            out.fail(row)


def _parse_json(text: str, file_name: str, wsop_format: WsopFormat, out: _Collector) -> None:
    layout = LAYOUTS[wsop_format]
    envelope_key = _ENVELOPE_KEYS[wsop_format]
    document = load_json(text, file_name)
    defaults: dict[str, object] = {}
    if isinstance(document, list):
        items, located_under = document, None
    elif isinstance(document, dict) and isinstance(document.get(envelope_key), list):
        items, located_under = document[envelope_key], envelope_key
        if wsop_format is WsopFormat.STANDINGS_JSON:
            defaults = _standings_envelope(document, file_name, layout)
    else:
        raise WsopFormatError(
            file_name,
            f"expected a JSON array of {envelope_key} or an object with a {envelope_key!r} "
            f"array, got {_json_kind(document)}",
        )
    lines = LineIndex(text)
    offsets = array_item_offsets(text, located_under)
    unknown: dict[str, int] = {}
    for number, (item, offset) in enumerate(zip(items, offsets, strict=True), start=1):
        line = lines.line_of(offset)
        if not isinstance(item, dict):
            out.fail(RowError(line, f"item {number}: expected an object, got {v.show(item)}"))
            continue
        for key in item:
            if key not in layout.known:
                unknown.setdefault(key, line)
        out.add(line, {**defaults, **item}, layout)
    if unknown:
        out.warnings.append(
            RowError(min(unknown.values()), f"ignored unknown key(s): {v.names(unknown)}")
        )


def _standings_envelope(
    document: dict[str, object], file_name: str, layout: Layout
) -> dict[str, object]:
    """Snapshot-wide values of ``{"event_id", "snapshot_at", …, "standings": [...]}``, checked
    once: a bad snapshot time would make every entry wrong, so it fails the file."""
    defaults = {key: document[key] for key in STANDINGS_ENVELOPE_KEYS if key in document}
    for column in layout.columns:
        if column.name in defaults and not v.is_blank(defaults[column.name]):
            try:
                column.convert(defaults[column.name])
            except ValueError as exc:
                raise WsopFormatError(file_name, f"{column.name}: {exc}") from exc
    return defaults


def _json_kind(document: object) -> str:
    if isinstance(document, dict):
        keys = v.names(list(document)[:8])
        return f"an object with keys {keys or '(none)'}"
    return f"a JSON {type(document).__name__} value"
