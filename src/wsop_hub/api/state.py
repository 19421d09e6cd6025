"""What the API process holds for its lifetime, built once by the app factory."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from wsop_hub.api.auth import Authenticator
from wsop_hub.api.realtime import EventFanout
from wsop_hub.operations.cache import SingleFlightCache
from wsop_hub.redis_keys import RedisKeys
from wsop_hub.settings import Settings


@dataclass
class HubState:
    settings: Settings
    engine: AsyncEngine
    redis: Redis
    keys: RedisKeys
    authenticator: Authenticator
    fanout: EventFanout
    cache: SingleFlightCache
