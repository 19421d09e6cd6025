import pytest
from pydantic import ValidationError

from wsop_hub.errors import ConfigError
from wsop_hub.runtime.preflight import check_credentials, ensure_dev_password
from wsop_hub.settings import Settings, asyncpg_url, sqlalchemy_url


def make(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_production_refuses_default_credentials() -> None:
    settings = make(hub_env="production", dashboard_password="admin")
    with pytest.raises(ConfigError, match="refusing to start in production.*default"):
        check_credentials(settings)


def test_production_refuses_empty_password_and_short_keys() -> None:
    settings = make(hub_env="production", dashboard_password="", hub_api_keys="short")
    with pytest.raises(ConfigError, match="empty.*16 characters"):
        check_credentials(settings)


def test_production_accepts_strong_credentials() -> None:
    settings = make(
        hub_env="production", dashboard_password="a-long-random-password-42", hub_api_keys="k" * 32
    )
    check_credentials(settings)


def test_bad_database_url_scheme_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="must start with postgresql://"):
        make(database_url="mysql://root@localhost/x")


def test_empty_urls_mean_embedded() -> None:
    settings = make(database_url="", redis_url="  ")
    assert settings.database_url is None and settings.redis_url is None


def test_api_keys_are_comma_separated() -> None:
    assert make(hub_api_keys=" a , b,,c ").api_keys == ["a", "b", "c"]


def test_url_forms() -> None:
    assert sqlalchemy_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert asyncpg_url("postgresql+asyncpg://u@h/db") == "postgresql://u@h/db"


def test_dev_password_is_generated_once_and_reused(tmp_path, capsys) -> None:
    settings = make(hub_data_dir=tmp_path)
    first = ensure_dev_password(settings)
    printed = capsys.readouterr().out
    assert first.dashboard_password and first.dashboard_password in printed
    second = ensure_dev_password(settings)
    assert second.dashboard_password == first.dashboard_password
    assert first.dashboard_password not in capsys.readouterr().out
    assert (tmp_path / "dashboard-password").stat().st_mode & 0o077 == 0


def test_recording_offsets_per_pc_and_for_all() -> None:
    from wsop_hub.settings import Settings

    settings = Settings(_env_file=None, hub_recording_offsets="GG=638962000000.5, *=10")  # type: ignore[call-arg]
    assert settings.recording_offsets == {"GG": 638962000000.5, "": 10.0}
    with pytest.raises(ValueError, match="PC_ID=seconds"):
        Settings(_env_file=None, hub_recording_offsets="GG:5")  # type: ignore[call-arg]


def test_inbox_defaults_under_the_data_dir() -> None:
    from pathlib import Path

    from wsop_hub.settings import Settings

    settings = Settings(_env_file=None, hub_data_dir=Path("/srv/hub"), hub_inbox_dir="")  # type: ignore[call-arg]
    assert settings.inbox_dir == Path("/srv/hub/inbox")
    assert settings.quarantine_dir == Path("/srv/hub/quarantine")
