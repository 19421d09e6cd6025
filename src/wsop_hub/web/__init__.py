"""The operator's dashboard in the browser: a static single page served by the API process.

Everything the page shows comes from `/api` and `/ws/dashboard` with the operator's own
credentials, so the page itself (HTML, ES modules, CSS, icon) is public and holds no data.
"""

from __future__ import annotations

from wsop_hub.web.routes import router

__all__ = ["router"]
