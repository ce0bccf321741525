"""Network projection and analytics, timed in-process (``python -m benchmarks.analytics``).

The parent runs this module once per repetition, in a fresh process, so that every projection is cold
(``kg.network.project`` caches on the store). Each step prints one JSON line with its time; a step over
its budget is stopped (SIGALRM) and reported as a timeout, and the next step still runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import time
from collections.abc import Callable
from typing import Any


class StepTimeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise StepTimeout


def steps(store: Any, at: str, actor: str, pair: tuple[str, str]) -> list[tuple[str, Callable[[], Any]]]:
    """Each analytic as a named call; ``G`` is projected by the first step and shared by the rest."""
    from kg import network

    day = dt.date.fromisoformat(at)
    state: dict[str, Any] = {}

    def project() -> Any:
        state["G"] = network.project(store, at)
        return state["G"]

    def g() -> Any:
        return state["G"]

    def changes() -> Any:
        full = network.project(store, at, holding_only=False)
        return network.changes(full, day.replace(year=day.year - 5), day)

    return [
        ("projection", project),
        ("paths", lambda: network.paths(g(), pair[0], pair[1], max_length=3)),
        ("backing chains", lambda: network.backing_chains(g(), actor, max_depth=3)),
        ("proxy conflicts", lambda: network.proxy_conflicts(g())),
        ("centrality: degree", lambda: network.centrality(g(), "degree")),
        ("centrality: pagerank", lambda: network.centrality(g(), "pagerank")),
        ("centrality: betweenness", lambda: network.centrality(g(), "betweenness")),
        ("brokers", lambda: network.brokers(g())),
        ("blocs (louvain)", lambda: network.bloc_conflicts(g(), network.blocs(g(), method="louvain"))),
        ("balance", lambda: network.balance(g())),
        ("exposure", lambda: network.designation_exposure(g())),
        ("changes (5 years)", changes),
        ("export (graphml)", lambda: network.export(g(), "graphml")),
    ]


def _size(value: Any) -> int | None:
    if hasattr(value, "number_of_nodes"):
        return int(value.number_of_nodes())
    try:
        return len(value)
    except TypeError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store")
    parser.add_argument("--at", required=True)
    parser.add_argument("--actor", required=True)
    parser.add_argument("--pair", required=True, help="SOURCE,TARGET")
    parser.add_argument("--budget", type=float, default=120, help="seconds per step")
    args = parser.parse_args(argv)

    import kg

    store = kg.open_store(args.store)
    signal.signal(signal.SIGALRM, _alarm)
    source, target = args.pair.split(",")
    for name, call in steps(store, args.at, args.actor, (source, target)):
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, args.budget)
        try:
            result = call()
            line = {"step": name, "status": "ok", "seconds": time.perf_counter() - start, "size": _size(result)}
        except StepTimeout:
            line = {"step": name, "status": "timeout", "seconds": args.budget}
        except Exception as exc:  # report and go on: one broken analytic must not hide the others
            line = {"step": name, "status": "error", "error": f"{type(exc).__name__}: {exc}"}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        print(json.dumps(line), flush=True)
        if name == "projection" and line["status"] != "ok":
            break  # nothing to analyse
    return 0


if __name__ == "__main__":
    sys.exit(main())
