"""Unified players over HTTP against a real database: field priority, search, overrides,
manual edits, listing, and input errors. Source rows are inserted the way the importers
do it (row, then ``ensure_person`` in the same transaction)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import TEST_PASSWORD
from wsop_hub.api.app import create_app
from wsop_hub.db.engine import create_engine
from wsop_hub.players import ensure_person, name_key
from wsop_hub.settings import Settings

AUTH = {"Authorization": "Basic " + base64.b64encode(f"operator:{TEST_PASSWORD}".encode()).decode()}
T = TypeVar("T")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def in_db(settings: Settings, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction (how an importer writes)."""

    async def run() -> T:
        engine = create_engine(settings.database_url or "", pool_size=1)
        try:
            async with engine.begin() as conn:
                return await work(conn)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def sql(settings: Settings, statement: str, **params: Any) -> Any:
    async def work(conn: AsyncConnection) -> Any:
        result = await conn.execute(text(statement), params)
        return result.scalar() if result.returns_rows else None

    return in_db(settings, work)


async def add_gfx(
    conn: AsyncConnection, name: str, long_name: str = "", country: str | None = None
) -> tuple[int, int]:
    """A PokerGFX player as the importer stores it; (gfx row id, person id)."""
    key = hashlib.md5(f"{name.lower()}:{long_name.lower()}".encode()).hexdigest()
    row_id = (
        await conn.execute(
            text(
                "INSERT INTO gfx_players (player_key, name, long_name, name_key, country_code)"
                " VALUES (:key, :name, :long_name, :name_key, :country) RETURNING id"
            ),
            {
                "key": key,
                "name": name,
                "long_name": long_name,
                "name_key": name_key(long_name or name),
                "country": country,
            },
        )
    ).scalar_one()
    return row_id, await ensure_person(conn, source="gfx", source_row_id=row_id)


async def add_wsop(
    conn: AsyncConnection, name: str, country: str | None = None, image: str | None = None
) -> tuple[int, int]:
    """A WSOP+ player as the importer stores it; (wsop row id, person id)."""
    row_id = (
        await conn.execute(
            text(
                "INSERT INTO wsop_players (wsop_player_id, name, name_key, country_code,"
                " profile_image_url) VALUES (:wid, :name, :name_key, :country, :image) RETURNING id"
            ),
            {
                "wid": f"name:{name_key(name)}",
                "name": name,
                "name_key": name_key(name),
                "country": country,
                "image": image,
            },
        )
    ).scalar_one()
    return row_id, await ensure_person(conn, source="wsop", source_row_id=row_id)


async def add_chip_count(
    conn: AsyncConnection, wsop_row_id: int, chips: int, recorded_at: datetime
) -> None:
    event_id = (
        await conn.execute(
            text(
                "INSERT INTO wsop_events (event_code, name) VALUES ('E55', 'Main Event')"
                " ON CONFLICT (event_code) DO UPDATE SET name = EXCLUDED.name RETURNING id"
            )
        )
    ).scalar_one()
    await conn.execute(
        text(
            "INSERT INTO wsop_chip_counts (event_id, player_id, chips, recorded_at)"
            " VALUES (:e, :p, :c, :at)"
        ),
        {"e": event_id, "p": wsop_row_id, "c": chips, "at": recorded_at},
    )


async def add_gfx_hand(
    conn: AsyncConnection, gfx_row_id: int, hand_num: int, end_stack: int, started_at: datetime
) -> int:
    await conn.execute(
        text(
            "INSERT INTO gfx_sessions (session_id, source, file_name, file_hash)"
            " VALUES (638962014211467634, 'rfid', 'PGFX_live_data_export.json', 'h')"
            " ON CONFLICT (session_id) DO NOTHING"
        )
    )
    hand_id = (
        await conn.execute(
            text(
                "INSERT INTO gfx_hands (session_id, hand_num, source, started_at, content_hash)"
                " VALUES (638962014211467634, :n, 'rfid', :at, :h) RETURNING id"
            ),
            {"n": hand_num, "at": started_at, "h": f"hash-{hand_num}"},
        )
    ).scalar_one()
    await conn.execute(
        text(
            "INSERT INTO gfx_hand_players (hand_id, seat_num, player_id, name, end_stack_amt)"
            " VALUES (:h, 1, :p, 'seat one', :s)"
        ),
        {"h": hand_id, "p": gfx_row_id, "s": end_stack},
    )
    return int(hand_id)


async def point_gfx_at(conn: AsyncConnection, gfx_row_id: int, person_id: int) -> None:
    """What a confirmed link leaves behind (the link flow itself: test_players_links)."""
    await conn.execute(
        text("UPDATE gfx_players SET player_id = :p WHERE id = :g"),
        {"p": person_id, "g": gfx_row_id},
    )


def get(client: TestClient, player_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/v1/players/{player_id}", headers=AUTH)
    assert answer.status_code == 200, answer.text
    return answer.json()


def override(client: TestClient, player_id: int, **body: Any) -> dict[str, Any]:
    answer = client.post(f"/api/v1/players/{player_id}/override", headers=AUTH, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def field_values(player: dict[str, Any], *fields: str) -> dict[str, tuple[Any, Any]]:
    return {f: (player[f], player["sources"][f]) for f in fields}


NOW = datetime.now(UTC)


@pytest.fixture
def garcia(settings: Settings) -> dict[str, int]:
    """José García: a WSOP+ record (ES, photo, chip count) and a linked PokerGFX record
    (typed "JOSE GARCIA", one hand played after the WSOP+ count)."""

    async def work(conn: AsyncConnection) -> dict[str, int]:
        wsop_id, person = await add_wsop(conn, "José García", "ES", "https://wsop.example/jg.png")
        gfx_id, gfx_person = await add_gfx(conn, "GARCIA", "JOSE GARCIA")
        await point_gfx_at(conn, gfx_id, person)
        await conn.execute(text("DELETE FROM players WHERE id = :id"), {"id": gfx_person})
        await add_chip_count(conn, wsop_id, 1_500_000, NOW - timedelta(hours=2))
        hand_id = await add_gfx_hand(conn, gfx_id, 41, 1_620_000, NOW - timedelta(hours=1))
        return {"person": person, "wsop": wsop_id, "gfx": gfx_id, "hand": hand_id}

    return in_db(settings, work)


# -- field priority ---------------------------------------------------------------------------


def test_without_manual_data_wsop_wins_metadata_and_gfx_supplies_hands(
    client: TestClient, garcia: dict[str, int]
) -> None:
    player = get(client, garcia["person"])
    assert field_values(player, "name", "country_code", "profile_image", "name_korean") == {
        "name": ("José García", "wsop"),
        "country_code": ("ES", "wsop"),
        "profile_image": ("https://wsop.example/jg.png", "wsop"),
        "name_korean": (None, None),
    }
    # WSOP+ outranks GFX for chips even though the GFX hand is more recent (SPEC §6).
    assert player["chip_count"]["chips"] == 1_500_000 and player["sources"]["chip_count"] == "wsop"
    assert player["hand_data"]["hands_played"] == 1
    assert player["hand_data"]["last_hand"]["gfx_hand_id"] == garcia["hand"]
    assert player["sources"]["hand_data"] == "gfx"
    assert player["linked"] and player["has_gfx"] and player["has_wsop"]
    assert [r["long_name"] for r in player["gfx_players"]] == ["JOSE GARCIA"]
    assert [r["name"] for r in player["wsop_players"]] == ["José García"]
    assert player["manual"]["display_name"] is None


def test_chip_count_falls_back_to_the_latest_gfx_hand(
    client: TestClient, settings: Settings, garcia: dict[str, int]
) -> None:
    sql(settings, "DELETE FROM wsop_chip_counts")

    async def older_hand(conn: AsyncConnection) -> int:
        return await add_gfx_hand(conn, garcia["gfx"], 7, 900_000, NOW - timedelta(days=1))

    in_db(settings, older_hand)
    player = get(client, garcia["person"])
    assert player["chip_count"]["chips"] == 1_620_000
    assert player["chip_count"]["gfx_hand_id"] == garcia["hand"]
    assert player["sources"]["chip_count"] == "gfx"
    assert player["hand_data"]["hands_played"] == 2


def test_gfx_only_player_is_named_by_gfx_and_has_no_country(
    client: TestClient, settings: Settings
) -> None:
    _, person = in_db(settings, lambda conn: add_gfx(conn, "Voronin", "Konstantin Voronin", "RU"))
    player = get(client, person)
    # gfx_players.country_code is not a source of the unified country (SPEC §6).
    assert field_values(player, "name", "country_code") == {
        "name": ("Konstantin Voronin", "gfx"),
        "country_code": (None, None),
    }
    assert player["chip_count"] is None and player["sources"]["chip_count"] is None
    assert player["hand_data"] == {"hands_played": 0, "last_hand": None}


def test_manual_values_win_over_wsop_and_gfx(client: TestClient, garcia: dict[str, int]) -> None:
    answer = client.patch(
        f"/api/v1/players/{garcia['person']}",
        headers=AUTH,
        json={
            "display_name": "José 'El Mago' García",
            "country_code": "pt",
            "name_korean": "호세 가르시아",
            "notable_wins": [{"year": 2023, "event": "Event #12", "place": 1, "prize": 250000}],
        },
    )
    assert answer.status_code == 200, answer.text
    player = answer.json()
    assert field_values(player, "name", "country_code", "profile_image", "name_korean") == {
        "name": ("José 'El Mago' García", "manual"),
        "country_code": ("PT", "manual"),
        "profile_image": ("https://wsop.example/jg.png", "wsop"),
        "name_korean": ("호세 가르시아", "manual"),
    }
    assert player["notable_wins"][0]["event"] == "Event #12"
    assert player["sources"]["chip_count"] == "wsop"
    # Clearing the manual name hands the name back to WSOP+.
    cleared = client.patch(
        f"/api/v1/players/{garcia['person']}", headers=AUTH, json={"display_name": None}
    ).json()
    assert field_values(cleared, "name") == {"name": ("José García", "wsop")}
    assert cleared["manual"]["display_name"] is None


def test_override_wins_only_inside_its_validity_window(
    client: TestClient, settings: Settings, garcia: dict[str, int]
) -> None:
    person = garcia["person"]
    client.patch(f"/api/v1/players/{person}", headers=AUTH, json={"country_code": "PT"})
    override(client, person, field="name", value="JOSÉ GARCÍA (ESP)", reason="caption style")
    override(
        client,
        person,
        field="country_code",
        value="MX",
        reason="plays under Mexico from tomorrow",
        valid_from=(NOW + timedelta(days=1)).isoformat(),
    )
    sql(
        settings,
        "INSERT INTO player_overrides (player_id, field_name, override_value, reason,"
        " valid_from, valid_until, created_by)"
        " VALUES (:p, 'profile_image', 'old.png', 'expired photo', :f, :u, 'operator')",
        p=person,
        f=NOW - timedelta(days=3),
        u=NOW - timedelta(days=1),
    )
    player = get(client, person)
    assert field_values(player, "name", "country_code", "profile_image") == {
        "name": ("JOSÉ GARCÍA (ESP)", "override"),
        "country_code": ("PT", "manual"),
        "profile_image": ("https://wsop.example/jg.png", "wsop"),
    }
    in_effect = {o["field_name"]: o["in_effect"] for o in player["overrides"]}
    assert in_effect == {"name": True, "country_code": False, "profile_image": False}
    # An override whose window has opened wins.
    sql(
        settings,
        "UPDATE player_overrides SET valid_from = :f WHERE field_name = 'country_code'",
        f=NOW - timedelta(minutes=1),
    )
    assert field_values(get(client, person), "country_code") == {"country_code": ("MX", "override")}


# -- search -----------------------------------------------------------------------------------


@pytest.fixture
def searchable(settings: Settings, client: TestClient) -> dict[str, int]:
    async def work(conn: AsyncConnection) -> dict[str, int]:
        _, jose = await add_wsop(conn, "José García", "ES")
        _, sergio = await add_gfx(conn, "Garcia", "")
        _, garcon = await add_wsop(conn, "Pierre Garçon", "FR")
        _, ivey = await add_gfx(conn, "IVEY", "PHIL IVEY")
        return {"jose": jose, "sergio": sergio, "garcon": garcon, "ivey": ivey}

    people = in_db(settings, work)
    created = client.post("/api/v1/players", headers=AUTH, json={"display_name": "Mehmet Dalkılıç"})
    people["mehmet"] = created.json()["id"]
    return people


def search(client: TestClient, q: str) -> list[tuple[int, str]]:
    answer = client.get("/api/v1/players/search", headers=AUTH, params={"q": q})
    assert answer.status_code == 200, answer.text
    return [(hit["id"], hit["match"]) for hit in answer.json()["items"]]


def test_search_is_case_and_accent_insensitive_and_ranked(
    client: TestClient, searchable: dict[str, int]
) -> None:
    jose, sergio, garcon = searchable["jose"], searchable["sergio"], searchable["garcon"]
    for query in ("jose garcia", "JOSÉ GARCÍA", "  José   García ", "Jose-Garcia"):
        assert search(client, query)[0] == (jose, "exact"), query
    assert search(client, "GARCIA") == [(sergio, "exact"), (jose, "word_prefix")]
    assert search(client, "garc") == [
        (sergio, "prefix"),
        (jose, "word_prefix"),
        (garcon, "word_prefix"),
    ]
    assert search(client, "arci") == [(sergio, "substring"), (jose, "substring")]
    assert search(client, "garcia jose") == [(jose, "all_words")]
    # manual names (Dalkılıç typed with Turkish letters) and PokerGFX long names count too
    assert search(client, "dalkilic") == [(searchable["mehmet"], "word_prefix")]
    assert search(client, "phil ivey") == [(searchable["ivey"], "exact")]


def test_search_finds_nothing_for_unrelated_text_and_refuses_empty_queries(
    client: TestClient, searchable: dict[str, int]
) -> None:
    for query in ("negreanu", "jose lopez", "ivey phil x"):
        assert search(client, query) == [], query
    for params in ({"q": "!!!"}, {"q": ""}, {}, {"q": "a", "limit": 0}):
        answer = client.get("/api/v1/players/search", headers=AUTH, params=params)
        assert answer.status_code == 422, params
    refused = client.get("/api/v1/players/search", headers=AUTH, params={"q": "!!!"})
    assert "no letter or digit" in refused.json()["detail"]


# -- overrides --------------------------------------------------------------------------------


def test_override_replaces_the_active_one_and_keeps_history(
    client: TestClient, settings: Settings, garcia: dict[str, int]
) -> None:
    person = garcia["person"]
    first = override(client, person, field="name", value="PHILL GARCIA", reason="typo on air")
    second = override(client, person, field="name", value="JOSE GARCIA", reason="typo fixed")
    assert first["original_value"] == second["original_value"] == "José García"
    assert second["created_by"] == "operator" and second["active"] and second["in_effect"]
    history = client.get(f"/api/v1/players/{person}/overrides", headers=AUTH).json()["items"]
    assert [(o["id"], o["override_value"], o["active"]) for o in history] == [
        (second["id"], "JOSE GARCIA", True),
        (first["id"], "PHILL GARCIA", False),
    ]
    active = sql(
        settings,
        "SELECT count(*) FROM player_overrides WHERE player_id = :p AND active",
        p=person,
    )
    assert active == 1
    assert field_values(get(client, person), "name") == {"name": ("JOSE GARCIA", "override")}
    # the database itself refuses a second active override of one field
    insert = (
        "INSERT INTO player_overrides (player_id, field_name, override_value, reason, created_by)"
        " VALUES (:p, 'name', 'THIRD', 'reason', 'operator')"
    )
    with pytest.raises(IntegrityError, match="uq_player_overrides_active_field"):
        sql(settings, insert, p=person)


def test_deactivating_an_override_restores_the_source_value(
    client: TestClient, garcia: dict[str, int]
) -> None:
    person = garcia["person"]
    made = override(client, person, field="country_code", value="Cyprus", reason="passport")
    assert made["override_value"] == "CY"
    path = f"/api/v1/players/{person}/override/{made['id']}/deactivate"
    answer = client.post(path, headers=AUTH, json={"reason": "wrong passport"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["active"] is False and answer.json()["in_effect"] is False
    assert field_values(get(client, person), "country_code") == {"country_code": ("ES", "wsop")}
    again = client.post(path, headers=AUTH, json={"reason": "wrong passport"})
    assert again.status_code == 409 and "already inactive" in again.json()["detail"]
    assert client.post(path, headers=AUTH, json={}).status_code == 422


def test_notable_wins_override_takes_a_json_list(
    client: TestClient, garcia: dict[str, int]
) -> None:
    wins = '[{"year": 2019, "event": "Main Event", "place": 3}]'
    override(client, garcia["person"], field="notable_wins", value=wins, reason="WSOP record")
    player = get(client, garcia["person"])
    assert player["notable_wins"] == [
        {"year": 2019, "event": "Main Event", "place": 3, "prize": None, "notes": None}
    ]
    assert player["sources"]["notable_wins"] == "override"


BAD_OVERRIDES: list[tuple[dict[str, Any], str]] = [
    ({"field": "name", "value": "X Y"}, "reason"),
    ({"field": "name", "value": "X Y", "reason": "no"}, "at least 3 characters"),
    ({"field": "chip_count", "value": "1", "reason": "more chips"}, "cannot be overridden"),
    ({"field": "hometown", "value": "x", "reason": "because"}, "field"),
    ({"field": "country_code", "value": "Atlantis", "reason": "because"}, "unknown country"),
    ({"field": "name", "value": "???", "reason": "because"}, "letter or digit"),
    ({"field": "notable_wins", "value": "[{]", "reason": "because"}, "notable_wins override"),
    (
        {"field": "notable_wins", "value": '[{"year": 2019}]', "reason": "because"},
        "0.event",
    ),
    (
        {
            "field": "bio",
            "value": "x",
            "reason": "because",
            "valid_from": "2030-01-02T00:00:00Z",
            "valid_until": "2030-01-01T00:00:00Z",
        },
        "valid_until must be later than valid_from",
    ),
    (
        {"field": "bio", "value": "x", "reason": "because", "valid_from": "2030-01-02T00:00"},
        "timezone",
    ),
    (
        {
            "field": "bio",
            "value": "x",
            "reason": "because",
            "valid_until": "2001-01-01T00:00:00Z",
        },
        "in the past",
    ),
    ({"field": "bio", "value": "x", "reason": "because", "extra": 1}, "extra"),
]


def test_bad_override_bodies_are_422_with_a_clear_message(
    client: TestClient, garcia: dict[str, int]
) -> None:
    for body, message in BAD_OVERRIDES:
        answer = client.post(
            f"/api/v1/players/{garcia['person']}/override", headers=AUTH, json=body
        )
        assert answer.status_code == 422, (body, answer.text)
        assert message in answer.text, (body, answer.text)
    assert get(client, garcia["person"])["overrides"] == []


# -- manual players, listing, errors ----------------------------------------------------------


def test_create_and_edit_a_manual_player_records_the_user(
    client: TestClient, settings: Settings
) -> None:
    created = client.post(
        "/api/v1/players",
        headers=AUTH,
        json={"display_name": "  Kim Min-su ", "country_code": "KR", "bio": "qualifier"},
    )
    assert created.status_code == 201, created.text
    player = created.json()
    assert field_values(player, "name", "country_code", "bio") == {
        "name": ("Kim Min-su", "manual"),
        "country_code": ("KR", "manual"),
        "bio": ("qualifier", "manual"),
    }
    assert player["created_by"] == "operator" and not player["has_gfx"]
    patched = client.patch(
        f"/api/v1/players/{player['id']}", headers=AUTH, json={"bio": None, "name_korean": "김민수"}
    ).json()
    assert (patched["bio"], patched["sources"]["bio"], patched["name_korean"]) == (
        None,
        None,
        "김민수",
    )
    events = sql(
        settings,
        "SELECT string_agg(data->>'action' || ':' || (data->>'by'), ',' ORDER BY id)"
        " FROM event_log WHERE type = 'player_updated' AND (data->>'player_id')::bigint = :p",
        p=player["id"],
    )
    assert events == "created:operator,updated:operator"
    refused = client.patch(
        f"/api/v1/players/{player['id']}", headers=AUTH, json={"display_name": None}
    )
    assert refused.status_code == 422 and "cannot be cleared" in refused.json()["detail"]


def test_list_pages_with_keyset_and_filters(
    client: TestClient, settings: Settings, garcia: dict[str, int]
) -> None:
    async def work(conn: AsyncConnection) -> list[int]:
        return [
            (await add_wsop(conn, "Anna Petrova", "RU"))[1],
            (await add_gfx(conn, "HABIBI"))[1],
        ]

    anna, habibi = in_db(settings, work)
    kim = client.post(
        "/api/v1/players", headers=AUTH, json={"display_name": "Kim", "country_code": "KR"}
    ).json()["id"]
    override(client, anna, field="country_code", value="CY", reason="moved to Cyprus")
    everyone = [garcia["person"], anna, habibi, kim]
    seen: list[int] = []
    before: int | None = None
    while True:
        params: dict[str, Any] = {"limit": 3} | ({"before_id": before} if before else {})
        page = client.get("/api/v1/players", headers=AUTH, params=params).json()
        seen += [item["id"] for item in page["items"]]
        before = page["next_before_id"]
        if before is None:
            break
    assert seen == sorted(everyone, reverse=True)

    def ids(**params: Any) -> list[int]:
        answer = client.get("/api/v1/players", headers=AUTH, params=params)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    assert ids(source="linked") == [garcia["person"]]
    assert ids(source="unlinked") == [kim, habibi, anna]
    assert ids(source="manual") == [kim]
    assert ids(source="gfx") == [habibi, garcia["person"]]
    assert ids(country="es") == [garcia["person"]]
    assert ids(country="CY") == [anna]  # the override, not WSOP+'s RU
    assert ids(country="RU") == []
    page = client.get("/api/v1/players", headers=AUTH, params={"source": "linked"}).json()
    assert page["items"][0]["name"] == "José García"
    assert page["items"][0]["sources"]["country_code"] == "wsop"


UNKNOWN_PLAYER: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/players/987654", None),
    ("PATCH", "/api/v1/players/987654", {"bio": "x"}),
    (
        "POST",
        "/api/v1/players/987654/override",
        {"field": "bio", "value": "x", "reason": "why"},
    ),
    ("POST", "/api/v1/players/987654/override/1/deactivate", {"reason": "why"}),
    ("GET", "/api/v1/players/987654/overrides", None),
]


def test_unknown_ids_are_404_with_a_message(client: TestClient, garcia: dict[str, int]) -> None:
    for method, path, body in UNKNOWN_PLAYER:
        answer = client.request(method, path, headers=AUTH, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
        assert "no player with id 987654" in answer.json()["detail"]
    path = f"/api/v1/players/{garcia['person']}/override/555/deactivate"
    answer = client.post(path, headers=AUTH, json={"reason": "cleanup"})
    assert answer.status_code == 404 and "no override with id 555" in answer.json()["detail"]


MALFORMED: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", f"/api/v1/players/{2**63}", None),
    ("GET", "/api/v1/players/0", None),
    ("GET", "/api/v1/players/abc", None),
    ("GET", "/api/v1/players?before_id=99999999999999999999", None),
    ("GET", "/api/v1/players?source=everyone", None),
    ("GET", "/api/v1/players?country=Atlantis", None),
    ("GET", "/api/v1/players?limit=1000", None),
    ("POST", "/api/v1/players", {}),
    ("POST", "/api/v1/players", {"display_name": "..."}),
    ("POST", "/api/v1/players", {"display_name": "A", "country_code": "ZZ"}),
    ("POST", "/api/v1/players", {"display_name": "A", "nickname": "B"}),
    ("POST", "/api/v1/players", {"display_name": "A", "notable_wins": [{"year": 1800}]}),
    ("POST", "/api/v1/players", {"display_name": "x" * 201}),
    ("POST", "/api/v1/players", {"display_name": "Jo\u0000sé"}),
    ("PATCH", "/api/v1/players/1", {"bio": "line\u0000break"}),
    ("POST", "/api/v1/players/1/override", {"field": "bio", "value": "x", "reason": "why\u0000"}),
    ("PATCH", "/api/v1/players/1", {}),
    ("PATCH", "/api/v1/players/1", {"display_name": 5}),
    ("POST", f"/api/v1/players/1/override/{2**63}/deactivate", {"reason": "why"}),
    ("POST", "/api/v1/players/links/0/confirm", None),
    ("GET", "/api/v1/players/links?status=maybe", None),
]


def test_malformed_requests_are_422_never_500(client: TestClient) -> None:
    for method, path, body in MALFORMED:
        answer = client.request(method, path, headers=AUTH, json=body)
        assert answer.status_code == 422, (method, path, body, answer.text)
