"""The formatting transforms against FACTS §6.4's documented examples and their edges."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from wsop_hub.render import formatting as fmt
from wsop_hub.render.flags import UNKNOWN_FLAG, check_media_path, get_flag_path


@pytest.mark.parametrize(
    ("amount", "text"),
    [(1_500_000, "1,500,000"), (0, "0"), (999, "999"), (12_430_000, "12,430,000"), (None, "")],
)
def test_format_chips_groups_thousands(amount: int | None, text: str) -> None:
    assert fmt.format_chips(amount) == text


def test_format_chips_blanks_negative_stacks_like_the_safe_sql() -> None:
    assert fmt.format_chips(-5) == ""


@pytest.mark.parametrize("bad", [1.5, "1500", True])
def test_format_chips_refuses_non_integers(bad: object) -> None:
    with pytest.raises(TypeError):
        fmt.format_chips(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1_500_000, "1.5M"),
        (20_000, "20K"),
        (2_000_000, "2M"),
        (2_500, "2.5K"),
        (1_000, "1K"),
        (999, "999"),
        (0, "0"),
        (999_949, "999.9K"),
        (999_950, "1M"),
        (999_999, "1M"),
        (12_345_678, "12.3M"),
        (None, ""),
        (-1, ""),
    ],
)
def test_format_chips_short(amount: int | None, text: str) -> None:
    assert fmt.format_chips_short(amount) == text


@pytest.mark.parametrize(
    ("chips", "big_blind", "text"),
    [
        (1_500_000, 20_000, "75.0"),
        (2_225_000, 20_000, "111.3"),
        (1_625_000, 20_000, "81.3"),
        (12_430_000, 100_000, "124.3"),
        (0, 20_000, "0.0"),
        (150_000_000, 1_000, "150,000.0"),
        (1_500_000, 0, ""),
        (1_500_000, None, ""),
        (None, 20_000, ""),
    ],
)
def test_format_bbs_keeps_the_trailing_zero_and_rounds_half_up(
    chips: int | None, big_blind: int | None, text: str
) -> None:
    assert fmt.format_bbs(chips, big_blind) == text


def test_format_bb_count_formats_a_precomputed_stack_in_big_blinds() -> None:
    assert [fmt.format_bb_count(v) for v in (75, 111.25, 0.04, None)] == [
        "75.0",
        "111.3",
        "0.0",
        "",
    ]


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (100_000_000, "$1,000,000"),
        (8_200_000, "$82,000"),
        (99, "$0"),
        (0, "$0"),
        (None, "$0"),
        (-5_050, "-$50"),
    ],
)
def test_format_currency_takes_cents(cents: int | None, text: str) -> None:
    assert fmt.format_currency(cents) == text


def test_format_currency_from_int_takes_dollars() -> None:
    assert fmt.format_currency_from_int(1_000_000) == "$1,000,000"
    assert fmt.format_currency_from_int(None) == "$0"
    assert fmt.format_currency_from_int(-25) == "-$25"


def test_format_number_and_percent() -> None:
    assert fmt.format_number(1234) == "1,234"
    assert fmt.format_number(None) == ""
    assert fmt.format_percent(0.354) == "35.4%"
    assert fmt.format_percent(0.646) == "64.6%"
    assert fmt.format_percent(0.5) == "50.0%"
    assert fmt.format_percent(1) == "100.0%"
    assert fmt.format_percent(None) == ""


def test_format_date_and_time_follow_to_char() -> None:
    assert fmt.format_date(date(2026, 1, 14)) == "Jan 14"
    assert fmt.format_date("2026-10-16") == "Oct 16"
    assert fmt.format_date(datetime(2026, 1, 4, 18, 0)) == "Jan 04"
    assert fmt.format_time(time(17, 30)) == "05:30 PM"
    assert fmt.format_time("09:05") == "09:05 AM"
    assert fmt.format_time(datetime(2026, 1, 14, 0, 15)) == "12:15 AM"
    assert fmt.format_date(None) == fmt.format_time(None) == ""


@pytest.mark.parametrize(
    ("blinds", "text"),
    [
        ((10_000, 20_000, 20_000), "10K/20K (20K)"),
        ((25, 50, 0), "25/50"),
        ((2_500, 5_000, 5_000), "2.5K/5K (5K)"),
        ((500_000, 1_000_000, 1_000_000), "500K/1M (1M)"),
        ((300, 500, None), "300/500"),
        ((None, 500, 0), ""),
    ],
)
def test_format_blinds(blinds: tuple[int | None, int | None, int | None], text: str) -> None:
    assert fmt.format_blinds(*blinds) == text


@pytest.mark.parametrize(
    ("place", "text"),
    [
        (1, "1ST"),
        (2, "2ND"),
        (3, "3RD"),
        (4, "4TH"),
        (11, "11TH"),
        (12, "12TH"),
        (13, "13TH"),
        (21, "21ST"),
        (22, "22ND"),
        (23, "23RD"),
        (101, "101ST"),
        (111, "111TH"),
        (None, ""),
    ],
)
def test_ordinal(place: int | None, text: str) -> None:
    assert fmt.ordinal(place) == text


def test_ordinal_refuses_place_zero_and_ranges_read_as_on_air() -> None:
    with pytest.raises(ValueError):
        fmt.ordinal(0)
    assert fmt.ordinal_range(14, 15) == "14TH-15TH"
    assert fmt.ordinal_range(16, 21) == "16TH-21ST"
    assert fmt.ordinal_range(22, 22) == "22ND"
    with pytest.raises(ValueError):
        fmt.ordinal_range(5, 4)


def test_cards_accept_both_notations_of_the_data() -> None:
    assert fmt.format_cards(["as", "kh"]) == "A\u2660 K\u2665"
    assert fmt.format_cards("10d Td 2c") == "10\u2666 10\u2666 2\u2663"
    assert fmt.format_cards([]) == ""
    with pytest.raises(ValueError, match="not a card"):
        fmt.format_cards(["1x"])


def test_hand_rank_wording() -> None:
    assert fmt.format_hand_rank("full_house") == "FULL HOUSE"
    assert fmt.format_hand_rank("royal_flush") == "ROYAL FLUSH"


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("KR", "Flag/Korea.png"),
        ("us", "Flag/United States.png"),
        ("UK", "Flag/United Kingdom.png"),
        ("GB", "Flag/United Kingdom.png"),
        ("TR", "Flag/Turkey.png"),
        ("IR", "Flag/Iran.png"),
        ("XX", UNKNOWN_FLAG),
        ("ZZ", UNKNOWN_FLAG),
        ("", UNKNOWN_FLAG),
        (None, UNKNOWN_FLAG),
    ],
)
def test_get_flag_path(code: str | None, path: str) -> None:
    assert get_flag_path(code) == path


@pytest.mark.parametrize(
    "bad", ["../etc/passwd.png", "/abs/Flag.png", "C:/x/Flag.png", "Flag/x.exe"]
)
def test_media_paths_must_stay_inside_the_media_root(bad: str) -> None:
    with pytest.raises(ValueError):
        check_media_path(bad)
