"""The text transforms of the graphics (FACTS §6.4), in Python rather than SQL.

The original system formatted in PostgreSQL (`TO_CHAR` with `FM` patterns), which drops
trailing zeros (`75.` instead of the documented `75.0`) and rounds 2,500 to `3K`. These
functions implement the documented intent; where they depart from the SQL on purpose the
docstring says so. Every rounding is half-up (as PostgreSQL `ROUND` on NUMERIC), never
Python's half-even: 2,225,000 / 20,000 = 111.25 BB must read "111.3", as on air.

Conventions for missing values follow the SQL's NULL rules: numbers give "" (an empty slot
stays empty), money gives "$0".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

_ONE_DECIMAL = Decimal("0.1")


def _whole(value: object, what: str) -> int:
    """An integer amount; bools and floats are refused so a unit mix-up fails loudly."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an integer, got {type(value).__name__} {value!r}")
    return value


def _number(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"{what} must be a number, got {type(value).__name__} {value!r}")
    return Decimal(str(value))


def _one_decimal(value: Decimal) -> str:
    return f"{value.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP):,}"


def format_chips(amount: int | None) -> str:
    """1500000 → "1,500,000"; None or negative → "" (the SQL's safe variant)."""
    if amount is None or _whole(amount, "chips") < 0:
        return ""
    return f"{amount:,}"


def format_chips_short(amount: int | None) -> str:
    """1500000 → "1.5M", 20000 → "20K", 2500 → "2.5K", 999 → "999"; None/negative → "".

    Departs from the SQL (`ROUND(n/1e3, 0)||'K'`, `ROUND(n/1e6, 1)||'M'`) on purpose: one
    decimal for K as for M and no trailing ".0", because the SQL turns a 2,500/5,000 blind
    level into "3K/5K" and 2,000,000 into "2.0M". A value that rounds up to 1000K is shown
    as "1M" (999,999 → "1M"), never "1000K".
    """
    if amount is None or _whole(amount, "chips") < 0:
        return ""
    if amount < 1000:
        return str(amount)
    thousands = (Decimal(amount) / 1000).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
    if thousands < 1000:
        return f"{thousands.normalize():f}K"
    millions = (Decimal(amount) / 1_000_000).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return f"{millions.normalize():f}M"


def format_bb_count(big_blinds: float | int | None) -> str:
    """A stack already expressed in big blinds: 75 → "75.0", 111.25 → "111.3"; None → ""."""
    if big_blinds is None:
        return ""
    value = _number(big_blinds, "big blinds")
    if value < 0:
        return ""
    return _one_decimal(value)


def format_bbs(chips: int | None, big_blind: int | None) -> str:
    """(1500000, 20000) → "75.0" (trailing zero kept); no chips or no/zero big blind → ""."""
    if chips is None or big_blind is None:
        return ""
    if _whole(big_blind, "big blind") <= 0 or _whole(chips, "chips") < 0:
        return ""
    return _one_decimal(Decimal(chips) / Decimal(big_blind))


def _dollars(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,}"


def format_currency(cents: int | None) -> str:
    """Cents to whole dollars: 100000000 → "$1,000,000"; None → "$0"; -5000 → "-$50".

    Cents below a dollar are dropped (truncated toward zero, as the SQL's integer division):
    prizes are whole dollars on air.
    """
    if cents is None:
        return "$0"
    whole = int((Decimal(_whole(cents, "cents")) / 100).to_integral_value(rounding=ROUND_DOWN))
    return _dollars(whole)


def format_currency_from_int(dollars: int | None) -> str:
    """Whole dollars: 1000000 → "$1,000,000"; None → "$0" (GFX payouts are in dollars)."""
    if dollars is None:
        return "$0"
    return _dollars(_whole(dollars, "dollars"))


def format_number(value: int | None) -> str:
    """1234 → "1,234"; None → ""."""
    if value is None:
        return ""
    return f"{_whole(value, 'number'):,}"


def format_percent(fraction: float | int | None) -> str:
    """A 0..1 fraction: 0.354 → "35.4%", 0.5 → "50.0%"; None → "" (the migration's rule)."""
    if fraction is None:
        return ""
    return f"{_one_decimal(_number(fraction, 'fraction') * 100)}%"


def format_date(value: date | datetime | str | None) -> str:
    """2026-01-14 → "Jan 14" (`TO_CHAR(d, 'Mon DD')`: the day keeps its leading zero)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if not isinstance(value, date):
        raise TypeError(f"date must be a date or ISO string, got {type(value).__name__}")
    return value.strftime("%b %d")


def format_time(value: time | datetime | str | None) -> str:
    """17:30 → "05:30 PM" (`TO_CHAR(t, 'HH:MI AM')`)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = time.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.time()
    if not isinstance(value, time):
        raise TypeError(f"time must be a time or ISO string, got {type(value).__name__}")
    return value.strftime("%I:%M %p")


def format_blinds(small_blind: int | None, big_blind: int | None, ante: int | None = 0) -> str:
    """(10000, 20000, 20000) → "10K/20K (20K)"; (25, 50, 0) → "25/50"; missing blind → ""."""
    if small_blind is None or big_blind is None:
        return ""
    text = f"{format_chips_short(small_blind)}/{format_chips_short(big_blind)}"
    if ante:
        text += f" ({format_chips_short(ante)})"
    return text


def ordinal(place: int | None) -> str:
    """1 → "1ST", 2 → "2ND", 11 → "11TH", 21 → "21ST", 112 → "112TH"; None → ""."""
    if place is None:
        return ""
    if _whole(place, "place") < 1:
        raise ValueError(f"a place is 1 or more, got {place}")
    if place % 100 in (11, 12, 13):
        suffix = "TH"
    else:
        suffix = {1: "ST", 2: "ND", 3: "RD"}.get(place % 10, "TH")
    return f"{place}{suffix}"


def ordinal_range(first: int, last: int) -> str:
    """Shared places on a payout table: (14, 15) → "14TH-15TH"; (22, 22) → "22ND"."""
    if last < first:
        raise ValueError(f"place range {first}-{last} is backwards")
    if first == last:
        return ordinal(first)
    return f"{ordinal(first)}-{ordinal(last)}"


_SUITS = {"s": "\u2660", "h": "\u2665", "d": "\u2666", "c": "\u2663"}
_RANKS = {"t": "10", "j": "J", "q": "Q", "k": "K", "a": "A"}


def format_card(card: str) -> str:
    """One card in either notation seen in the data (`as`, `As`, `10d`, `Td`) → "A♠", "10♦"."""
    text = card.strip()
    rank, suit = text[:-1].lower(), text[-1:].lower()
    if suit not in _SUITS or rank not in {*_RANKS, "10", *"23456789"}:
        raise ValueError(f"not a card: {card!r} (expected e.g. 'As', '10d', 'Td')")
    return _RANKS.get(rank, rank) + _SUITS[suit]


def format_cards(cards: Sequence[str] | str | None) -> str:
    """["as", "kh"] or "As Kh" → "A♠ K♥"; None or empty → ""."""
    if cards is None:
        return ""
    items = cards.split() if isinstance(cards, str) else list(cards)
    return " ".join(format_card(card) for card in items if card.strip())


def format_hand_rank(rank: str | None) -> str:
    """A hand category as stored (`full_house`) → the on-air wording "FULL HOUSE"."""
    if rank is None:
        return ""
    return rank.replace("_", " ").strip().upper()
