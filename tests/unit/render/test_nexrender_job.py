"""Nexrender job JSON, error classification and progress mapping (no I/O)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from wsop_hub.dispatch.backends import PermanentRenderError
from wsop_hub.domain.enums import OutputFormat
from wsop_hub.domain.models import OutputSettings
from wsop_hub.render.bound import BoundGraphic
from wsop_hub.render.nexrender import (
    NexrenderConfig,
    NexrenderJobVanishedError,
    NexrenderPermanentError,
    NexrenderRetryableError,
    NexrenderStage,
    build_job,
    classify,
    progress_for,
)
from wsop_hub.render.nexrender_client import job_error_message
from wsop_hub.render.nexrender_errors import error_for, error_for_status

CONFIG = NexrenderConfig(
    base_url="http://render-box:3000/",
    secret=SecretStr("s3cret"),
    template_src="D:\\templates\\CyprusDesign\\CyprusDesign.aep",
    media_root="file:///D:/media",
    output_dir="D:\\output",
)

#: Slot 1 of the real example `render_gfx_data_main_mini_chip_count_example.json`.
GRAPHIC = BoundGraphic(
    composition="_MAIN Mini Chip Count",
    template_version="3",
    texts={"Name 1": "LIPAUKA", "Chips 1": "2,225,000", "AVERAGE STACK": "1,925,000 (96BB)"},
    images={"Flag 1": "Flag/Lithuania.png"},
)

ASSETS = [
    {"type": "data", "layerName": "Name 1", "property": "Source Text", "value": "LIPAUKA"},
    {"type": "data", "layerName": "Chips 1", "property": "Source Text", "value": "2,225,000"},
    {
        "type": "data",
        "layerName": "AVERAGE STACK",
        "property": "Source Text",
        "value": "1,925,000 (96BB)",
    },
    {"type": "image", "layerName": "Flag 1", "src": "file:///D:/media/Flag/Lithuania.png"},
]
TEMPLATE = {
    "src": "file:///D:/templates/CyprusDesign/CyprusDesign.aep",
    "composition": "_MAIN Mini Chip Count",
    "continueOnMissing": False,
}


def test_mp4_job_is_exactly_the_documented_shape() -> None:
    job = build_job(
        GRAPHIC, OutputSettings(format=OutputFormat.MP4), job_ref="42-a1", config=CONFIG
    )
    assert job == {
        "template": {**TEMPLATE, "outputExt": "mp4"},
        "assets": ASSETS,
        "actions": {
            "postrender": [{"module": "@nexrender/action-copy", "output": "D:\\output\\42-a1.mp4"}]
        },
    }


def test_mov_alpha_job_uses_the_alpha_output_module() -> None:
    config = CONFIG.model_copy(update={"output_module_alpha": "알파가 포함된 TIFF 시퀀스"})
    job = build_job(
        GRAPHIC, OutputSettings(format=OutputFormat.MOV_ALPHA), job_ref="42-a2", config=config
    )
    assert job == {
        "template": {**TEMPLATE, "outputExt": "mov", "outputModule": "알파가 포함된 TIFF 시퀀스"},
        "assets": ASSETS,
        "actions": {
            "postrender": [{"module": "@nexrender/action-copy", "output": "D:\\output\\42-a2.mov"}]
        },
    }


def test_png_sequence_job_zips_the_frames_and_copies_the_archive() -> None:
    job = build_job(
        GRAPHIC, OutputSettings(format=OutputFormat.PNG_SEQUENCE), job_ref="42-a3", config=CONFIG
    )
    assert job == {
        "template": {**TEMPLATE, "outputExt": "png"},
        "assets": ASSETS,
        "actions": {
            "postrender": [
                {
                    "module": "@nexrender/action-compress",
                    "format": "zip",
                    "input": ["result_#####.png"],
                    "output": "result.zip",
                },
                {
                    "module": "@nexrender/action-copy",
                    "input": "result.zip",
                    "output": "D:\\output\\42-a3.zip",
                },
            ]
        },
    }


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_no_format_lets_missing_layers_pass_silently(output_format: OutputFormat) -> None:
    job = build_job(GRAPHIC, OutputSettings(format=output_format), job_ref="1", config=CONFIG)
    assert job["template"]["continueOnMissing"] is False
    assert all("continueOnMissing" not in asset for asset in job["assets"])


def test_posix_paths_and_media_names_become_encoded_file_urls() -> None:
    config = NexrenderConfig(
        base_url="https://nexrender.example",
        template_src="/srv/templates/Cyprus Design.aep",
        media_root="/srv/media",
        output_dir="/srv/out",
    )
    graphic = BoundGraphic("Elimination", "1", images={"Flag 1": "Flag/South Korea.png"})
    job = build_job(graphic, OutputSettings(format=OutputFormat.MP4), job_ref="x", config=config)
    assert job["template"]["src"] == "file:///srv/templates/Cyprus%20Design.aep"
    assert job["assets"] == [
        {"type": "image", "layerName": "Flag 1", "src": "file:///srv/media/Flag/South%20Korea.png"}
    ]
    assert job["actions"]["postrender"][0]["output"] == "/srv/out/x.mp4"


def test_korean_text_is_sent_unchanged() -> None:
    graphic = BoundGraphic("NAME 1줄", "1", texts={"player_name": "홍길동"})
    job = build_job(graphic, OutputSettings(), job_ref="k", config=CONFIG)
    assert job["assets"][0]["value"] == "홍길동"
    assert job["template"]["composition"] == "NAME 1줄"


@pytest.mark.parametrize(
    "media_path", ["../secrets.png", "/etc/passwd", "C:/x.png", "Flag\\Korea.png", ""]
)
def test_media_path_outside_the_media_root_is_refused(media_path: str) -> None:
    graphic = BoundGraphic("NAME", "1", images={"Flag": media_path})
    with pytest.raises(NexrenderPermanentError, match="image layer 'Flag'"):
        build_job(graphic, OutputSettings(), job_ref="m", config=CONFIG)


@pytest.mark.parametrize("job_ref", ["", "a/b", "..", "x" * 129, "name with space"])
def test_job_ref_that_cannot_name_a_file_is_refused(job_ref: str) -> None:
    with pytest.raises(NexrenderPermanentError, match="job_ref"):
        build_job(GRAPHIC, OutputSettings(), job_ref=job_ref, config=CONFIG)


def test_layer_bound_as_text_and_image_is_refused() -> None:
    graphic = BoundGraphic("NAME", "1", texts={"Flag 1": "KR"}, images={"Flag 1": "Flag/Korea.png"})
    with pytest.raises(NexrenderPermanentError, match=r"\['Flag 1'\].*both as text and as image"):
        build_job(graphic, OutputSettings(), job_ref="d", config=CONFIG)


def test_graphic_without_composition_is_refused() -> None:
    with pytest.raises(NexrenderPermanentError, match="no composition"):
        build_job(BoundGraphic(" ", "1"), OutputSettings(), job_ref="c", config=CONFIG)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("template_src", "templates/x.aep", "neither a URL nor an absolute path"),
        ("base_url", "localhost:3000", "must be an http"),
        ("output_dir", "out", "absolute path on the worker"),
    ],
)
def test_config_names_the_bad_field(field: str, value: str, message: str) -> None:
    fields: dict[str, Any] = {
        "template_src": "/t.aep",
        "media_root": "/m",
        "output_dir": "/o",
        field: value,
    }
    with pytest.raises(ValidationError, match=message) as caught:
        NexrenderConfig.model_validate(fields)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_secret_does_not_leak_into_the_config_repr() -> None:
    assert "s3cret" not in repr(CONFIG)


# -- classification ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "Template not found",
        "HTTP 404",
        "invalid composition name",
        "Permission denied: D:\\output",
        "401 Unauthorized",
        "403 Forbidden",
        "file does not exist",
        "Template error in CyprusDesign.aep",
        "composition not found: Payouts",
        "missing file Flag/Korea.png",
        "Error: nexrender: Couldn't find any compositions by provided name (Payouts)",
        "Error: nexrender: Couldn't find any layers by provided name (Name 1) inside a composition",
        "Error: Error veryifing job: AssertionError: job must have template.src defined",
        "Error verifying job: job must have state",
        "Error loading postrender module @nexrender/action-copy: Cannot find module",
        "Error: ENOENT: no such file or directory, open 'D:\\media\\Flag\\Atlantis.png'",
        "connection reset while reading: template not found",  # non-retryable wins
    ],
)
def test_non_retryable_messages(message: str) -> None:
    assert classify(message) == "non_retryable"


@pytest.mark.parametrize(
    "message",
    [
        "Connection refused",
        "read timeout",
        "network is down",
        "service unavailable",
        "temporarily overloaded",
        "HTTP 502",
        "upstream answered 503",
        "504 Gateway Timeout",
        "connect ECONNREFUSED 10.0.0.5:3000",
        "ETIMEDOUT",
        "getaddrinfo ENOTFOUND render-box",
        "Error: No update from aerender for 60 seconds",
        "Error: Maximum rendering time exceeded",
        "aerender crashed",  # unrecognised: one more bounded attempt
    ],
)
def test_retryable_messages(message: str) -> None:
    assert classify(message) == "retryable"


def test_status_numbers_match_whole_words_only() -> None:
    assert classify("render took 5040 ms then aerender crashed") == "retryable"
    assert classify("took 4040 ms then aerender crashed") == "retryable"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (FileNotFoundError("D:/templates/x.aep"), "non_retryable"),
        (ValueError("bad value"), "non_retryable"),
        (KeyError("slot"), "non_retryable"),
        (TimeoutError(), "retryable"),
        (ConnectionRefusedError(), "retryable"),
        (OSError("disk hiccup"), "retryable"),
        (httpx.ReadTimeout(""), "retryable"),
        (RuntimeError("boom"), "retryable"),
        (NexrenderPermanentError("answered 503"), "non_retryable"),  # already sorted
        (NexrenderJobVanishedError("gone"), "retryable"),
        (PermanentRenderError("bad data"), "non_retryable"),
    ],
)
def test_exceptions_are_sorted_by_message_then_type(error: BaseException, expected: str) -> None:
    assert classify(error) == expected


def test_context_prefix_does_not_decide_the_class() -> None:
    error = error_for("aerender crashed", uid="x-404-y", prefix="nexrender job x-404-y failed: ")
    assert type(error) is NexrenderRetryableError
    assert str(error) == "nexrender job x-404-y failed: aerender crashed"
    assert error.uid == "x-404-y"


def test_permanent_error_is_what_the_worker_does_not_retry() -> None:
    assert issubclass(NexrenderPermanentError, PermanentRenderError)
    assert not issubclass(NexrenderRetryableError, PermanentRenderError)


@pytest.mark.parametrize(
    ("status", "expected", "text"),
    [
        (401, NexrenderPermanentError, "NEXRENDER_SECRET"),
        (403, NexrenderPermanentError, "NEXRENDER_SECRET"),
        (400, NexrenderPermanentError, "job must have template.src"),
        (404, NexrenderPermanentError, "404"),
        (408, NexrenderRetryableError, "408"),
        (429, NexrenderRetryableError, "429"),
        (500, NexrenderRetryableError, "500"),
        (502, NexrenderRetryableError, "502"),
        (503, NexrenderRetryableError, "503"),
        (504, NexrenderRetryableError, "504"),
    ],
)
def test_http_status_is_sorted(status: int, expected: type[Exception], text: str) -> None:
    response = httpx.Response(status, text="AssertionError: job must have template.src defined")
    error = error_for_status(response, "job submission")
    assert type(error) is expected
    assert text in str(error)


# -- progress ------------------------------------------------------------------------------


def test_render_progress_is_read_as_a_percent() -> None:
    halfway = progress_for("render:dorender", 50, previous_percent=5.0)
    done = progress_for("render:dorender", 100, previous_percent=halfway.percent)
    assert halfway.render_percent == 50.0
    assert halfway.stage is NexrenderStage.RENDERING
    assert 20.0 < halfway.percent < done.percent < 100.0


@pytest.mark.parametrize(("raw", "expected"), [(101, 100.0), (-3, 0.0), ("n/a", 0.0), (None, 0.0)])
def test_render_progress_outside_0_100_is_clamped(raw: Any, expected: float) -> None:
    assert progress_for("render:dorender", raw, previous_percent=0.0).render_percent == expected


def test_percent_never_goes_back_when_a_job_is_requeued() -> None:
    rendering = progress_for("render:dorender", 60, previous_percent=5.0)
    requeued = progress_for("queued", 0, previous_percent=rendering.percent)
    assert requeued.stage is NexrenderStage.QUEUED
    assert requeued.percent == rendering.percent


def test_states_follow_the_nexrender_order() -> None:
    states = [
        "queued",
        "picked",
        "started",
        "render:setup",
        "render:predownload",
        "render:download",
        "render:postdownload",
        "render:prerender",
        "render:script",
        "render:dorender",
        "render:postrender",
        "render:cleanup",
        "finished",
    ]
    percents = [progress_for(state, 0, previous_percent=0.0).percent for state in states]
    assert percents == sorted(set(percents))
    assert percents[0] == 0.0 and percents[-1] == 100.0
    assert progress_for("error", 0, previous_percent=33.0).stage is NexrenderStage.FAILED


def test_unknown_future_state_keeps_the_percent() -> None:
    progress = progress_for("render:upload", 0, previous_percent=42.0)
    assert (progress.state, progress.percent) == ("render:upload", 42.0)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (["Error: first", "Error: second"], "Error: first\nError: second"),
        ("Error: composition not found", "Error: composition not found"),
        ({"message": "old worker error"}, "old worker error"),
        ({}, "Nexrender reported an error without a message"),
        (None, "Nexrender reported an error without a message"),
    ],
)
def test_error_message_of_every_worker_generation(error: Any, expected: str) -> None:
    assert job_error_message({"state": "error", "error": error}) == expected
