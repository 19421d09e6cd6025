"""Creating and reading instructions over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TEST_API_KEY
from wsop_hub.api.app import create_app
from wsop_hub.settings import Settings

AUTH = {"X-API-Key": TEST_API_KEY}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_create_then_read_with_history_and_actor(client: TestClient) -> None:
    created = client.post(
        "/api/instructions",
        headers=AUTH,
        json={
            "template_name": "Payouts",
            "trigger_type": "payouts",
            "priority": 2,
            "layer_data": {"rows": 9},
        },
    )
    assert created.status_code == 201, created.text
    job = created.json()
    assert job["status"] == "pending" and job["priority"] == 2 and job["max_retries"] == 3
    detail = client.get(f"/api/instructions/{job['id']}", headers=AUTH).json()
    assert detail["instruction"]["id"] == job["id"]
    assert [(h["to_status"], h["actor"]) for h in detail["history"]] == [
        ("pending", "api-key:test…")
    ]


def test_invalid_instruction_is_422_and_stores_nothing(client: TestClient) -> None:
    bad = client.post("/api/instructions", headers=AUTH, json={"template_name": "", "priority": 0})
    assert bad.status_code == 422
    assert client.get("/api/instructions/1", headers=AUTH).status_code == 404


def test_unknown_id_is_404_with_a_message(client: TestClient) -> None:
    missing = client.get("/api/instructions/999999", headers=AUTH)
    assert missing.status_code == 404 and "999999 does not exist" in missing.json()["detail"]


def test_force_render_is_kept_on_the_generic_create_path(client: TestClient) -> None:
    response = client.post(
        "/api/instructions",
        headers=AUTH,
        json={"template_name": "Payouts", "trigger_type": "payouts", "force_render": True},
    )
    assert response.status_code == 201, response.text
    assert response.json()["force_render"] is True
