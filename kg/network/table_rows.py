"""The projection's statement rows read from the statement table instead of the engine.

:mod:`kg.network.projection` groups flat rows: the ends of each statement (``network-edges.rq``),
the dates and other properties of each node (``network-properties.rq``) and the citations of each
node (``network-citations.rq``). Once the service has built the statement table
(:mod:`kg.read.statement_table`), every statement is in memory with its properties and citations, and
reading them again from the engine (which turns each term into text: minutes at 100k actors) is
wasted. The functions here give the same rows from the table, for the statements of the edge
kinds; claims and everything else the table does not hold are still read from the engine.

A row here is what the engine's row is after decoding: the same IRIs and lexical forms, the same
short roles. Blank nodes are left out as the queries leave them out: a statement, an end, a
source or a value that is one (a blank statement can't be named by an edge key).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

import pyoxigraph as ox

from kg import queries
from kg.namespaces import CK, RDF, SCHEMA
from kg.read.nodes import node_key
from kg.read.statement_table import Packed, StatementTable
from kg.store import Store

__all__ = ["EdgeRules", "TableRows", "edge_rules", "rule_pairs"]

#: Statement class → the (from role, to role) pairs of its ``ck:derivesEdge`` descriptions.
EdgeRules = dict[str, list[tuple[str, str]]]

#: Property → the role the projection names it by: the VALUES of ``network-properties.rq``
#: (a test checks that the two agree).
ROLES = {
    CK + "startDate": "start",
    CK + "effectiveDate": "start",
    CK + "listedDate": "start",
    CK + "date": "start",
    CK + "endDate": "end",
    CK + "earliestStart": "earliestStart",
    CK + "latestStart": "latestStart",
    CK + "earliestEnd": "earliestEnd",
    CK + "latestEnd": "latestEnd",
    CK + "supportKind": "supportKind",
    CK + "alleged": "alleged",
    CK + "claimKind": "claimKind",
    CK + "claimant": "claimant",
    CK + "attestedDate": "attested",
}
#: The properties of a citation that the projection keeps (``network-citations.rq``).
CITATION_FIELDS = frozenset({CK + "paragraph", CK + "locator", SCHEMA + "url", CK + "verification"})

_TYPE = RDF + "type"
_CITATION = CK + "citation"
_SOURCE = CK + "source"
_AMENDMENT = CK + "amendment"
_EFFECTIVE = CK + "effectiveDate"

Parts = tuple[tuple[str, Packed], ...]


def edge_rules(store: Store) -> EdgeRules:
    """The edge rules as the store states them (the ones ``network-edges.rq`` joins on)."""
    rules: EdgeRules = {}
    for kind, from_role, to_role in store.select_terms(queries.get("network-edge-rules")):
        rules.setdefault(kind.value, []).append((from_role.value, to_role.value))
    return rules


def rule_pairs(iris: dict[str, list[str]], kinds: list[str], rules: EdgeRules) -> Iterator[tuple[str, str, str]]:
    """``(kind, from, to)`` for each of ``kinds`` that has a rule and each pair of IRIs a node has
    in that rule's roles (``iris``: property → the node's IRI values)."""
    for kind in kinds:
        for from_role, to_role in rules.get(kind, ()):
            for source in iris.get(from_role, ()):
                for target in iris.get(to_role, ()):
                    yield kind, source, target


class TableRows:
    """The rows of the statements of the edge kinds, as the engine's queries give them."""

    def __init__(self, table: StatementTable, rules: EdgeRules) -> None:
        self.rules = rules
        #: (statement, packed properties, parts) of every statement pointing to an edge kind: the
        #: statements of those kinds, the only ones :meth:`edges` gives (the projection keeps the
        #: properties and citations of those alone).
        self.statements: list[tuple[str, Packed, Parts]] = [
            found for found in table.mentioning(rules) if not found[0].startswith("_:")
        ]

    def edges(self) -> Iterator[tuple[str, str, str, str]]:
        """``(statement, kind, from, to)`` like ``network-edges.rq``: each pair of actor-or-not
        IRIs in the statement's from and to roles, for each of its kinds that has a rule."""
        rules = self.rules
        for node, packed, _ in self.statements:
            iris: dict[str, list[str]] = {}
            for prop, value in zip(packed[::2], packed[1::2], strict=True):
                if isinstance(value, ox.NamedNode):
                    iris.setdefault(prop, []).append(value.value)
            for kind, source, target in rule_pairs(iris, iris.get(_TYPE, []), rules):
                yield node, kind, source, target

    def properties(self) -> Iterator[tuple[str, str, str]]:
        """``(statement, role, value)`` like ``network-properties.rq``."""
        for node, packed, _ in self.statements:
            for prop, value in zip(packed[::2], packed[1::2], strict=True):
                role = ROLES.get(prop)
                if role is not None and not isinstance(value, ox.BlankNode):
                    yield node, role, value.value

    def grouped(self) -> tuple[dict[str, tuple[set[str], set[tuple[str, str]]]], dict[str, dict[str, set[str]]]]:
        """:meth:`edges` and :meth:`properties` grouped by statement in one pass, as the projection
        groups the engine's rows: ``statement → (kinds, pairs of ends)`` for the statements with
        at least one pair, and ``statement → role → values``."""
        rules = self.rules
        roles = ROLES
        named, blank = ox.NamedNode, ox.BlankNode
        ends_of: dict[str, tuple[set[str], set[tuple[str, str]]]] = {}
        properties: dict[str, dict[str, set[str]]] = {}
        for node, packed, _ in self.statements:
            iris: dict[str, list[str]] = {}
            props: dict[str, set[str]] = {}
            for prop, value in zip(packed[::2], packed[1::2], strict=True):
                role = roles.get(prop)
                if type(value) is named:
                    text = value.value
                    found = iris.get(prop)
                    if found is None:
                        iris[prop] = [text]
                    else:
                        found.append(text)
                elif role is not None and type(value) is not blank:
                    text = value.value
                else:
                    continue
                if role is not None:
                    values = props.get(role)
                    if values is None:
                        props[role] = {text}
                    else:
                        values.add(text)
            if props:
                properties[node] = props
            kinds: set[str] = set()
            ends: set[tuple[str, str]] = set()
            for kind, source, target in rule_pairs(iris, iris.get(_TYPE, []), rules):
                kinds.add(kind)
                ends.add((source, target))
            if ends:
                ends_of[node] = (kinds, ends)
        return ends_of, properties

    def amendments(self) -> Iterator[tuple[str, str]]:
        """``(statement, effective date)`` of each dated amendment, like ``network-amendments.rq``
        (the date's lexical form)."""
        for node, packed, parts in self.statements:
            if not parts:
                continue
            amended = {node_key(v) for p, v in zip(packed[::2], packed[1::2], strict=True) if p == _AMENDMENT}
            for part, props in parts:
                if part in amended:
                    for prop, value in zip(props[::2], props[1::2], strict=True):
                        if prop == _EFFECTIVE and not isinstance(value, ox.BlankNode):
                            yield node, value.value

    def citations(self, among: Collection[str] | None = None) -> Iterator[tuple[str, str, str, str]]:
        """``(statement, source, property, value)`` like ``network-citations.rq`` (values
        decoded): one row per paragraph, locator, URL or verification of each citation, or
        ``(statement, source, "-", "-")`` for a citation with none of them; of the statements
        ``among`` if given."""
        for node, packed, parts in self.statements:
            if not parts or (among is not None and node not in among):
                continue
            cited = {node_key(v) for p, v in zip(packed[::2], packed[1::2], strict=True) if p == _CITATION}
            for part, props in parts:
                if part not in cited:
                    continue  # an amendment
                sources: list[str] = []
                fields: list[tuple[str, str]] = []
                for prop, value in zip(props[::2], props[1::2], strict=True):
                    if isinstance(value, ox.BlankNode):
                        continue
                    if prop == _SOURCE:
                        sources.append(value.value)
                    elif prop in CITATION_FIELDS:
                        fields.append((prop, value.value))
                for source in sources:
                    if not fields:
                        yield node, source, "-", "-"
                    for prop, value in fields:
                        yield node, source, prop, value
