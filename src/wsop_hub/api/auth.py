"""Authentication for every /api route and the WebSocket: HTTP Basic or X-API-Key.

Comparisons are constant-time; failed attempts are logged; a client that keeps failing is
slowed down with 429 until its window passes.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import time
from collections import deque
from dataclasses import dataclass, field

from wsop_hub.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Principal:
    """Who is acting: recorded as the actor of admin actions."""

    name: str
    method: str  # "basic" | "api_key"


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


@dataclass
class FailureLimiter:
    """Per-client sliding window of failed attempts."""

    max_failures: int = 10
    window_s: float = 60.0
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def blocked_for_s(self, client: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        window = self._failures.get(client)
        if not window:
            return 0.0
        while window and window[0] <= now - self.window_s:
            window.popleft()
        if len(window) < self.max_failures:
            return 0.0
        return max(window[0] + self.window_s - now, 0.0)

    def record_failure(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._failures.setdefault(client, deque()).append(now)
        if len(self._failures) > 10_000:  # bound memory under a spray of addresses
            self._failures.pop(next(iter(self._failures)))

    def record_success(self, client: str) -> None:
        self._failures.pop(client, None)


class Authenticator:
    """Checks credentials against the settings; key material is kept only as SHA-256."""

    def __init__(self, settings: Settings) -> None:
        self._username = _digest(settings.dashboard_username)
        self._password = _digest(settings.dashboard_password)
        self._password_set = bool(settings.dashboard_password)
        self._username_plain = settings.dashboard_username
        self._api_keys = [(_digest(key), f"api-key:{key[:4]}…") for key in settings.api_keys]
        self.limiter = FailureLimiter()

    def check_basic(self, authorization: str | None) -> Principal | None:
        if not authorization or not authorization.lower().startswith("basic "):
            return None
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        username, sep, password = decoded.partition(":")
        if not sep:
            return None
        # Both comparisons always run, so timing says nothing about which part was wrong.
        user_ok = secrets.compare_digest(_digest(username), self._username)
        password_ok = secrets.compare_digest(_digest(password), self._password)
        if user_ok and password_ok and self._password_set:
            return Principal(name=self._username_plain, method="basic")
        return None

    def check_api_key(self, key: str | None) -> Principal | None:
        if not key:
            return None
        presented = _digest(key)
        found: Principal | None = None
        for stored, label in self._api_keys:
            if secrets.compare_digest(presented, stored) and found is None:
                found = Principal(name=label, method="api_key")
        return found

    def authenticate(self, authorization: str | None, api_key: str | None) -> Principal | None:
        return self.check_api_key(api_key) or self.check_basic(authorization)
