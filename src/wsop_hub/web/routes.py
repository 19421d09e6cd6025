"""`/` (the dashboard page) and `/static/…` (its modules, styles and icon).

Both are public: the login form has to load before the operator has typed anything, and
the page contains no data. The strict Content-Security-Policy is what keeps it that way:
only the hub's own scripts and styles run, and rendered outputs are shown from `blob:`
URLs the page fetched with the operator's credentials.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)

#: Sent with every dashboard file. `no-cache` still lets the browser keep a copy, but it
#: revalidates it (ETag), so an upgraded hub never runs a stale module next to a new one.
COMMON_HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class DashboardStaticFiles(StaticFiles):
    """StaticFiles with the dashboard's caching and hardening headers."""

    def file_response(
        self,
        full_path: os.PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(COMMON_HEADERS)
        return response


router = APIRouter(include_in_schema=False)
router.mount("/static", DashboardStaticFiles(directory=STATIC_DIR), name="dashboard-static")


@router.get("/", response_class=FileResponse)
async def index() -> FileResponse:
    """The single page; the hash (`#/queue`, `#/job/42`) selects the view client-side."""
    return FileResponse(
        STATIC_DIR / "index.html",
        media_type="text/html; charset=utf-8",
        headers={**COMMON_HEADERS, "Content-Security-Policy": CONTENT_SECURITY_POLICY},
    )
