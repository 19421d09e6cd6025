"""Nexrender failures, sorted into "try again" and "retrying cannot help" (FACTS §8.3).

The worker retries any exception except `PermanentRenderError`, so the sorting decides what
happens on air: a permanent error fails the instruction at once with a message an operator
can act on; a retryable one goes back to the queue with backoff, bounded by `max_retries`.

The rules are those of the old module's `lib/errors.py` (non-retryable patterns checked
first, then retryable patterns, then the exception type), extended with the messages the
real Nexrender core produces (`nexrender: Couldn't find any layers …`, `Error veryifing
job`, `No update from aerender …`), which the old patterns missed.
"""

from __future__ import annotations

import asyncio
import re
from typing import Literal

import httpx

from wsop_hub.dispatch.backends import PermanentRenderError

ErrorClass = Literal["retryable", "non_retryable"]

#: Checked first: the job, template, data or configuration is wrong; a retry renders the
#: same mistake again. Numbers are matched as whole words so "5040 ms" is not a 504.
_NON_RETRYABLE = re.compile(
    r"not found|\b404\b|invalid|permission|unauthori[sz]ed|forbidden|does not exist"
    r"|template error|composition not found|missing file|no such file|\benoent\b"
    # Nexrender core / its ExtendScript (`nexrender.jsx`, `tasks/setup.js`, `tasks/actions.js`):
    r"|couldn't find any (?:compositions|layers)|can't find a property"
    r"|error ver(?:yifing|ifying) job|unknown file|error loading \w+ module",
    re.IGNORECASE,
)

#: Checked second: the network, the server or After Effects itself had a bad moment.
_RETRYABLE = re.compile(
    r"connection|timeout|timed out|network|unavailable|temporar|\b50[234]\b"
    r"|\beconnrefused\b|\betimedout\b|\benotfound\b|\beconnreset\b"
    r"|no update from aerender|maximum rendering time exceeded",
    re.IGNORECASE,
)


class NexrenderError(Exception):
    """Base of the errors this client raises on purpose; `uid` names the Nexrender job."""

    def __init__(self, message: str, *, uid: str | None = None) -> None:
        super().__init__(message)
        self.uid = uid


class NexrenderPermanentError(NexrenderError, PermanentRenderError):
    """Bad template, composition, layer, asset or credentials: the instruction fails now."""


class NexrenderRetryableError(NexrenderError):
    """A transient failure: the worker's retry path re-runs the render later."""


class NexrenderJobVanishedError(NexrenderRetryableError):
    """The server no longer knows the job (it answers the uid with 200 and an empty body).

    Retryable on purpose. A job disappears when the server restarted and lost its store
    (the disk store is written asynchronously after each change, a Redis store can be
    flushed, `nexrender-server --cleanup` empties it) or when someone removed it from the
    server by hand. In every case the graphic never reached its output and our data and
    template are unchanged, so resubmitting is the only way to get it on air; the worker's
    `max_retries` bounds the loop. Failing permanently would leave an operator to notice
    and re-trigger by hand during a live show.
    """


class NexrenderCancelledError(asyncio.CancelledError):
    """The hub cancelled the render; the Nexrender job was deleted from the server first.

    A `CancelledError` so the dispatch worker treats it as it treats a cancelled task: the
    job was cancelled or reaped and is settled elsewhere, nothing is written as a failure.
    """

    def __init__(self, message: str, *, uid: str | None = None) -> None:
        super().__init__(message)
        self.uid = uid


def classify(error: BaseException | str) -> ErrorClass:
    """Sort an exception or an error message into `retryable` or `non_retryable`.

    Errors this module already sorted keep their class. Anything unrecognised is
    retryable: one more bounded attempt costs less on air than failing a graphic that a
    second try would have rendered.
    """
    if isinstance(error, PermanentRenderError):
        return "non_retryable"
    if isinstance(error, NexrenderRetryableError):
        return "retryable"
    message = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    if _NON_RETRYABLE.search(message):
        return "non_retryable"
    if _RETRYABLE.search(message):
        return "retryable"
    if isinstance(error, str):
        return "retryable"
    if isinstance(error, FileNotFoundError | ValueError | KeyError | TypeError):
        return "non_retryable"
    return "retryable"


def error_for(message: str, *, uid: str | None = None, prefix: str = "") -> NexrenderError:
    """The exception for a failure `message`, of the class `classify` gives the message.

    `prefix` (context such as the job uid) goes into the text but not into the
    classification: a random uid like `x-404-y` must not make a failure permanent.
    """
    cls = (
        NexrenderPermanentError if classify(message) == "non_retryable" else NexrenderRetryableError
    )
    return cls(prefix + message, uid=uid)


def error_for_status(response: httpx.Response, what: str) -> NexrenderError:
    """The exception for a non-2xx answer of the Nexrender server to `what`.

    401/403 mean the `nexrender-secret` header is missing or wrong (the server answers 403
    for both); 408, 429 and 5xx are transient (a proxy or load balancer in front of the
    server, or the server restarting); any other 4xx is our request's fault — the server
    answers 400 with the job validator's assertion when a job is malformed.
    """
    status = response.status_code
    body = response.text.strip().splitlines()[0][:300] if response.text.strip() else ""
    detail = f"Nexrender server answered {status} to {what}" + (f": {body}" if body else "")
    if status in (401, 403):
        return NexrenderPermanentError(
            f"{detail} — check NEXRENDER_SECRET: it must equal the server's --secret"
        )
    if status in (408, 429) or status >= 500:
        return NexrenderRetryableError(detail)
    return NexrenderPermanentError(detail)
