"""Reading one cell: CSV text or a JSON scalar → a typed value, or a ValueError that says why.

The same readers serve CSV (always text) and JSON (numbers, booleans, strings), so a value
means the same in every format. Ranges (chips ≥ 0, seat 1–10) are not checked here but by
the record models, which own the contract.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wsop_hub.ingest.wsop_plus.identity import normalize_country

# Grouped thousands as the cue sheets write them ("5,510,000"). Only correctly grouped
# commas are accepted, so a European decimal comma ("1,5") is an error, not 15.
_GROUPED = r"\d{1,3}(?:,\d{3})+"
_INTEGER = re.compile(rf"[+-]?(?:{_GROUPED}|\d+)(?:\.0+)?")
_MONEY = re.compile(rf"\$?\s*(?P<number>(?:{_GROUPED}|\d+)(?:\.\d+)?)")
_NUMBER = re.compile(rf"[+-]?(?:{_GROUPED}|\d+)(?:\.\d+)?")
_MAX_DIGITS = 40
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


class SoftValueError(ValueError):
    """A value that is wrong but not worth losing the row for (an unknown country): the
    field is left empty and the row is imported with a warning."""


def show(raw: object) -> str:
    """A short printable form of a bad value for error messages."""
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def names(items: Iterable[str]) -> str:
    """Comma-separated column or key names from a file, with unprintable ones escaped so the
    message can be logged and stored (PostgreSQL TEXT refuses NUL and lone surrogates)."""
    return ", ".join(item if item.isprintable() else repr(item) for item in items)


def is_blank(raw: object) -> bool:
    """Empty cell, whitespace-only cell, or JSON null."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _as_text(raw: object, what: str) -> str:
    if isinstance(raw, str):
        return raw.strip()
    raise ValueError(f"expected {what}, got {show(raw)}")


def text(raw: object) -> str:
    """Free text (names, titles). JSON numbers are accepted for ids such as ``12345``."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    value = _as_text(raw, "text")
    # PostgreSQL TEXT holds neither NUL nor a lone surrogate (a JSON "\ud800" escape);
    # refusing them here keeps one bad cell from failing the whole import.
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("contains an unpaired surrogate escape") from exc
    return value


def integer(raw: object) -> int:
    """A whole number: ``4520000``, ``"4,520,000"``, ``"60000.0"``; JSON ``5e6`` is fine,
    ``1.5`` is not."""
    if isinstance(raw, bool):
        raise ValueError(f"expected a whole number, got {show(raw)}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer():
            return int(raw)
        raise ValueError(f"expected a whole number, got {show(raw)}")
    value = _as_text(raw, "a whole number")
    if len(value) > _MAX_DIGITS or not _INTEGER.fullmatch(value):
        raise ValueError(f"expected a whole number, got {show(raw)}")
    return int(value.replace(",", "").split(".")[0])


def number(raw: object) -> float:
    """A decimal number such as a percentage or a stack in big blinds."""
    if isinstance(raw, bool):
        raise ValueError(f"expected a number, got {show(raw)}")
    if isinstance(raw, int | float):
        result = float(raw)
    else:
        value = _as_text(raw, "a number")
        if len(value) > _MAX_DIGITS or not _NUMBER.fullmatch(value):
            raise ValueError(f"expected a number, got {show(raw)}")
        result = float(value.replace(",", ""))
    if not math.isfinite(result):
        raise ValueError(f"expected a finite number, got {show(raw)}")
    return result


def money_cents(raw: object) -> int:
    """Dollars in the file (``10000``, ``"5,500.50"``, ``"$1,500"``) → integer cents.

    Decimal arithmetic, so ``0.29`` dollars is exactly 29 cents; more than two decimals is
    an error because it cannot be stored in cents without rounding someone's prize.
    """
    if isinstance(raw, bool):
        raise ValueError(f"expected an amount in dollars, got {show(raw)}")
    if isinstance(raw, int):
        amount = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError(f"expected an amount in dollars, got {show(raw)}")
        amount = Decimal(repr(raw))
    else:
        value = _as_text(raw, "an amount in dollars")
        match = _MONEY.fullmatch(value) if len(value) <= _MAX_DIGITS else None
        if match is None:
            raise ValueError(f"expected an amount in dollars, got {show(raw)}")
        amount = Decimal(match["number"].replace(",", ""))
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{show(raw)} has more than two decimals")
    return int(cents)


def boolean(raw: object) -> bool:
    """``true/false``, ``yes/no``, ``1/0``, ``t/f``, ``y/n`` in any case, or a JSON boolean."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    value = _as_text(raw, "true or false").lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"expected true or false, got {show(raw)}")


def iso_date(raw: object) -> date:
    """``YYYY-MM-DD``."""
    value = _as_text(raw, "a date YYYY-MM-DD")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"expected a date YYYY-MM-DD, got {show(raw)}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{show(raw)} is not a calendar date") from exc


def clock_time(raw: object) -> time:
    """``HH:MM`` or ``HH:MM:SS`` (24-hour)."""
    value = _as_text(raw, "a time HH:MM")
    if not re.fullmatch(r"\d{1,2}:\d{2}(?::\d{2})?", value):
        raise ValueError(f"expected a time HH:MM, got {show(raw)}")
    hours, _, rest = value.partition(":")
    try:
        return time.fromisoformat(f"{int(hours):02d}:{rest}")
    except ValueError as exc:
        raise ValueError(f"{show(raw)} is not a time of day") from exc


def aware_datetime(raw: object) -> datetime:
    """ISO-8601 with a UTC offset: ``2025-10-19T23:50:00+03:00`` or ``…Z``.

    A timestamp without an offset is refused: the venue (Cyprus, UTC+3), the PokerGFX PCs
    (UTC+3/+4) and the Seoul office all write local times, so a bare time is ambiguous.
    """
    value = _as_text(raw, "a timestamp")
    if len(value) > 64 or not re.match(r"\d{4}-\d{2}-\d{2}[T ]\d", value):
        raise ValueError(f"expected an ISO-8601 timestamp, got {show(raw)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"expected an ISO-8601 timestamp, got {show(raw)}") from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"{show(raw)} has no UTC offset (write e.g. +03:00 or Z)")
    return parsed


def time_zone(raw: object) -> str:
    """An IANA time zone name such as ``Asia/Nicosia``."""
    value = text(raw)
    if len(value) > 64:
        raise ValueError(f"unknown time zone {show(raw)}")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {show(raw)}") from exc
    return value


def country(raw: object) -> str:
    """ISO-2 code from a code or country name; an unknown value is a soft error."""
    try:
        return normalize_country(text(raw))
    except ValueError as exc:
        raise SoftValueError(str(exc)) from exc


def tags(raw: object) -> tuple[str, ...]:
    """A JSON list of strings, or ``;``-separated text."""
    if isinstance(raw, list):
        return tuple(text(item) for item in raw if not is_blank(item))
    return tuple(part.strip() for part in text(raw).split(";") if part.strip())
