from datetime import UTC, datetime, time, timedelta, timezone

import pytest

from wsop_hub.ingest.wsop_plus import values as v


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("5510000", 5510000), ("5,510,000", 5510000), (" -5 ", -5), ("60000.0", 60000), (7, 7)],
)
def test_integers_accept_grouped_thousands(raw: object, expected: int) -> None:
    assert v.integer(raw) == expected


@pytest.mark.parametrize("raw", ["1,5", "12,34,567", "1.5", "abc", "", True, 2.5, float("nan")])
def test_integers_refuse_what_is_not_a_whole_number(raw: object) -> None:
    with pytest.raises(ValueError):
        v.integer(raw)


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("10000", 1_000_000),
        ("5,500.50", 550_050),
        ("$1,500", 150_000),
        ("0.29", 29),
        (5500, 550_000),
        (2.5, 250),
    ],
)
def test_money_in_dollars_becomes_exact_cents(raw: object, cents: int) -> None:
    assert v.money_cents(raw) == cents


@pytest.mark.parametrize("raw", ["1.005", "-10", "ten", "1,50", float("inf")])
def test_money_refuses_fractions_of_cents_negatives_and_words(raw: object) -> None:
    with pytest.raises(ValueError):
        v.money_cents(raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("No", False), ("1", True), (0, False)]
)
def test_booleans(raw: object, expected: bool) -> None:
    assert v.boolean(raw) is expected


def test_timestamps_need_an_offset() -> None:
    assert v.aware_datetime("2025-10-19T23:50:00+03:00") == datetime(
        2025, 10, 19, 20, 50, tzinfo=UTC
    )
    assert v.aware_datetime("2025-10-17T10:10:09.7967686Z").tzinfo is not None
    with pytest.raises(ValueError, match="no UTC offset"):
        v.aware_datetime("2025-10-19T23:50:00")


def test_clock_times_accept_single_digit_hours() -> None:
    assert v.clock_time("9:05") == time(9, 5)
    with pytest.raises(ValueError):
        v.clock_time("25:00")


def test_text_refuses_nul_which_postgres_cannot_store() -> None:
    with pytest.raises(ValueError, match="NUL"):
        v.text("Jon\x00Kyte")


def test_country_errors_are_soft() -> None:
    with pytest.raises(v.SoftValueError):
        v.country("Atlantis")


def test_time_zone_names_are_checked() -> None:
    assert v.time_zone("Asia/Nicosia") == "Asia/Nicosia"
    with pytest.raises(ValueError, match="time zone"):
        v.time_zone("Asia")


def test_offset_is_kept() -> None:
    parsed = v.aware_datetime("2025-10-20T22:10:00+03:00")
    assert parsed.utcoffset() == timezone(timedelta(hours=3)).utcoffset(None)
