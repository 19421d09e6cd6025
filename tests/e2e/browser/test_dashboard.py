"""The operator's dashboard in a real browser against a real hub API process."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser.conftest import USERNAME, ApiProcess, HubClient, Sql, log_in

pytestmark = pytest.mark.e2e

LIVE_TIMEOUT_MS = 10_000


def _queue(page: Any, query: str = "") -> None:
    page.goto(f"/#/queue{query}")
    expect(page.get_by_test_id("queue-count")).to_contain_text("shown")


def _row(page: Any, job_id: int) -> Any:
    return page.get_by_test_id(f"queue-row-{job_id}")


def _confirm_reason(page: Any, dialog_testid: str, reason: str) -> None:
    dialog = page.get_by_test_id(dialog_testid)
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("reason-input").fill(reason)
    dialog.get_by_test_id("dialog-confirm").click()
    expect(dialog).to_have_count(0)


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(page: Any) -> None:
    response = page.goto("/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    log_in(page, password="not-the-password")
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong username or password.")
    expect(page.get_by_test_id("nav")).to_be_hidden()

    log_in(page)
    expect(page.get_by_test_id("ws-status")).to_have_text("live")
    expect(page.get_by_test_id("whoami")).to_have_text(USERNAME)
    stored = page.evaluate("() => [Object.keys(sessionStorage), Object.keys(localStorage)]")
    assert stored[0] == ["wsop-hub.credentials"] and "wsop-hub.credentials" not in stored[1]

    page.reload()  # the tab keeps its session
    expect(page.get_by_test_id("ws-status")).to_have_text("live")
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    assert page.evaluate("() => sessionStorage.length") == 0


def test_refused_credentials_send_the_operator_back_to_the_login_form(dashboard: Any) -> None:
    dashboard.evaluate(
        """() => sessionStorage.setItem("wsop-hub.credentials",
               JSON.stringify({kind: "basic", username: "operator", password: "changed"}))"""
    )
    dashboard.reload()
    expect(dashboard.get_by_test_id("login-error")).to_have_text(
        "The hub refused your credentials; sign in again."
    )
    expect(dashboard.get_by_test_id("nav")).to_be_hidden()
    assert dashboard.evaluate("() => sessionStorage.length") == 0


def test_an_api_key_signs_in_too(page: Any) -> None:
    from tests.conftest import TEST_API_KEY

    page.goto("/")
    page.get_by_test_id("login-method-key").check()
    page.get_by_test_id("login-key").fill(TEST_API_KEY)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("ws-status")).to_have_text("live")
    expect(page.get_by_test_id("whoami")).to_have_text(re.compile(r"^api-key:"))


def test_a_job_created_through_the_api_appears_without_reload(
    dashboard: Any, hub_client: HubClient
) -> None:
    _queue(dashboard)
    dashboard.evaluate("() => { window.__sameDocument = true; }")
    job = hub_client.create_job(priority=3)

    row = _row(dashboard, job["id"])
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(row.locator("[data-field=status]")).to_have_text("pending")
    expect(row.locator("[data-field=priority]")).to_have_text("3")
    expect(dashboard.get_by_test_id("queue-body").locator("tr").first).to_have_attribute(
        "data-id", str(job["id"])
    )
    assert dashboard.evaluate("() => window.__sameDocument") is True


def test_a_failed_job_is_retried_from_the_ui(
    dashboard: Any, hub_client: HubClient, sql: Sql
) -> None:
    job = hub_client.create_job()
    sql.fetchrow(
        "UPDATE render_instructions SET status = 'failed', completed_at = now(),"
        " error_message = $2 WHERE id = $1",
        job["id"],
        "AE crashed: <b>font missing</b>",
    )
    _queue(dashboard, "?status=failed")
    row = _row(dashboard, job["id"])
    expect(row.locator("[data-field=status]")).to_have_text("failed")
    # Error text from a file is shown as text, never parsed as HTML.
    expect(row.locator("[data-field=error]")).to_have_text("AE crashed: <b>font missing</b>")
    assert row.locator("b").count() == 0

    row.click()
    dashboard.get_by_test_id("action-retry").click()
    _confirm_reason(dashboard, "retry-dialog", "font installed on the render node")

    expect(row.locator("[data-field=status]")).to_have_text("pending")
    history = hub_client.job(job["id"])["history"]
    assert history[-1]["to_status"] == "pending"
    assert history[-1]["actor"] == f"admin:{USERNAME}"
    assert history[-1]["reason"] == "font installed on the render node"


def test_bulk_retry_says_how_many_jobs_it_will_retry(
    dashboard: Any, hub_client: HubClient, sql: Sql
) -> None:
    template = "Chip count bulk"
    failed = [hub_client.create_job(template_name=template) for _ in range(3)]
    untouched = hub_client.create_job(template_name=template)
    for job in failed:
        sql.fetchrow(
            "UPDATE render_instructions SET status = 'failed', completed_at = now(),"
            " error_message = 'timeout exceeded max retries' WHERE id = $1",
            job["id"],
        )
    _queue(dashboard, f"?status=failed&template_name={template.replace(' ', '+')}")
    expect(dashboard.get_by_test_id("queue-count")).to_have_text("3 jobs shown")

    dashboard.get_by_test_id("bulk-retry").click()
    dialog = dashboard.get_by_test_id("bulk-retry-dialog")
    expect(dialog.get_by_test_id("bulk-count")).to_have_text("3")
    expect(dialog).to_contain_text(f"template name = {template}")
    _confirm_reason(dashboard, "bulk-retry-dialog", "render farm back online")

    expect(dashboard.get_by_test_id("bulk-result").locator("strong")).to_have_text("Retried 3 jobs")
    for job in failed:
        expect(_row(dashboard, job["id"]).locator("[data-field=status]")).to_have_text("pending")
        assert hub_client.job(job["id"])["history"][-1]["reason"] == (
            "bulk retry: render farm back online"
        )
    assert hub_client.job(untouched["id"])["instruction"]["status"] == "pending"
    assert len(hub_client.job(untouched["id"])["history"]) == 1


def test_cancel_needs_a_reason(dashboard: Any, hub_client: HubClient) -> None:
    job = hub_client.create_job()
    _queue(dashboard)
    row = _row(dashboard, job["id"])
    row.click()
    dashboard.get_by_test_id("action-cancel").click()
    dialog = dashboard.get_by_test_id("cancel-dialog")
    dialog.get_by_test_id("dialog-confirm").click()
    expect(dialog).to_be_visible()  # the empty reason was refused by the form
    assert hub_client.job(job["id"])["instruction"]["status"] == "pending"

    _confirm_reason(dashboard, "cancel-dialog", "segment dropped from the show")
    expect(row.locator("[data-field=status]")).to_have_text("cancelled")
    assert hub_client.job(job["id"])["instruction"]["status"] == "cancelled"


def test_keyboard_shortcuts_drive_the_queue(dashboard: Any, hub_client: HubClient) -> None:
    older = hub_client.create_job(priority=6)
    newer = hub_client.create_job(priority=6)
    _queue(dashboard)
    expect(_row(dashboard, newer["id"])).to_be_visible()

    dashboard.keyboard.press("j")
    expect(_row(dashboard, newer["id"])).to_have_attribute("aria-selected", "true")
    dashboard.keyboard.press("j")
    expect(_row(dashboard, older["id"])).to_have_attribute("aria-selected", "true")
    dashboard.keyboard.press("k")
    expect(_row(dashboard, newer["id"])).to_have_attribute("aria-selected", "true")

    dashboard.get_by_test_id("filter-template").focus()
    dashboard.keyboard.press("j")  # typing: no shortcut
    expect(_row(dashboard, newer["id"])).to_have_attribute("aria-selected", "true")
    dashboard.get_by_test_id("filter-template").blur()

    dashboard.keyboard.press("p")
    dialog = dashboard.get_by_test_id("priority-dialog")
    dialog.get_by_test_id("priority-input").fill("1")
    _confirm_reason(dashboard, "priority-dialog", "final table is live")
    expect(_row(dashboard, newer["id"]).locator("[data-field=priority]")).to_have_text("1")
    assert hub_client.job(newer["id"])["instruction"]["priority"] == 1

    dashboard.keyboard.press("?")
    expect(dashboard.get_by_test_id("shortcut-help")).to_be_visible()
    expect(dashboard.get_by_test_id("shortcut-help")).to_contain_text("retry the selected job")
    dashboard.keyboard.press("Escape")
    expect(dashboard.get_by_test_id("shortcut-help")).to_have_count(0)


def test_an_alert_is_announced_and_resolved_with_notes(
    dashboard: Any, hub_client: HubClient, sql: Sql
) -> None:
    message = 'Render node 3 is down <img src=x onerror="window.__pwned=1">'
    event = sql.fetchrow(
        "INSERT INTO monitoring_events (event_type, severity, source, message)"
        " VALUES ('worker_down', 'error', 'test', $1) RETURNING *",
        message,
    )
    assert event is not None
    dashboard.goto("/#/events?resolved=false")
    expect(dashboard.get_by_test_id("events-table")).to_be_visible()
    sql.emit("alert", {**event, "created_at": event["created_at"].isoformat()})

    toast = dashboard.get_by_test_id("alert-toast")
    expect(toast).to_contain_text(message, timeout=LIVE_TIMEOUT_MS)
    row = dashboard.get_by_test_id(f"event-row-{event['id']}")
    expect(row).to_contain_text(message, timeout=LIVE_TIMEOUT_MS)
    # Shown as text: no element was made from it (CSP would also stop the handler).
    expect(row.locator("img")).to_have_count(0)
    expect(toast.locator("img")).to_have_count(0)

    row.get_by_test_id(f"resolve-{event['id']}").click()
    dialog = dashboard.get_by_test_id("resolve-dialog")
    dialog.get_by_test_id("resolve-notes").fill("node restarted, jobs re-queued")
    dialog.get_by_test_id("dialog-confirm").click()
    expect(row.locator("[data-field=state]")).to_contain_text("resolved")
    expect(row.locator("[data-field=state]")).to_contain_text("node restarted, jobs re-queued")
    stored = hub_client.event(event["id"])
    assert stored["resolved"] and stored["resolved_by"] == USERNAME
    assert stored["notes"] == "node restarted, jobs re-queued"


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour PNG, written by hand (no imaging library in the test extra)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def test_every_view_renders_live_data(
    dashboard: Any, hub_client: HubClient, sql: Sql, artifacts: Path, tmp_path: Path
) -> None:
    hand = sql.fetchrow(
        "INSERT INTO hands (table_id, hand_number, source, hand_rank, is_premium, pot_size,"
        " winner, players, community_cards) VALUES ('feature-1', 771, 'rfid', 'full_house',"
        " true, 182000, 'Daniel Negreanu', $1, $2) RETURNING id",
        '[{"seat": 1, "name": "Daniel Negreanu", "stack": 1250000, "hole_cards": ["Ah", "Ad"]}]',
        '["As", "Kd", "Ac", "7h", "7s"]',
    )
    assert hand is not None
    job = hub_client.create_job(
        template_name="Premium Hand", trigger_type="premium_hand", hand_id=hand["id"]
    )
    sql.fetchrow(
        "INSERT INTO workers (id, hostname, pid, concurrency, current_job_ids)"
        " VALUES ('render-node-1', 'ae-box', 4242, 2, $1)",
        f"[{job['id']}]",
    )

    # Signed in on the overview: the job's event refreshes it, hand included, no reload.
    expect(dashboard.get_by_test_id("view-overview")).to_be_visible()
    feature_table = dashboard.get_by_test_id("role-feature_table")
    expect(feature_table.get_by_test_id("role-status")).to_have_text("active")
    expect(dashboard.get_by_test_id("role-sub").get_by_test_id("role-status")).to_have_text(
        "active"
    )
    pending = hub_client.http.get("/api/metrics/queue-depth").json()["pending"]
    expect(dashboard.get_by_test_id("depth-pending")).to_have_text(str(pending))
    expect(dashboard.locator("time[title$=' UTC']").first).to_be_visible()
    dashboard.screenshot(path=artifacts / "overview.png")

    _queue(dashboard)
    dashboard.screenshot(path=artifacts / "queue.png")

    dashboard.goto(f"/#/job/{job['id']}")
    expect(dashboard.get_by_test_id("job-status")).to_have_text("pending")
    expect(dashboard.get_by_test_id("job-history")).to_contain_text("pending")
    outputs = dashboard.get_by_test_id("job-outputs")
    expect(outputs).to_contain_text("No output recorded yet.")
    frames = tmp_path / "premium_hand_771.zip"  # Nexrender delivers PNG sequences zipped
    with zipfile.ZipFile(frames, "w") as archive:
        archive.writestr("frame_0001.png", _png(8, 4, (40, 40, 40)))
        archive.writestr("frame_0002.png", _png(16, 9, (200, 20, 40)))
    sql.fetchrow(
        "INSERT INTO render_outputs (instruction_id, attempt, output_path, file_size,"
        " frame_count, render_duration_ms, completed_at) VALUES ($1, 1, $2, 2411724, 2, 8120, now())",
        job["id"],
        str(frames),
    )
    sql.emit("render_completed", {"instruction_id": job["id"], "output_path": str(frames)})
    expect(outputs).to_contain_text(str(frames))
    expect(outputs).to_contain_text("2.3 MB")
    preview = outputs.get_by_test_id("output-preview")
    expect(preview).to_be_visible()
    # The preview is the last frame, fetched with the operator's credentials.
    assert preview.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [16, 9]
    dashboard.screenshot(path=artifacts / "job.png")

    dashboard.get_by_test_id("job-hand-link").click()
    flow = dashboard.get_by_test_id(f"flow-instruction-{job['id']}")
    expect(flow.get_by_test_id("status-chain")).to_have_text("pending")
    expect(dashboard.get_by_test_id("hand-players")).to_contain_text("Daniel Negreanu")
    dashboard.screenshot(path=artifacts / "data-flow.png")

    dashboard.goto("/#/workers")
    age = dashboard.get_by_test_id("heartbeat-age-render-node-1")
    expect(age).to_have_text(re.compile(r"^\d+ s$"))
    first_age = age.inner_text()
    expect(age).not_to_have_text(first_age)  # it ticks without a refetch
    sql.emit(
        "render_progress", {"instruction_id": job["id"], "frame": 63, "total": 150, "percent": 42.0}
    )
    expect(dashboard.get_by_test_id(f"progress-{job['id']}")).to_have_js_property("value", 42)
    expect(dashboard.get_by_test_id(f"progress-text-{job['id']}")).to_have_text("42 % · 63/150")
    dashboard.screenshot(path=artifacts / "workers.png")

    dashboard.goto("/#/events")
    expect(dashboard.get_by_test_id("events-table")).to_be_visible()
    dashboard.screenshot(path=artifacts / "events.png")

    dashboard.goto("/#/players")
    expect(dashboard.get_by_test_id("player-results")).to_contain_text("All players")
    dashboard.screenshot(path=artifacts / "players.png")

    chips = sql.fetchrow(
        "INSERT INTO wsop_import_logs (file_name, file_hash, format, status, rows_total,"
        " rows_imported, rows_failed, errors, finished_at) VALUES ('ChipCounts.csv', 'c1',"
        " 'chip_counts', 'partial', 40, 38, 2, $1, now()) RETURNING id",
        '[{"line": 7, "message": "chips: not a number", "kind": "error"},'
        ' {"line": 12, "message": "unknown player", "kind": "error"}]',
    )
    assert chips is not None
    dashboard.goto("/#/sync")
    expect(dashboard.get_by_test_id("sync-trigger-gfx")).to_be_visible()
    wsop_import = dashboard.get_by_test_id(f"sync-import-wsop_plus-{chips['id']}")
    expect(wsop_import).to_contain_text("38 of 40 rows, 2 rejected")
    wsop_import.locator("summary").click()
    expect(wsop_import).to_contain_text("error line 7: chips: not a number")
    # A PokerGFX export stored meanwhile appears when its import_completed arrives.
    export = sql.fetchrow(
        "INSERT INTO gfx_files (file_hash, file_name, session_id, format, file_size,"
        " hands_total, hands_new, hands_updated) VALUES ('g1',"
        " 'PGFX_live_data_export GameID=638962014211467634.json', 638962014211467634, 'json',"
        " 2411724, 120, 14, 1) RETURNING id"
    )
    assert export is not None
    expect(dashboard.get_by_test_id(f"sync-import-gfx-{export['id']}")).to_have_count(0)
    sql.emit("import_completed", {"source": "gfx", "file": "x.json", "hands_new": 14})
    gfx_import = dashboard.get_by_test_id(f"sync-import-gfx-{export['id']}")
    expect(gfx_import).to_contain_text("14 new, 1 updated of 120 hands")
    expect(gfx_import).to_contain_text("2.3 MB")
    dashboard.get_by_test_id("sync-trigger-gfx").click()
    expect(dashboard.get_by_test_id("toasts")).to_contain_text("PokerGFX sync requested")
    dashboard.screenshot(path=artifacts / "sync.png")

    dashboard.get_by_test_id("theme-toggle").click()
    expect(dashboard.locator("html")).to_have_attribute("data-theme", "light")
    dashboard.goto("/#/overview")
    expect(dashboard.get_by_test_id("role-sub")).to_be_visible()
    dashboard.screenshot(path=artifacts / "overview-light.png")
    dashboard.get_by_test_id("theme-toggle").click()
    expect(dashboard.locator("html")).to_have_attribute("data-theme", "dark")
    dashboard.get_by_test_id("density-toggle").click()
    expect(dashboard.locator("html")).to_have_attribute("data-density", "wall")
    root_px = dashboard.evaluate(
        "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    )
    assert root_px == 24  # everything is in rem: the whole page scales by half again
    dashboard.screenshot(path=artifacts / "overview-wall.png")
    dashboard.get_by_test_id("density-toggle").click()
    expect(dashboard.locator("html")).to_have_attribute("data-density", "normal")


def test_a_player_is_found_and_a_field_overridden_with_a_reason(
    dashboard: Any, hub_client: HubClient, artifacts: Path
) -> None:
    created = hub_client.http.post(
        "/api/v1/players", json={"display_name": "Phil <i>Ivey</i>", "country_code": "US"}
    )
    assert created.status_code == 201, created.text
    player_id = created.json()["id"]

    dashboard.goto("/#/players")
    dashboard.get_by_test_id("player-search").fill("ivey")
    row = dashboard.get_by_test_id(f"player-row-{player_id}")
    expect(row).to_contain_text("Phil <i>Ivey</i>")
    row.get_by_role("link").click()

    name = dashboard.get_by_test_id("player-field-name")
    expect(name.locator("[data-field=value]")).to_have_text("Phil <i>Ivey</i>")
    expect(name.locator("[data-field=source]")).to_have_text("manual")
    dashboard.get_by_test_id("player-override").click()
    dialog = dashboard.get_by_test_id("override-dialog")
    dialog.get_by_test_id("override-field").select_option("name")
    dialog.get_by_test_id("override-value").fill("Phil Ivey")
    dialog.get_by_test_id("dialog-confirm").click()
    expect(dialog).to_be_visible()  # no reason, no override
    _confirm_reason(dashboard, "override-dialog", "spelling for the lower third")

    expect(name.locator("[data-field=value]")).to_have_text("Phil Ivey")
    expect(name.locator("[data-field=source]")).to_have_text("override")
    overrides = dashboard.get_by_test_id("player-overrides")
    expect(overrides).to_contain_text("spelling for the lower third")
    dashboard.screenshot(path=artifacts / "player.png")
    stored = hub_client.http.get(f"/api/v1/players/{player_id}").json()
    assert stored["name"] == "Phil Ivey" and stored["sources"]["name"] == "override"

    overrides.get_by_role("button", name="Deactivate…").click()
    _confirm_reason(dashboard, "deactivate-dialog", "back to the manual name")
    expect(name.locator("[data-field=source]")).to_have_text("manual")


def test_the_live_indicator_follows_an_api_restart(
    dashboard: Any, hub: ApiProcess, hub_client: HubClient
) -> None:
    _queue(dashboard)
    status = dashboard.get_by_test_id("ws-status")
    expect(status).to_have_text("live")
    hub.stop()
    expect(status).to_have_text("reconnecting")
    hub.start()
    expect(status).to_have_text("live", timeout=20_000)

    job = hub_client.create_job()  # and events flow again on the new connection
    expect(_row(dashboard, job["id"])).to_be_visible(timeout=LIVE_TIMEOUT_MS)
