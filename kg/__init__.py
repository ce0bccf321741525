"""A knowledge graph of armed conflicts: actors, backers, alliances, designations and claims.

Typical use::

    from kg import Store, load_files, backers, designations, search
    store = Store()                          # in memory; Store("var/store") on disk
    load_files(store, kg.bundled_data_files())
    backers(store, "syrian-government", at="2024-11-30")
"""

from __future__ import annotations

from pathlib import Path

from .catalog import source, sources
from .claims import claims
from .designations import designations
from .entities import entity
from .errors import InvalidInput, KGError, LoadError, NotFound, QueryError, StoreError, ValidationFailed
from .events import events
from .load import load_files, remove_source
from .relations import backed, backers, evidence, relations
from .search import search
from .store import Store

__all__ = [
    "Store",
    "load_files",
    "remove_source",
    "bundled_data_files",
    "search",
    "entity",
    "relations",
    "backers",
    "backed",
    "evidence",
    "designations",
    "claims",
    "events",
    "sources",
    "source",
    "KGError",
    "NotFound",
    "InvalidInput",
    "QueryError",
    "LoadError",
    "ValidationFailed",
    "StoreError",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def bundled_data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The data files shipped with the project (every ``.trig`` under ``data/``)."""
    return sorted(data_dir.rglob("*.trig"))
