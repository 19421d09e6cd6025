"""Engine construction: one AsyncEngine per process, built from Settings."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from wsop_hub.settings import sqlalchemy_url


def create_engine(
    database_url: str,
    *,
    pool_size: int = 10,
    connect_timeout_s: float = 5.0,
    application_name: str = "wsop-hub",
    pre_ping: bool = True,
    server_settings: dict[str, str] | None = None,
) -> AsyncEngine:
    """`pre_ping` costs a round trip per checkout; loops that retry on connection errors
    (worker, scheduler, ingest) turn it off, request handlers keep it."""
    return create_async_engine(
        sqlalchemy_url(database_url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
        connect_args={
            "timeout": connect_timeout_s,
            "server_settings": {"application_name": application_name, **(server_settings or {})},
        },
    )
