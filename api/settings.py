"""Service settings, read from ``KG_*`` environment variables in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    # KG_STORE: where the graph lives: a directory for the on-disk store, or "memory".
    store: str = "var/store"
    # KG_DATA: extra data files (colon-separated) loaded as their own sources at start-up.
    data: list[str] = field(default_factory=list)
    # KG_MAX_PAGE: the largest page size any list endpoint accepts.
    max_page: int = 100

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from the environment, then explicit overrides (command-line options)."""
        env = os.environ
        settings = cls(
            store=env.get("KG_STORE", cls.store),
            data=[p for p in env.get("KG_DATA", "").split(":") if p],
            max_page=int(env.get("KG_MAX_PAGE", cls.max_page)),
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})
