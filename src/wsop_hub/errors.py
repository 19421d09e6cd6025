"""One exception hierarchy; the API maps it to HTTP status in one place (api/app.py)."""


class HubError(Exception):
    """Base of every error the hub raises on purpose."""


class NotFound(HubError):
    """An id that names nothing."""


class Conflict(HubError):
    """A transition that is not legal from the current state, or a lost compare-and-set."""


class InvalidInput(HubError):
    """Input that fails validation; nothing was stored."""


class Unavailable(HubError):
    """A dependency (PostgreSQL, Redis) cannot be reached right now."""


class ConfigError(HubError):
    """Settings that cannot work; the message says what to change."""
