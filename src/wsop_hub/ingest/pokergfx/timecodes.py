"""PokerGFX time values: ISO-8601 timestamps and durations, .NET ticks, PC wall clocks.

PokerGFX is a .NET program and serialises its values the .NET way: timestamps with
seven fractional digits, ``TimeSpan`` values as ISO-8601 durations whose fraction has
four to seven digits, and the session id as ``DateTime`` ticks (100 ns since
0001-01-01). ``RecordingOffsetStart`` looks like an offset but is the feature-table
PC's *local wall clock* serialised as a span since 0001-01-01 (it is StartDateTimeUTC
plus the PC's UTC offset: +3 h on one observed PC, +4 h on the other). Turning it into
an offset into a video needs the recording's start on the same clock, which only the
operator knows: that is the per-PC offset setting :func:`video_offset_s` takes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

#: Year 1, the epoch of .NET ticks and of RecordingOffsetStart.
DOTNET_EPOCH = datetime(1, 1, 1)
TICKS_PER_MICROSECOND = 10

#: Hands outside these years are corrupt data; the bound also keeps date arithmetic
#: (start + duration) far from datetime's limits.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2200

_DURATION = re.compile(
    r"P(?:(?P<days>\d{1,9})D)?"
    r"(?:T(?:(?P<hours>\d{1,9})H)?(?:(?P<minutes>\d{1,9})M)?"
    r"(?:(?P<seconds>\d{1,12})(?:\.(?P<fraction>\d{1,9}))?S)?)?"
)


def parse_utc_timestamp(text: str) -> datetime:
    """Parse ``2025-10-17T10:10:09.7967686Z`` into an aware UTC datetime.

    Python 3.11 reads any number of fractional digits (beyond six are truncated).
    A value without an offset is taken as UTC, which is what PokerGFX means by its
    ``…UTC`` field names. Raises ValueError for anything else.
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO-8601 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError(f"{text!r} is outside {EARLIEST_YEAR}–{LATEST_YEAR}")
    return moment


def parse_iso_duration(text: str) -> timedelta:
    """Parse an ISO-8601 duration (``PT1M23.1911258S``, ``P739538DT16H3M20.9S``).

    Days, hours, minutes and seconds are accepted (PokerGFX never writes years or
    months); the fraction is truncated to microseconds. Raises ValueError otherwise.
    """
    match = _DURATION.fullmatch(text)
    if match is None or not any(
        match.group(name) for name in ("days", "hours", "minutes", "seconds")
    ):
        raise ValueError(f"{text!r} is not an ISO-8601 duration (expected e.g. 'PT1M23.19S')")
    fraction = (match.group("fraction") or "").ljust(6, "0")[:6]
    try:
        return timedelta(
            days=int(match.group("days") or 0),
            hours=int(match.group("hours") or 0),
            minutes=int(match.group("minutes") or 0),
            seconds=int(match.group("seconds") or 0),
            microseconds=int(fraction),
        )
    except OverflowError:
        raise ValueError(f"{text!r} is too long to be a duration") from None


def game_id_to_datetime(game_id: int) -> datetime:
    """The UTC creation time a GameID encodes (.NET ticks; exceeds 2**53, keep it int)."""
    try:
        moment = DOTNET_EPOCH + timedelta(microseconds=game_id // TICKS_PER_MICROSECOND)
    except OverflowError:
        raise ValueError(f"GameID {game_id} is not a .NET tick count") from None
    return moment.replace(tzinfo=UTC)


def pc_clock_time(recording_offset: timedelta) -> datetime:
    """The feature-table PC's local wall-clock time that RecordingOffsetStart encodes.

    Naive on purpose: the PC's time zone is not in the file.
    """
    try:
        return DOTNET_EPOCH + recording_offset
    except OverflowError:
        raise ValueError(f"RecordingOffsetStart {recording_offset} is past year 9999") from None


def pc_clock_seconds(local_time: datetime) -> float:
    """Seconds since 0001-01-01 of a wall-clock time on the PC (its tz is ignored).

    Use it to turn "the recording on the GG PC started at 2025-10-18 14:00:05 local"
    into the per-PC offset :func:`video_offset_s` takes.
    """
    return (local_time.replace(tzinfo=None) - DOTNET_EPOCH).total_seconds()


def video_offset_s(recording_offset: timedelta, pc_offset_s: float) -> float:
    """Seconds from the start of the recording to the start of the hand.

    ``pc_offset_s`` is the per-PC offset setting: the PC's local clock, in seconds since
    0001-01-01, when its recording started. Negative when the hand started before it.
    """
    return recording_offset.total_seconds() - pc_offset_s


def pc_utc_offset(recording_offset: timedelta, started_at: datetime) -> timedelta:
    """The PC's UTC offset as one hand shows it (PC wall clock minus StartDateTimeUTC)."""
    return pc_clock_time(recording_offset) - started_at.astimezone(UTC).replace(tzinfo=None)
