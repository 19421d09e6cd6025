"""Mutated and truncated sample files: parse_file returns a result or raises WsopFormatError,
never anything else, and a result is always internally consistent."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsop_hub.ingest.wsop_plus import ParseResult, WsopFormatError, parse_bytes, parse_file

DATA = Path(__file__).parents[2] / "data" / "wsop_plus"
SAMPLES = sorted(path for path in DATA.rglob("*") if path.is_file())

# Bytes that matter to the parsers: separators, quotes, line ends, JSON syntax, digits,
# signs, a BOM fragment, NUL, a UTF-8 lead byte without its continuation.
_INTERESTING = st.sampled_from(
    [
        b",",
        b'"',
        b"\n",
        b"\r",
        b"\r\n",
        b"{",
        b"}",
        b"[",
        b"]",
        b":",
        b"-",
        b"9" * 25,
        b"\xef\xbb\xbf",
        b"\x00",
        b"\xc3",
        b"NaN",
        b"null",
        b" ",
        b"1,000",
        b"true",
    ]
)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """Apply a few random edits: truncate, delete, insert, overwrite, duplicate a slice."""
    for _ in range(draw(st.integers(1, 4))):
        size = len(data)
        at = draw(st.integers(0, size))
        action = draw(st.sampled_from(["truncate", "delete", "insert", "overwrite", "repeat"]))
        if action == "truncate":
            data = data[:at]
        elif action == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        elif action == "insert":
            piece = draw(_INTERESTING | st.binary(min_size=1, max_size=8))
            data = data[:at] + piece + data[at:]
        elif action == "overwrite" and size:
            at = min(at, size - 1)
            data = data[:at] + draw(st.binary(min_size=1, max_size=1)) + data[at + 1 :]
        else:
            data = data[:at] + data[at : at + draw(st.integers(1, 80))] + data[at:]
    return data


def check_consistent(result: ParseResult, data: bytes) -> None:
    lines = max(1, data.count(b"\n") + data.count(b"\r") + 1)
    assert result.rows_total == result.rows_imported + result.rows_failed
    assert all(1 <= problem.line <= lines for problem in (*result.errors, *result.warnings))
    assert all(problem.message for problem in result.errors)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.data())
def test_mutated_samples_parse_or_raise_the_format_error(
    sample: Path, payload: st.DataObject
) -> None:
    data = payload.draw(mutated(sample.read_bytes()))
    try:
        result = parse_bytes(data, sample.name)
    except WsopFormatError as exc:
        assert str(exc).startswith(sample.name)
        return
    check_consistent(result, data)


@settings(max_examples=40, deadline=None)
@given(
    sample=st.sampled_from(SAMPLES),
    cut=st.floats(min_value=0, max_value=1),
)
def test_truncated_files_on_disk_parse_or_raise_the_format_error(sample: Path, cut: float) -> None:
    original = sample.read_bytes()
    data = original[: int(len(original) * cut)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / sample.name
        path.write_bytes(data)
        try:
            result = parse_file(path)
        except WsopFormatError:
            return
    check_consistent(result, data)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), name=st.sampled_from([path.name for path in SAMPLES]))
def test_random_bytes_never_escape_as_another_exception(data: bytes, name: str) -> None:
    try:
        result = parse_bytes(data, name)
    except WsopFormatError:
        return
    check_consistent(result, data)
