"""Real PokerGFX exports (copied into tests/data/pokergfx), parsed once per test run.

Plain cached functions rather than fixtures, so every PokerGFX test module can share
them without a conftest.py.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from wsop_hub.ingest.pokergfx import ParsedSession, parse_json_file, parse_txt_file

POKERGFX_DATA = Path(__file__).resolve().parents[2] / "data" / "pokergfx"
JSON_FILES = sorted(POKERGFX_DATA.rglob("*.json"))
TABLE_JSON_FILES = sorted(POKERGFX_DATA.glob("table-*/**/*.json"))
TXT_FILES = sorted(POKERGFX_DATA.rglob("*.txt"))


def relative(path: Path) -> str:
    return path.relative_to(POKERGFX_DATA).as_posix()


def data_file(name: str) -> Path:
    return POKERGFX_DATA / name


def raw_json(path: Path) -> Any:
    """The file read with the json module, independently of the parser."""
    return json.loads(path.read_bytes())


@cache
def json_session(path: Path) -> ParsedSession:
    return parse_json_file(path)


@cache
def txt_segments(path: Path) -> tuple[ParsedSession, ...]:
    return parse_txt_file(path)


def table_sessions() -> list[ParsedSession]:
    """Every real session file from the two tables (the samples are copies)."""
    return [json_session(path) for path in TABLE_JSON_FILES]
