import base64

from wsop_hub.api.auth import Authenticator, FailureLimiter
from wsop_hub.settings import Settings


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def authenticator(**values: object) -> Authenticator:
    return Authenticator(Settings(_env_file=None, **values))  # type: ignore[arg-type]


def test_basic_accepts_only_the_configured_pair() -> None:
    auth = authenticator(dashboard_username="op", dashboard_password="pw-123")
    assert auth.authenticate(basic("op", "pw-123"), None).name == "op"
    assert auth.authenticate(basic("op", "wrong"), None) is None
    assert auth.authenticate(basic("other", "pw-123"), None) is None
    assert auth.authenticate("Basic !!!not-base64", None) is None
    assert auth.authenticate("Bearer abc", None) is None


def test_empty_password_never_authenticates() -> None:
    auth = authenticator(dashboard_username="op", dashboard_password="")
    assert auth.authenticate(basic("op", ""), None) is None


def test_api_key_is_checked_against_every_configured_key() -> None:
    auth = authenticator(
        dashboard_password="x", hub_api_keys="key-one-0000000000,key-two-0000000000"
    )
    principal = auth.authenticate(None, "key-two-0000000000")
    assert principal is not None and principal.method == "api_key"
    assert auth.authenticate(None, "key-three") is None


def test_limiter_blocks_after_repeated_failures_and_forgets_after_the_window() -> None:
    limiter = FailureLimiter(max_failures=3, window_s=10)
    for t in (0.0, 1.0, 2.0):
        assert limiter.blocked_for_s("1.2.3.4", now=t) == 0
        limiter.record_failure("1.2.3.4", now=t)
    assert limiter.blocked_for_s("1.2.3.4", now=3.0) > 0
    assert limiter.blocked_for_s("5.6.7.8", now=3.0) == 0
    assert limiter.blocked_for_s("1.2.3.4", now=12.5) == 0
