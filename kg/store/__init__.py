"""The store: where the graph's quads live (embedded, or on a SPARQL server) and the values derived from them.

:class:`Store` is the contract every store honours, :class:`Capability` what only some can do
(:mod:`kg.store.protocol`). The implementations, side by side: :class:`EmbeddedStore`
(:mod:`kg.store.embedded`) and :class:`RemoteStore` (:mod:`kg.store.remote`, its servers'
differences in :mod:`kg.store.dialects`). :func:`connect` opens either from a setting. Code
outside this package imports from here, never from the implementations' modules (``make lint``).

The remote store (httpx) is imported on first use, so that light processes such as the SPARQL
workers start fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.store.common import EXPORT_FORMATS, JOURNAL, STAGING, export_format
from kg.store.derived import DerivedValues
from kg.store.embedded import EmbeddedStore
from kg.store.protocol import (
    Capability,
    JournaledStore,
    ReplicableStore,
    ServerStore,
    Store,
    as_journaled,
    as_replicable,
    as_server,
)

if TYPE_CHECKING:  # pragma: no cover
    from kg.store.remote import MARKER_GRAPH, Reading, RemoteStore, one_version

_REMOTE = ("MARKER_GRAPH", "Reading", "RemoteStore", "one_version")

__all__ = [
    "EXPORT_FORMATS",
    "JOURNAL",
    "MARKER_GRAPH",
    "STAGING",
    "Capability",
    "DerivedValues",
    "EmbeddedStore",
    "JournaledStore",
    "Reading",
    "RemoteStore",
    "ReplicableStore",
    "ServerStore",
    "Store",
    "as_journaled",
    "as_replicable",
    "as_server",
    "connect",
    "export_format",
    "is_remote",
    "one_version",
]


def is_remote(spec: object) -> bool:
    """Whether a store setting names a remote store (an http or https URL)."""
    return str(spec).startswith(("http://", "https://"))


def connect(spec: str | Path | None, **remote: Any) -> Store:
    """Open a store from a setting: ``None`` or ``"memory"`` for memory, an ``http(s)://`` URL for a
    SPARQL server (:class:`RemoteStore`, given the ``remote`` options), else a directory on disk.
    Nothing is loaded (:func:`kg.open_store` also loads the bundled data)."""
    if spec is not None and is_remote(spec):
        from kg.store.remote import RemoteStore

        return RemoteStore(str(spec), **remote)
    if spec is None or str(spec) == "memory":
        return EmbeddedStore(None)
    return EmbeddedStore(spec)


def __getattr__(name: str) -> Any:
    if name in _REMOTE:
        from kg.store import remote

        return getattr(remote, name)
    raise AttributeError(f"module 'kg.store' has no attribute {name!r}")
