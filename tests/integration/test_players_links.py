"""gfx ↔ WSOP+ links against a real database: every source row gets a person, name-match
suggestions, and the admin's confirm (merge) / reject decisions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.integration.test_players_api import (
    AUTH,
    add_chip_count,
    add_gfx,
    add_gfx_hand,
    add_wsop,
    get,
    in_db,
    override,
    sql,
)
from wsop_hub.api.app import create_app
from wsop_hub.errors import NotFound
from wsop_hub.players import ensure_people, ensure_person
from wsop_hub.settings import Settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def suggest(client: TestClient) -> list[dict[str, Any]]:
    answer = client.post("/api/v1/players/links/suggest", headers=AUTH)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["created"] == len(body["links"])
    links: list[dict[str, Any]] = body["links"]
    return links


def decide(client: TestClient, link_id: int, decision: str, **body: Any) -> Any:
    return client.post(f"/api/v1/players/links/{link_id}/{decision}", headers=AUTH, json=body)


def test_every_source_row_gets_exactly_one_person(settings: Settings) -> None:
    async def work(conn: AsyncConnection) -> None:
        rows = [
            (
                await conn.execute(
                    text(
                        "INSERT INTO gfx_players (player_key, name, long_name, name_key)"
                        " VALUES (:k, :n, :l, :nk) RETURNING id"
                    ),
                    {"k": f"key{i}", "n": name, "l": long_name, "nk": name.lower()},
                )
            ).scalar_one()
            for i, (name, long_name) in enumerate([("IVEY", "Phil Ivey"), ("HABIBI", "")])
        ]
        people = await ensure_people(conn, source="gfx", source_row_ids=[*rows, 999_999])
        assert set(people) == set(rows) and len(set(people.values())) == 2
        assert await ensure_people(conn, source="gfx", source_row_ids=rows) == people
        assert await ensure_person(conn, source="gfx", source_row_id=rows[0]) == people[rows[0]]
        seeded = (
            await conn.execute(
                text(
                    "SELECT display_name, name_key, created_by FROM players"
                    " WHERE id = ANY(:ids) ORDER BY id"
                ),
                {"ids": [people[r] for r in rows]},
            )
        ).all()
        assert [tuple(r) for r in seeded] == [
            ("Phil Ivey", "", "ingest:gfx"),
            ("HABIBI", "", "ingest:gfx"),
        ]
        with pytest.raises(NotFound, match="no wsop player with id 424242"):
            await ensure_person(conn, source="wsop", source_row_id=424242)
        await conn.execute(
            text(
                "INSERT INTO wsop_players (wsop_player_id, name, name_key)"
                " VALUES ('1', 'Anna', 'anna'), ('2', 'Ben', 'ben')"
            )
        )
        every = await ensure_people(conn, source="wsop")
        assert len(every) == 2 and not set(every.values()) & set(people.values())

    in_db(settings, work)


@pytest.fixture
def field(settings: Settings) -> dict[str, int]:
    """WSOP+ players and the PokerGFX spellings typed for them at the feature table."""

    async def work(conn: AsyncConnection) -> dict[str, int]:
        ids: dict[str, int] = {}
        for label, name, country in [
            ("w_ivey", "Phil Ivey", "US"),
            ("w_negreanu", "Daniel Negreanu", "CA"),
            ("w_dalkilic", "Mehmet Dalkılıç", "TR"),
            ("w_garcia", "Sergio Garcia", "ES"),
            ("w_hellmuth", "Phil Hellmuth", "US"),
        ]:
            ids[label], ids["p_" + label[2:]] = await add_wsop(conn, name, country)
        for label, name, long_name, country in [
            ("g_ivey", "IVEY", "PHIL IVEY", None),
            ("g_negreanu", "NEGREANU", "DANIAL NEGREANU", None),
            ("g_dalkilic", "Dalkilic", "", None),
            ("g_garcia", "GARCIA", "PEDRO GARCIA", "ES"),
            ("g_laak", "LAAK", "PHIL LAAK", None),
        ]:
            ids[label], ids["gp_" + label[2:]] = await add_gfx(conn, name, long_name, country)
        return ids

    return in_db(settings, work)


def test_suggestions_by_exact_and_fuzzy_name_never_link_anybody(
    client: TestClient, settings: Settings, field: dict[str, int]
) -> None:
    links = suggest(client)
    found = {(link["gfx_player_id"], link["wsop_player_id"]): link for link in links}
    assert set(found) == {
        (field["g_ivey"], field["w_ivey"]),
        (field["g_negreanu"], field["w_negreanu"]),
        (field["g_dalkilic"], field["w_dalkilic"]),
    }
    exact = found[field["g_ivey"], field["w_ivey"]]
    assert (exact["match_method"], exact["match_confidence"], exact["status"]) == (
        "exact_name",
        100,
        "suggested",
    )
    typo = found[field["g_negreanu"], field["w_negreanu"]]
    assert typo["match_method"] == "fuzzy_name" and 80 < typo["match_confidence"] < 99
    assert typo["match_evidence"]["rule"] == "similar_name"
    assert typo["match_evidence"]["name_similarity"] > 0.9
    surname = found[field["g_dalkilic"], field["w_dalkilic"]]
    assert (surname["match_method"], surname["match_confidence"]) == ("fuzzy_name", 70)
    assert (surname["gfx_name"], surname["wsop_name"]) == ("Dalkilic", "Mehmet Dalkılıç")
    # a run over the same players proposes nothing new; nobody was linked
    assert suggest(client) == []
    assert (
        sql(settings, "SELECT count(*) FROM player_link_mapping WHERE status <> 'suggested'") == 0
    )
    assert not get(client, field["p_ivey"])["has_gfx"]
    listed = client.get("/api/v1/players/links", headers=AUTH, params={"status": "suggested"})
    assert sorted(link["id"] for link in listed.json()["items"]) == sorted(
        found[k]["id"] for k in found
    )
    confirmed = client.get("/api/v1/players/links", headers=AUTH, params={"status": "confirmed"})
    assert confirmed.json()["items"] == []


def test_confirm_merges_the_gfx_player_into_the_wsop_person(
    client: TestClient, settings: Settings, field: dict[str, int]
) -> None:
    async def data(conn: AsyncConnection) -> None:
        await add_chip_count(conn, field["w_ivey"], 2_400_000, datetime(2025, 7, 3, tzinfo=UTC))
        await add_gfx_hand(
            conn, field["g_ivey"], 12, 2_550_000, datetime(2025, 7, 3, 1, tzinfo=UTC)
        )
        await conn.execute(
            text(
                "INSERT INTO profile_images (player_id, file_path, uploaded_by)"
                " VALUES (:p, 'ivey.png', 'operator')"
            ),
            {"p": field["gp_ivey"]},
        )

    in_db(settings, data)
    korean = override(
        client, field["gp_ivey"], field="name_korean", value="필 아이비", reason="KR feed"
    )
    link = next(lk for lk in suggest(client) if lk["gfx_player_id"] == field["g_ivey"])
    answer = decide(client, link["id"], "confirm", reason="same man")
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["link"]["status"] == "confirmed" and result["link"]["decided_by"] == "operator"
    assert result["merged_player_id"] == field["gp_ivey"]
    player = result["player"]
    assert player["id"] == field["p_ivey"] and player["linked"]
    assert {
        f: (player[f], player["sources"][f]) for f in ("name", "country_code", "name_korean")
    } == {
        "name": ("Phil Ivey", "wsop"),
        "country_code": ("US", "wsop"),
        "name_korean": ("필 아이비", "override"),
    }
    assert player["chip_count"]["chips"] == 2_400_000 and player["sources"]["chip_count"] == "wsop"
    assert player["hand_data"]["hands_played"] == 1 and player["sources"]["hand_data"] == "gfx"
    assert [o["id"] for o in player["overrides"]] == [korean["id"]]
    assert player["profile_image"] == "ivey.png" and player["sources"]["profile_image"] == "manual"
    assert [r["id"] for r in player["gfx_players"]] == [field["g_ivey"]]
    assert get(client, field["p_ivey"]) == player
    gone = client.get(f"/api/v1/players/{field['gp_ivey']}", headers=AUTH)
    assert gone.status_code == 404
    logged = sql(
        settings,
        "SELECT data->>'by' FROM event_log WHERE type = 'player_updated'"
        " AND data->>'action' = 'link_confirmed'",
    )
    assert logged == "operator"


def test_confirm_refuses_conflicting_overrides_and_changes_nothing(
    client: TestClient, settings: Settings, field: dict[str, int]
) -> None:
    override(client, field["gp_ivey"], field="country_code", value="GB", reason="lives in London")
    override(client, field["p_ivey"], field="country_code", value="IE", reason="Irish passport")
    link = next(lk for lk in suggest(client) if lk["gfx_player_id"] == field["g_ivey"])
    refused = decide(client, link["id"], "confirm")
    assert refused.status_code == 409
    assert "active country_code override ('GB' vs 'IE')" in refused.json()["detail"]
    assert get(client, field["gp_ivey"])["gfx_players"][0]["id"] == field["g_ivey"]
    assert sql(settings, "SELECT status FROM player_link_mapping WHERE id = :i", i=link["id"]) == (
        "suggested"
    )
    gb = get(client, field["gp_ivey"])["overrides"][0]["id"]
    client.post(
        f"/api/v1/players/{field['gp_ivey']}/override/{gb}/deactivate",
        headers=AUTH,
        json={"reason": "IE is right"},
    )
    assert decide(client, link["id"], "confirm").status_code == 200
    history = client.get(f"/api/v1/players/{field['p_ivey']}/overrides", headers=AUTH).json()
    assert [(o["override_value"], o["active"]) for o in history["items"]] == [
        ("IE", True),
        ("GB", False),
    ]


def test_reject_keeps_players_apart_and_the_pair_is_not_suggested_again(
    client: TestClient, field: dict[str, int]
) -> None:
    link = next(lk for lk in suggest(client) if lk["gfx_player_id"] == field["g_dalkilic"])
    answer = decide(client, link["id"], "reject", reason="different Dalkilic")
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["decided_by"]) == ("rejected", "operator")
    assert not get(client, field["p_dalkilic"])["has_gfx"]
    assert get(client, field["gp_dalkilic"])["links"][0]["status"] == "rejected"
    assert suggest(client) == []
    again = decide(client, link["id"], "reject")
    assert again.status_code == 409 and "is rejected" in again.json()["detail"]


def test_a_gfx_player_can_be_confirmed_with_one_wsop_player_only(
    client: TestClient, settings: Settings, field: dict[str, int]
) -> None:
    in_db(settings, lambda conn: add_wsop(conn, "Phill Ivey", "US"))  # a duplicate WSOP+ entry
    ivey = [lk for lk in suggest(client) if lk["gfx_player_id"] == field["g_ivey"]]
    assert [lk["match_method"] for lk in ivey] == ["exact_name", "fuzzy_name"]
    exact, fuzzy = ivey
    assert decide(client, exact["id"], "confirm").status_code == 200
    # the other suggestion for the same gfx player was closed by the confirmation …
    closed = client.get("/api/v1/players/links", headers=AUTH, params={"status": "rejected"})
    assert [(lk["id"], lk["match_evidence"]["superseded_by"]) for lk in closed.json()["items"]] == [
        (fuzzy["id"], exact["id"])
    ]
    # … and confirming it anyway is refused, as is deciding the confirmed one again
    second = decide(client, fuzzy["id"], "confirm")
    assert second.status_code == 409 and f"link {exact['id']} already joins" in second.text
    assert decide(client, exact["id"], "confirm").status_code == 409
    assert decide(client, exact["id"], "reject").status_code == 409
    for decision in ("confirm", "reject"):
        unknown = decide(client, 987654, decision)
        assert unknown.status_code == 404 and "no player link with id 987654" in unknown.text


def test_each_pokergfx_name_of_one_person_can_be_confirmed_with_the_same_wsop_player(
    client: TestClient, settings: Settings, field: dict[str, int]
) -> None:
    """PokerGFX keys a player by the names typed at the table ("Voronin" and "Konstantin
    Voronin" in the real exports): every such key may join the one WSOP+ player."""
    first = next(lk for lk in suggest(client) if lk["gfx_player_id"] == field["g_ivey"])
    assert decide(client, first["id"], "confirm").status_code == 200

    async def second_name(conn: AsyncConnection) -> tuple[int, int]:
        ids = await add_gfx(conn, "Ivey")  # only the surname typed this time
        await add_gfx_hand(conn, field["g_ivey"], 1, 100_000, datetime(2025, 7, 3, 1, tzinfo=UTC))
        await add_gfx_hand(conn, ids[0], 2, 120_000, datetime(2025, 7, 3, 2, tzinfo=UTC))
        return ids

    g_second, gp_second = in_db(settings, second_name)
    # the already linked WSOP+ player is still offered to the new name …
    [offered] = [lk for lk in suggest(client) if lk["gfx_player_id"] == g_second]
    assert offered["wsop_player_id"] == field["w_ivey"]
    answer = decide(client, offered["id"], "confirm", reason="same man, surname only")
    assert answer.status_code == 200, answer.text
    # … and both names are now the one person, their hands counted together
    result = answer.json()
    assert result["merged_player_id"] == gp_second
    player = result["player"]
    assert player["id"] == field["p_ivey"] and player["name"] == "Phil Ivey"
    assert sorted(r["id"] for r in player["gfx_players"]) == sorted([field["g_ivey"], g_second])
    assert player["hand_data"]["hands_played"] == 2
    confirmed = client.get("/api/v1/players/links", headers=AUTH, params={"status": "confirmed"})
    assert sorted(lk["id"] for lk in confirmed.json()["items"]) == sorted(
        [first["id"], offered["id"]]
    )
    # a gfx name still has one WSOP+ partner only
    in_db(settings, lambda conn: add_wsop(conn, "Phil Ivey Jr", "US"))
    assert all(lk["gfx_player_id"] not in (field["g_ivey"], g_second) for lk in suggest(client))
