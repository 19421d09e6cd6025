"""Prometheus exposition, and a property-based test: action endpoints never answer 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.conftest import TEST_API_KEY
from wsop_hub.api.app import create_app
from wsop_hub.settings import Settings

AUTH = {"X-API-Key": TEST_API_KEY}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_prometheus_metrics_reflect_the_queue(client: TestClient) -> None:
    for priority in (1, 1, 5):
        client.post(
            "/api/instructions",
            headers=AUTH,
            json={"template_name": "Payouts", "trigger_type": "payouts", "priority": priority},
        )
    assert client.get("/metrics").status_code == 401
    text = client.get("/metrics", headers=AUTH).text
    assert 'wsop_queue_depth{priority="1",status="pending"} 2.0' in text
    assert 'wsop_queue_depth{priority="5",status="pending"} 1.0' in text
    assert "wsop_workers_alive 0.0" in text


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.integers(min_value=2**62, max_value=2**66)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=15), inner, max_size=4)
    ),
    max_leaves=12,
)
action_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "instruction_id": json_values,
            "reason": json_values,
            "priority": json_values,
            "filter": json_values,
            "limit": json_values,
        },
    ),
)


@pytest.mark.parametrize(
    "path",
    [
        "/api/actions/retry",
        "/api/actions/cancel",
        "/api/actions/change-priority",
        "/api/actions/bulk-retry",
    ],
)
def test_action_endpoints_answer_4xx_or_2xx_never_5xx(client: TestClient, path: str) -> None:
    @hsettings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(body=action_bodies)
    def check(body: Any) -> None:
        response = client.post(path, headers=AUTH, json=body)
        assert response.status_code < 500, (body, response.text)
        if response.status_code >= 400:
            assert response.json().get("detail"), "a 4xx explains itself"

    check()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/actions/retry", {"instruction_id": 2**70, "reason": "abc"}),
        ("GET", f"/api/instructions/{2**70}", None),
        ("GET", f"/api/events/{2**64}", None),
        ("GET", f"/api/data-flow?hand_id={2**63}", None),
        ("GET", f"/api/instructions?before_id={2**63}", None),
        ("POST", "/api/instructions", {"template_name": "x", "hand_id": 2**63}),
    ],
)
def test_ids_beyond_bigint_are_422_not_500(
    client: TestClient, method: str, path: str, body: Any
) -> None:
    assert client.request(method, path, headers=AUTH, json=body).status_code == 422


def test_a_lone_surrogate_in_a_body_is_a_422_not_a_500(client: TestClient) -> None:
    body = '{"instruction_id": 1, "reason": "\\ud800"}'
    response = client.post(
        "/api/actions/retry",
        content=body.encode(),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert response.status_code in (404, 422), response.text
    created = client.post(
        "/api/instructions",
        content=b'{"template_name": "\\ud800"}',
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert created.status_code == 422 and created.json()["detail"]
