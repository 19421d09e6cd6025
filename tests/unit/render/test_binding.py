"""Binding real gfx_data payloads (FACTS §6.5) and raw lists to layers, and refusing bad data."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from wsop_hub.dispatch.backends import PermanentRenderError
from wsop_hub.render.binding import bind
from wsop_hub.render.errors import BindingError
from wsop_hub.render.templates import get_template

DATA = Path(__file__).resolve().parents[2] / "data" / "render"
CHIPS = "_MAIN Mini Chip Count"


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def test_real_mini_chip_count_payload_binds_slot_by_slot() -> None:
    data = payload("render_gfx_data_main_mini_chip_count_example.json")
    bound = bind(get_template(CHIPS), data)
    assert bound.composition == CHIPS
    assert bound.template_version == get_template(CHIPS).version
    for slot in data["slots"]:
        n, fields = slot["slot_index"], slot["fields"]
        assert bound.texts[f"Name {n}"] == fields["name"]
        assert bound.texts[f"Chips {n}"] == fields["chips"]
        assert bound.texts[f"BBs {n}"] == fields["bbs"]
        assert bound.texts[f"Rank {n}"] == fields["rank"]
        assert bound.images[f"Flag {n}"] == fields["flag"]
    assert bound.texts["AVERAGE STACK"] == "1,925,000 (96BB)"
    assert bound.texts["WSOP SUPER CIRCUIT CYPRUS"] == "2025 WSOP SUPER CIRCUIT CYPRUS"


def test_empty_slots_are_sent_as_empty_strings_and_show_no_flag() -> None:
    bound = bind(get_template(CHIPS), payload("render_gfx_data_main_mini_chip_count_example.json"))
    for n in range(3, 10):
        for layer in ("Name", "Chips", "BBs", "Rank"):
            assert bound.texts[f"{layer} {n}"] == ""
        assert f"Flag {n}" not in bound.images


def test_real_queue_sample_upper_cases_names_and_reconciles_flag_aliases() -> None:
    data = payload("render_queue_gfx_data_sample_1.json")
    bound = bind(get_template(CHIPS), data)
    for slot in data["slots"]:
        n, fields = slot["slot_index"], slot["fields"]
        assert bound.texts[f"Name {n}"] == fields["name"].upper()
        assert bound.images[f"Flag {n}"] == fields["flag_path"]
    assert bound.texts["Name 1"] == "IPEKOGLU"
    assert bound.images["Flag 2"] == "Flag/Iran.png"


def test_flag_aliases_that_disagree_are_refused() -> None:
    data = payload("render_queue_gfx_data_sample_1.json")
    data["slots"][1]["fields"]["country_code"] = "KR"
    with pytest.raises(BindingError, match=r"slot 2 field 'flag' is given twice .*disagree"):
        bind(get_template(CHIPS), data)


def test_real_payouts_payload_binds() -> None:
    data = payload("render_gfx_data_payouts_example.json")
    bound = bind(get_template("Payouts"), data)
    assert [bound.texts[f"prize {n}"] for n in range(1, 10)] == [
        slot["fields"]["prize"] for slot in data["slots"]
    ]
    assert bound.texts["Rank 9"] == "9"
    assert bound.texts["TOTAL PRIZE"] == "$4,254,500"
    assert bound.texts["PAYOUTS"] == "PAYOUTS"
    assert bound.texts["EVENT NAME"] == ""


def test_v3_example_sections_that_no_layer_takes_are_named() -> None:
    data = payload("render_gfx_data_v3_example.json")
    with pytest.raises(BindingError) as info:
        bind(get_template(CHIPS), data)
    message = str(info.value)
    for section in ("at_risk", "chip_comparison", "chip_flow", "payouts", "player_history"):
        assert section in message


def test_a_single_field_without_a_layer_is_an_error_not_a_silent_skip() -> None:
    data = payload("render_gfx_data_v3_example.json")
    for section in ("at_risk", "chip_comparison", "chip_flow", "payouts", "player_history"):
        del data[section]
    with pytest.raises(BindingError, match="single_fields field 'event_name' maps to no layer"):
        bind(get_template(CHIPS), data)
    del data["single_fields"]["event_name"]
    assert bind(get_template(CHIPS), data).texts["Name 1"] == "PHIL IVEY"


def test_a_slot_field_without_a_layer_names_slot_and_field() -> None:
    data = payload("render_gfx_data_payouts_example.json")
    data["slots"][4]["fields"]["name"] = "LIPAUKA"
    with pytest.raises(BindingError, match="slot 5 field 'name' maps to no layer"):
        bind(get_template("Payouts"), data)


def test_more_slots_than_the_template_has_are_refused() -> None:
    data = payload("render_gfx_data_payouts_example.json")
    data["slots"].append({"slot_index": 10, "fields": {"rank": "10", "prize": "$70,000"}})
    with pytest.raises(BindingError, match="10 slots given, the template has 9"):
        bind(get_template("Payouts"), data)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["slots"][0].update(slot_index=0), r"slots\[0\]\.slot_index 0 is outside 1..9"),
        (lambda d: d["slots"][1].update(slot_index=1), "slot_index 1 is given twice"),
        (lambda d: d["slots"][0].update(slot_index="1"), "slot_index must be an integer"),
        (lambda d: d["slots"][0]["fields"].update(chips=[1]), "slot 1 field 'chips'"),
        (lambda d: d["slots"][0]["fields"].update(name=12), r"slot 1 field 'name': .*upper"),
        (lambda d: d["slots"][0]["fields"].update(name=""), "slot 1 field 'name' is required"),
        (lambda d: d["slots"][0]["fields"].update(flag="../../x.png"), "must be relative"),
        (lambda d: d.update(comp_name="Payouts"), "comp_name is 'Payouts', not this template"),
        (lambda d: d.update(slots={}), "slots must be a list"),
    ],
)
def test_bad_slot_data_is_a_permanent_error_naming_the_field(mutate: Any, message: str) -> None:
    data = copy.deepcopy(payload("render_gfx_data_main_mini_chip_count_example.json"))
    mutate(data)
    with pytest.raises(BindingError, match=message) as info:
        bind(get_template(CHIPS), data)
    assert isinstance(info.value, PermanentRenderError)


def test_raw_numbers_are_formatted_by_the_fields_transform() -> None:
    data = {
        "slots": [
            {
                "slot_index": 1,
                "fields": {"name": "Phil Ivey", "chips": 1_500_000, "bbs": 75, "rank": 1},
            },
            {
                "slot_index": 2,
                "fields": {"name": "홍길동", "chips": "1,200,000", "country_code": "KR"},
            },
        ],
        "single_fields": {"wsop_super_circuit_cyprus": "2025 wsop super circuit cyprus"},
    }
    bound = bind(get_template(CHIPS), data)
    assert bound.texts["Name 1"] == "PHIL IVEY"
    assert bound.texts["Chips 1"] == "1,500,000"
    assert bound.texts["BBs 1"] == "75.0"
    assert bound.texts["Rank 1"] == "1"
    assert bound.images["Flag 1"] == "Flag/Unknown.png"
    assert bound.texts["Name 2"] == "홍길동"
    assert bound.texts["Chips 2"] == "1,200,000"
    assert bound.images["Flag 2"] == "Flag/Korea.png"
    assert bound.texts["WSOP SUPER CIRCUIT CYPRUS"] == "2025 WSOP SUPER CIRCUIT CYPRUS"
    assert bound.texts["AVERAGE STACK"] == ""


def test_raw_players_are_ordered_by_stack_without_sitting_out_players() -> None:
    players = [
        {"name": "Voronin", "chips": 1_625_000, "country_code": "RU"},
        {"name": "Sleeper", "chips": 9_000_000, "sitting_out": True},
        {"name": "Lipauka", "chips": 2_225_000, "country_code": "LT"},
        {"name": "김철수", "chips": 400_000, "country_code": "KR", "sitting_out": False},
    ]
    bound = bind(get_template(CHIPS), {"players": players, "big_blind": 20_000})
    assert [bound.texts[f"Name {n}"] for n in (1, 2, 3, 4)] == ["LIPAUKA", "VORONIN", "김철수", ""]
    assert [bound.texts[f"Rank {n}"] for n in (1, 2, 3)] == ["1", "2", "3"]
    assert [bound.texts[f"BBs {n}"] for n in (1, 2, 3)] == ["111.3", "81.3", "20.0"]
    assert bound.texts["Chips 1"] == "2,225,000"
    assert bound.images == {
        "Flag 1": "Flag/Lithuania.png",
        "Flag 2": "Flag/Russia.png",
        "Flag 3": "Flag/Korea.png",
    }


def test_ten_active_players_do_not_fit_nine_slots_but_a_sitting_out_tenth_does() -> None:
    players = [{"name": f"P{i}", "chips": 1000 * (i + 1)} for i in range(10)]
    with pytest.raises(BindingError, match="10 players to show, the template has 9 slots"):
        bind(get_template(CHIPS), {"players": players})
    players[0]["sitting_out"] = True
    assert bind(get_template(CHIPS), {"players": players}).texts["Name 9"] == "P1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"players": [{"name": "A"}]}, r"players\[0\]\.chips must be a number"),
        ({"players": [{"name": "A", "chips": 1, "sitting_out": "no"}]}, "must be true/false"),
        ({"players": [{"name": "A", "chips": 1, "stack": 5}]}, r"players\[0\] field 'stack'"),
        ({"players": [], "slots": []}, "either gfx_data.slots or gfx_data.players"),
        ({"players": [{"name": "A", "chips": 5}], "big_blind": "20K"}, "big blind must be an int"),
    ],
)
def test_bad_raw_rows_are_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(BindingError, match=message):
        bind(get_template(CHIPS), data)


def test_raw_payouts_in_cents_are_ordered_by_place() -> None:
    payouts = [{"place": 2, "amount": 67_000_000}, {"place": 1, "amount": 100_000_000}]
    bound = bind(get_template("Payouts"), {"payouts": payouts})
    assert (bound.texts["Rank 1"], bound.texts["prize 1"]) == ("1ST", "$1,000,000")
    assert (bound.texts["Rank 2"], bound.texts["prize 2"]) == ("2ND", "$670,000")
    assert bound.texts["Rank 3"] == bound.texts["prize 3"] == ""


def test_elimination_needs_a_rank_and_at_least_one_player() -> None:
    spec = get_template("Elimination")
    bound = bind(spec, {"players": [{"name": "Jane Doe", "rank": 50, "prize": 2_500_000}]})
    assert (bound.texts["Name 1"], bound.texts["Rank 1"], bound.texts["prize 1"]) == (
        "JANE DOE",
        "50TH",
        "$25,000",
    )
    assert bound.texts["text_제목"] == "ELIMINATED"
    with pytest.raises(BindingError, match="needs at least 1 slot"):
        bind(spec, {"players": []})
    with pytest.raises(BindingError, match="slot 1 field 'rank' is required"):
        bind(spec, {"slots": [{"slot_index": 1, "fields": {"name": "Jane Doe"}}]})


def test_premium_hand_accepts_the_hand_as_stored() -> None:
    data = {
        "single_fields": {
            "player_name": "Phil Ivey",
            "hand_rank": "four_of_a_kind",
            "hole_cards": ["as", "ad"],
            "pot": 3_250_000,
            "country_code": "US",
        }
    }
    bound = bind(get_template("Premium Hand"), data)
    assert bound.texts == {
        "Name": "PHIL IVEY",
        "Hand": "FOUR OF A KIND",
        "Cards": "A\u2660 A\u2666",
        "Pot": "3,250,000",
    }
    assert bound.images == {"Flag": "Flag/United States.png"}
    with pytest.raises(BindingError, match="single_fields field 'hand' is required"):
        bind(get_template("Premium Hand"), {"single_fields": {"name": "Phil Ivey"}})
