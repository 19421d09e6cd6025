"""Nexrender job JSON from a bound graphic, and the settings that place it (FACTS §8.1).

The job names the After Effects project and composition, replaces every text layer's
`Source Text` and every image layer's footage, and copies the rendered file to a shared
output folder under a name the hub chooses (`<job_ref>.<ext>`), so the hub knows where
the result lands without asking the Nexrender worker.

Unlike the old module, the job never sets `continueOnMissing: true`: with it, Nexrender's
ExtendScript skipped layers it could not find and graphics went to air with empty layers.
Without it a missing layer fails the job (`nexrender: Couldn't find any layers by provided
name …`), which `classify` sorts as permanent.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated, Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from wsop_hub.domain.enums import OutputFormat
from wsop_hub.domain.models import OutputSettings
from wsop_hub.render.bound import BoundGraphic
from wsop_hub.render.nexrender_errors import NexrenderPermanentError

#: `template.outputExt` per format. Nexrender names the result `result.<ext>`, or
#: `result_[#####].<ext>` (one file per frame) for still-image extensions such as png.
OUTPUT_EXTENSIONS: dict[OutputFormat, str] = {
    OutputFormat.MP4: "mp4",
    OutputFormat.MOV_ALPHA: "mov",
    OutputFormat.PNG_SEQUENCE: "png",
}

#: Extension of the single file the copy action delivers. A PNG sequence is many files and
#: `@nexrender/action-copy` copies one, so the job zips the frames first and copies the zip.
ARTIFACT_EXTENSIONS: dict[OutputFormat, str] = {
    OutputFormat.MP4: "mp4",
    OutputFormat.MOV_ALPHA: "mov",
    OutputFormat.PNG_SEQUENCE: "zip",
}

COPY_ACTION = "@nexrender/action-copy"
COMPRESS_ACTION = "@nexrender/action-compress"

#: `@nexrender/action-compress` turns `#####` into `\d{5}` to match the frame files AE
#: writes (`result_00000.png` …); the literal `result_[#####].png` would become a regex
#: character class and match nothing, so the frames are named without brackets here.
_PNG_FRAMES_PATTERN = "result_#####.png"
_PNG_ARCHIVE = "result.zip"

_JOB_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")

PositiveSeconds = Annotated[float, Field(gt=0)]


def file_url(location: str) -> str:
    """A URL for a path or URL: URLs pass unchanged, absolute paths become `file://` URLs.

    Windows paths (`D:\\templates\\x.aep`, `D:/templates/x.aep`) are accepted because the
    Nexrender worker runs After Effects on Windows while the hub may not.
    """
    if _URL.match(location):
        return location
    if _WINDOWS_DRIVE.match(location):
        return "file:///" + quote(location.replace("\\", "/"), safe="/:")
    if location.startswith("/"):
        return "file://" + quote(location, safe="/")
    raise ValueError(
        f"{location!r} is neither a URL nor an absolute path (e.g. file:///D:/templates/x.aep)"
    )


class NexrenderConfig(BaseModel):
    """Where the Nexrender server, the AE project, the media and the outputs live.

    Paths in `template_src`, `media_root` and `output_dir` are as the Nexrender *worker*
    sees them (often Windows). `hub_output_dir` is the same folder as the hub sees it (a
    mount of the share), or None when the hub cannot see it; only then is the output
    file's existence not checked.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field(default="http://localhost:3000", description="NEXRENDER_URL")
    secret: SecretStr = Field(default=SecretStr(""), description="NEXRENDER_SECRET")
    template_src: str = Field(description="the .aep project: file URL, http(s) URL or path")
    media_root: str = Field(description="folder that media paths like Flag/Korea.png are under")
    output_dir: str = Field(description="folder the copy action writes <job_ref>.<ext> into")
    hub_output_dir: Path | None = None
    output_module_alpha: str = Field(
        default="Alpha MOV",
        min_length=1,
        description="AE output-module template with an alpha channel (NEXRENDER_OUTPUT_MODULE_ALPHA)",
    )
    poll_interval_s: PositiveSeconds = 1.0
    timeout_s: PositiveSeconds = Field(default=1800.0, description="whole job, queue included")
    pickup_timeout_s: PositiveSeconds | None = Field(
        default=120.0,
        description="a job still queued after this long means no Nexrender worker is running",
    )
    request_timeout_s: PositiveSeconds = 30.0
    unreachable_grace_s: float = Field(
        default=30.0,
        ge=0,
        description="while following a job, how long the server may be unreachable",
    )
    output_wait_s: float = Field(
        default=6.0, ge=0, description="how long a finished job's file may take to appear"
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"base_url {value!r} must be an http(s) URL like http://host:3000")
        return value.rstrip("/")

    @field_validator("template_src")
    @classmethod
    def _template_url(cls, value: str) -> str:
        return file_url(value)

    @field_validator("media_root")
    @classmethod
    def _media_url(cls, value: str) -> str:
        url = file_url(value)
        return url if url.endswith("/") else url + "/"

    @field_validator("output_dir")
    @classmethod
    def _absolute_output_dir(cls, value: str) -> str:
        if not (_WINDOWS_DRIVE.match(value) or value.startswith(("/", "\\\\"))):
            raise ValueError(f"output_dir {value!r} must be an absolute path on the worker")
        return value


def output_target(config: NexrenderConfig, job_ref: str, output_format: OutputFormat) -> str:
    """The path the copy action writes, in the worker's path style (Windows or POSIX)."""
    name = f"{job_ref}.{ARTIFACT_EXTENSIONS[output_format]}"
    windows = _WINDOWS_DRIVE.match(config.output_dir) or "\\" in config.output_dir
    base = PureWindowsPath(config.output_dir) if windows else PurePosixPath(config.output_dir)
    return str(base / name)


def hub_output_path(
    config: NexrenderConfig, job_ref: str, output_format: OutputFormat
) -> Path | None:
    """Where the hub finds the delivered file, or None when it cannot see the folder."""
    if config.hub_output_dir is None:
        return None
    return config.hub_output_dir / f"{job_ref}.{ARTIFACT_EXTENSIONS[output_format]}"


def media_url(config: NexrenderConfig, layer: str, media_path: str) -> str:
    """The URL of a media file given relative to the media root, e.g. `Flag/Korea.png`."""
    path = PurePosixPath(media_path)
    if (
        not media_path
        or "\\" in media_path
        or path.is_absolute()
        or ".." in path.parts
        or _WINDOWS_DRIVE.match(media_path)
    ):
        raise NexrenderPermanentError(
            f"image layer {layer!r}: media path {media_path!r} must be relative to the media "
            "root, with / separators and no '..' (e.g. Flag/Korea.png)"
        )
    return config.media_root + quote(media_path, safe="/")


def _check_graphic(bound: BoundGraphic, job_ref: str) -> None:
    if not _JOB_REF.match(job_ref):
        raise NexrenderPermanentError(
            f"job_ref {job_ref!r} must be 1-128 of A-Z a-z 0-9 . _ - (it names the output file)"
        )
    if not bound.composition.strip():
        raise NexrenderPermanentError(f"job {job_ref}: the bound graphic names no composition")
    for kind, layers in (("text", bound.texts), ("image", bound.images)):
        for layer in layers:
            if not layer.strip():
                raise NexrenderPermanentError(
                    f"job {job_ref}: composition {bound.composition!r} has an empty {kind} "
                    "layer name"
                )
    both = sorted(set(bound.texts) & set(bound.images))
    if both:
        raise NexrenderPermanentError(
            f"job {job_ref}: layers {both} of {bound.composition!r} are bound both as text "
            "and as image"
        )


def _postrender_actions(target: str, output_format: OutputFormat) -> list[dict[str, Any]]:
    if output_format is OutputFormat.PNG_SEQUENCE:
        return [
            {
                "module": COMPRESS_ACTION,
                "format": "zip",
                "input": [_PNG_FRAMES_PATTERN],
                "output": _PNG_ARCHIVE,
            },
            {"module": COPY_ACTION, "input": _PNG_ARCHIVE, "output": target},
        ]
    # No `input`: the copy action then takes `job.output`, the file aerender really wrote
    # (Nexrender swaps the extension when AE forces .mov, which a fixed name would miss).
    return [{"module": COPY_ACTION, "output": target}]


def build_job(
    bound: BoundGraphic, settings: OutputSettings, *, job_ref: str, config: NexrenderConfig
) -> dict[str, Any]:
    """The Nexrender job for one bound graphic.

    Size, frame rate and duration come from the After Effects composition itself (the
    designer's animation); `settings` chooses the container and, for `mov_alpha`, the
    output module with an alpha channel.
    """
    _check_graphic(bound, job_ref)
    template: dict[str, Any] = {
        "src": config.template_src,
        "composition": bound.composition,
        "continueOnMissing": False,
        "outputExt": OUTPUT_EXTENSIONS[settings.format],
    }
    if settings.format is OutputFormat.MOV_ALPHA:
        template["outputModule"] = config.output_module_alpha
    assets: list[dict[str, Any]] = [
        {"type": "data", "layerName": layer, "property": "Source Text", "value": str(value)}
        for layer, value in bound.texts.items()
    ]
    assets.extend(
        {"type": "image", "layerName": layer, "src": media_url(config, layer, path)}
        for layer, path in bound.images.items()
    )
    target = output_target(config, job_ref, settings.format)
    return {
        "template": template,
        "assets": assets,
        "actions": {"postrender": _postrender_actions(target, settings.format)},
    }
