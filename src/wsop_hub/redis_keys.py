"""Every Redis key name the hub uses, in one place, all under the configured prefix."""

from __future__ import annotations

from dataclasses import dataclass

#: Consumer group of the render workers on the render queue stream.
RENDER_GROUP = "ae-workers"


@dataclass(frozen=True)
class RedisKeys:
    prefix: str

    @property
    def render_queue(self) -> str:
        """Stream of dispatch signals; PostgreSQL holds the jobs themselves."""
        return f"{self.prefix}render:queue"

    def matching_all(self) -> str:
        """Glob for every key of this hub (tests clean up with it)."""
        return f"{self.prefix}*"
