"""A knowledge graph of armed conflicts: actors, backers, alliances, designations and claims.

Typical use::

    import kg
    store = kg.open_store("memory")          # bundled data, in memory; or a directory on disk
    kg.backers(store, "syrian-government", at="2024-11-30")

The loading functions (which need rdflib and pySHACL) are imported on first use, so that light
processes such as the SPARQL workers start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.errors import InvalidInput, KGError, LoadError, NotFound, QueryError, StoreError, ValidationFailed
from kg.read.catalog import source, sources
from kg.read.claims import claims
from kg.read.designations import designations
from kg.read.entities import entity
from kg.read.events import events
from kg.read.relations import backed, backers, evidence, relations
from kg.read.search import search
from kg.store import EmbeddedStore as Store  # the embedded store; kg.Store.open opens either kind

if TYPE_CHECKING:  # pragma: no cover
    from kg.load.loader import bundled_data_files, load_files, open_store, remove_source

_LOADING = ("load_files", "open_store", "remove_source", "bundled_data_files")

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


def __getattr__(name: str) -> Any:
    if name in _LOADING:
        from kg.load import loader as load

        return getattr(load, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
