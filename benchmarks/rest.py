"""REST latency: sequential requests to a live ``kg serve``, p50 and p99 per endpoint."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from benchmarks.procs import BenchError
from benchmarks.stats import percentile


@dataclass
class Params:
    """Realistic request parameters, chosen from the loaded data by :func:`choose` (deterministic)."""

    at: str
    actors: list[str]  # the most-backed actors
    labels: list[str]  # their English labels (search terms)
    designees: list[str]  # the actors with the most designations
    pairs: list[tuple[str, str]]  # (source, target) joined by a backing chain of two steps


_PREFIXES = """PREFIX ck: <https://w3id.org/conflict-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
SYN_PREFIX = "https://w3id.org/conflict-kg/id/syn-"
_SYN = f'FILTER(STRSTARTS(STR(?a), "{SYN_PREFIX}"))'


def _slug(binding: dict[str, Any], name: str) -> str:
    return str(binding[name]["value"]).rsplit("/", 1)[-1]


def _last_day(var: str) -> str:
    """The last day a date literal in ``var`` can denote, as a string ("2016-12" gives "2016-12-31",
    one day late in short months, as in the cq01 example)."""
    return (
        f'IF(STRLEN(STR({var})) = 4, CONCAT(STR({var}), "-12-31"), '
        f'IF(STRLEN(STR({var})) = 7, CONCAT(STR({var}), "-31"), STR({var})))'
    )


def _holds(statement: str, at: str) -> str:
    """Filters keeping a statement that certainly holds on ``at`` (kg.timeline.verdict, as in the
    cq01 example): started by its derived bounds, or, its start unknown, attested by a citing
    source's date or coverage end or a ck:attestedDate by then; not ended; no party founded after
    the day or dissolved by it (a ck:Dissolution)."""
    v = statement[1:]
    day = f'"{at}"^^<http://www.w3.org/2001/XMLSchema#date>'
    seen, founded, gone = f"?seen{v}", f"?founded{v}", f"?gone{v}"
    return (
        f"FILTER NOT EXISTS {{ {statement} ck:latestStart ?ls{v} FILTER(?ls{v} > {day}) }} "
        f"FILTER NOT EXISTS {{ {statement} ck:earliestEnd ?ee{v} FILTER(?ee{v} <= {day}) }} "
        f"FILTER(EXISTS {{ {statement} ck:latestStart ?started{v} }} || EXISTS {{ "
        f"{{ {statement} ck:citation/ck:source/(<http://purl.org/dc/terms/date>|ck:coverageEnd) {seen} }} "
        f"UNION {{ {statement} ck:attestedDate {seen} }} FILTER({_last_day(seen)} <= STR({day})) }}) "
        f"FILTER NOT EXISTS {{ {statement} ck:subject|ck:object ?party{v} . ?party{v} ck:foundedDate {founded} "
        f"FILTER({_last_day(founded)} > STR({day})) }} "
        f"FILTER NOT EXISTS {{ {statement} ck:subject|ck:object ?party{v} . "
        f"{{ ?party{v} ck:dissolvedDate {gone} }} UNION {{ ?dissolved{v} a ck:Dissolution ; ck:subject ?party{v} ; "
        f"ck:startDate {gone} }} FILTER(STR({gone}) <= STR({day})) }}"
    )


def choose(select: Any, url: str, at: str, count: int = 5) -> Params:
    """Pick parameters with SPARQL on ``url``: synthetic actors ranked by how often they are backed,
    designated, and two-step backing chains ending at them (ties broken by id). Backing counts only
    where it certainly holds on ``at`` (:func:`_holds`), so that every "backers as of" request and
    every path asked for has an answer."""
    backed = select(
        url,
        _PREFIXES
        + f"""SELECT ?a (COUNT(DISTINCT ?st) AS ?n) ?label WHERE {{
  ?st a ck:Support ; ck:object ?a . ?a skos:prefLabel ?label . FILTER(LANGMATCHES(LANG(?label), "en")) {_SYN}
  {_holds("?st", at)}
}} GROUP BY ?a ?label ORDER BY DESC(?n) ?a LIMIT {count}""",
    )
    designated = select(
        url,
        _PREFIXES
        + f"""SELECT ?a (COUNT(DISTINCT ?d) AS ?n) WHERE {{
  ?d a ck:Designation ; ck:designee ?a . {_SYN}
}} GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT {count}""",
    )
    if not backed or not designated:
        raise BenchError("the store has no backed or designated synthetic actors to query")
    actors = [_slug(b, "a") for b in backed]
    # two support statements that both hold on the date (the path query answers as of it): the
    # holding supports are read once and the chains found here (a SPARQL join of two supports,
    # each with its date filters, takes over 30 s at 100k actors)
    edges = select(
        url,
        _PREFIXES
        + f"SELECT DISTINCT ?src ?a WHERE {{ ?s a ck:Support ; ck:subject ?src ; ck:object ?a . {_holds('?s', at)} }}",
    )
    backers: dict[str, set[str]] = {}
    for b in edges:
        if b["src"]["value"].startswith(SYN_PREFIX) and b["a"]["value"].startswith(SYN_PREFIX):
            backers.setdefault(_slug(b, "a"), set()).add(_slug(b, "src"))
    pairs: dict[str, str] = {}
    # the most-backed actors first; if no chain ends at them, the first actors in id order
    for targets in (actors, sorted(backers)):
        for a in targets:
            sources = sorted(s for m in backers.get(a, ()) for s in backers.get(m, ()) if s not in (a, m))
            if sources:
                pairs[a] = sources[0]
            if len(pairs) >= count * 2:
                break
        if pairs:
            break
    if not pairs:
        raise BenchError("the store has no two-step backing chain between synthetic actors")
    return Params(
        at=at,
        actors=actors,
        labels=[str(b["label"]["value"]) for b in backed],
        designees=[_slug(b, "a") for b in designated],
        pairs=[(src, dst) for dst, src in sorted(pairs.items())],
    )


def requests(p: Params) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """The requests timed per endpoint (path and query parameters), cycling over the chosen actors.

    Search comes last: it is the slowest today, and a request given up on keeps the server busy."""
    return {
        "actor page": [(f"/api/v1/actors/{a}", {"at": p.at}) for a in p.actors],
        "backers as of": [(f"/api/v1/actors/{a}/backers", {"at": p.at}) for a in p.actors],
        "designations as of": [(f"/api/v1/actors/{a}/designations", {"at": p.at}) for a in p.designees],
        "path": [("/api/v1/network/path", {"source": s, "target": t, "at": p.at, "max_length": 3}) for s, t in p.pairs],
        "search": [("/api/v1/search", {"q": label.lower()}) for label in p.labels],
    }


def _check(name: str, url: str, status: int, body: bytes) -> None:
    if status != 200:
        raise BenchError(f"REST {name}: {url} answered {status}: {body[:300]!r}")
    answer = json.loads(body)
    if not answer or (isinstance(answer, dict) and answer.get("paths") == []):
        raise BenchError(f"REST {name}: {url} answered with nothing")


def latency(base: str, calls: list[tuple[str, dict[str, Any]]], name: str, count: int, budget: float) -> dict[str, Any]:
    """One run: ``count`` sequential requests cycling over ``calls``; the first (cold) request, p50, p99 in ms.

    The client is Python's own ``http.client`` on one kept-alive connection, which does little per
    request: a full-featured client (httpx) added about 1 ms to each measured request, its own
    work rather than the server's. Every answer is checked (200 and not empty), after its time is
    taken, so that errors are never timed as answers. A run that goes over ``budget`` seconds stops
    there: status ``timeout`` with the number of answers it got."""
    parts = urlsplit(base)
    urls = [f"{path}?{urlencode(params, doseq=True)}" if params else path for path, params in calls]
    times: list[float] = []
    began = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=budget)
    try:
        for i in range(count + 1):
            url = urls[i % len(urls)]
            left = budget - (time.perf_counter() - began)
            start = time.perf_counter()
            try:
                if left <= 0:
                    raise TimeoutError("budget spent")
                connection.timeout = left
                if connection.sock is not None:
                    connection.sock.settimeout(left)
                connection.request("GET", url)
                response = connection.getresponse()
                body = response.read()
            except TimeoutError:
                return {"status": "timeout", "answered": len(times), "cold_ms": times[0] if times else None}
            times.append((time.perf_counter() - start) * 1000)
            _check(name, url, response.status, body)
    finally:
        connection.close()
    cold, steady = times[0], times[1:]
    return {"status": "ok", "cold_ms": cold, "p50_ms": percentile(steady, 50), "p99_ms": percentile(steady, 99)}
