"""A knowledge graph of armed conflicts: actors, backers, alliances, designations and claims.

Typical use::

    from kg import Store, load_files, backers, designations, search
    store = Store()                          # in memory; Store("var/store") on disk
    load_files(store, kg.bundled_data_files())
    backers(store, "syrian-government", at="2024-11-30")
"""

from __future__ import annotations

from .catalog import source, sources
from .claims import claims
from .designations import designations
from .entities import entity
from .errors import InvalidInput, KGError, LoadError, NotFound, QueryError, StoreError, ValidationFailed
from .events import events
from .load import bundled_data_files, load_files, open_store, remove_source
from .relations import backed, backers, evidence, relations
from .search import search
from .store import Store

__all__ = [
    "InvalidInput",
    "KGError",
    "LoadError",
    "NotFound",
    "QueryError",
    "Store",
    "StoreError",
    "ValidationFailed",
    "backed",
    "backers",
    "bundled_data_files",
    "claims",
    "designations",
    "entity",
    "events",
    "evidence",
    "load_files",
    "open_store",
    "relations",
    "remove_source",
    "search",
    "source",
    "sources",
]
