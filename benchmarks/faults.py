"""Kill bulk loads at random points and check that the store comes back whole (``make faults``).

Builds an on-disk store holding the bundled data and a small synthetic graph (``--old`` actors),
then, for each round, copies it and runs ``kg load --bulk`` of a larger synthetic graph
(``--new`` actors, other seed: new sources and replaced ones) over the copy, kills it with
SIGKILL at a random moment, opens the copy (which recovers it, :meth:`kg.store.embedded.EmbeddedStore.recover`)
and counts the quads of every named graph. Each round must give exactly the counts of the store
before the load or of the store after a complete load; a mixture, a staging graph or a journal
left over is a failure. Four kills in five fall while the load writes (from the engine's first
bulk-loaded file to a little after :func:`kg.load.bulk.bulk_load_files` returns, as timed by a complete
load); one in five at any moment from the start of the process.

Prints one summary line and exits 1 on any failure. Example::

    python -m benchmarks.faults --old 200 --new 1000 --rounds 30
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kg import Store, synthetic
from kg.store import JOURNAL, STAGING

#: The child writes these files beside its store: when it first calls the engine's bulk loader,
#: and when the bulk load has returned (committed).
MARKER, RETURNED = "bulk-started", "bulk-returned"


def child(store_dir: str, data: str, spool_quads: int) -> None:
    """Run ``kg load --bulk data --store store_dir`` in this process, marking the write's start."""
    from kg.cli import app
    from kg.load import bulk

    bulk.SPOOL_QUADS = spool_quads  # several files: kills between them, not only inside one
    real, real_files = Store.bulk_load, bulk.bulk_load_files

    def marked(self: Store, path: str | Path) -> None:
        (Path(store_dir).parent / MARKER).touch()
        real(self, path)

    def returned(*args: Any, **kwargs: Any) -> Any:
        result = real_files(*args, **kwargs)
        (Path(store_dir).parent / RETURNED).touch()
        return result

    Store.bulk_load = marked  # type: ignore[method-assign]
    bulk.bulk_load_files = returned
    app(["load", "--bulk", data, "--store", store_dir])


def _run(args: argparse.Namespace, store_dir: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "benchmarks.faults", "--child", str(store_dir), str(args.data)]
    command += ["--spool-quads", str(args.spool_quads)]
    spool = store_dir.parent / "tmp"  # a killed load leaves its spool folder behind: here, not in /tmp
    spool.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(spool)}
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child if it still runs (the script itself interrupted) and reap it."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def counts(store_dir: Path) -> dict[str, int]:
    """Open the store (recovering it) and count the quads of each named graph."""
    store = Store(store_dir)
    try:
        rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {r["g"]: int(r["n"]) for r in rows}
    finally:
        store.close()


def _reference(args: argparse.Namespace, work: Path, pristine: Path) -> tuple[dict[str, int], float, float]:
    """A complete load over a copy of the pristine store: the new state, and how long the process
    took before its first bulk-loaded file and from then until the bulk load returned."""
    folder = work / "reference"
    shutil.copytree(pristine, folder / "store")
    started = time.monotonic()
    proc = _run(args, folder / "store")
    bulk_at = returned_at = None
    try:
        while proc.poll() is None:
            if bulk_at is None and (folder / MARKER).exists():
                bulk_at = time.monotonic()
            if returned_at is None and (folder / RETURNED).exists():
                returned_at = time.monotonic()
            time.sleep(0.002)
    finally:
        _stop(proc)
    if proc.returncode != 0:
        raise SystemExit(f"the reference load failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    ended = time.monotonic()
    bulk_at = bulk_at or ended
    new = counts(folder / "store")
    shutil.rmtree(folder)
    return new, bulk_at - started, (returned_at or ended) - bulk_at


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=int, default=200, help="actors in the store before the load")
    parser.add_argument("--new", type=int, default=1000, help="actors of the graph loaded over it")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill times")
    parser.add_argument("--max-seconds", type=float, default=1200, help="stop starting rounds after this")
    parser.add_argument("--spool-quads", type=int, default=20_000, help="quads per spool file of the load")
    parser.add_argument("--workdir", type=Path, help="folder for the stores (default: a temporary one)")
    parser.add_argument("--child", nargs=2, metavar=("STORE", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.spool_quads)
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a terminated run kills its child, cleans up
    began = time.monotonic()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="kg-faults-", dir=args.workdir))
    try:
        old_data, args.data = work / "old.nq", work / "new.nq"
        synthetic.write(old_data, args.old, seed=1)
        synthetic.write(args.data, args.new, seed=2)
        pristine = work / "pristine"
        from kg.load import bulk
        from kg.load import loader as load

        store = load.open_store(pristine)  # with the bundled data, as `kg load` opens it
        bulk.bulk_load_files(store, [old_data])
        store.close()
        old = counts(pristine)
        new, before_write, write = _reference(args, work, pristine)
        print(
            f"faults: old {args.old} actors ({sum(old.values())} quads, {len(old)} graphs), new {args.new} "
            f"({sum(new.values())} quads, {len(new)} graphs); a load takes {before_write:.1f} s before "
            f"writing, {write:.1f} s writing",
            flush=True,
        )
        tally = {"old": 0, "new": 0, "mixed": 0}
        killed = {"before writing": 0, "while writing": 0, "after the load returned": 0}
        orphans = journals = finished = 0
        rounds = 0
        while rounds < args.rounds and time.monotonic() - began < args.max_seconds:
            rounds += 1
            folder = work / f"round-{rounds}"
            shutil.copytree(pristine, folder / "store")
            anywhere = rng.random() < 0.2
            delay = rng.uniform(0, before_write + write) if anywhere else rng.uniform(0, write * 1.15)
            started = time.monotonic()
            proc = _run(args, folder / "store")
            try:
                deadline = started + 600
                while proc.poll() is None and not anywhere and not (folder / MARKER).exists():
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.002)
                kill_at = (started if anywhere else time.monotonic()) + delay
                while proc.poll() is None and time.monotonic() < kill_at:
                    time.sleep(0.002)
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGKILL)
                    phase = (
                        "after the load returned"
                        if (folder / RETURNED).exists()
                        else "while writing"
                        if (folder / MARKER).exists()
                        else "before writing"
                    )
                    killed[phase] += 1
                else:
                    phase = "finished"
                    finished += 1
            finally:
                _stop(proc)
            found = counts(folder / "store")
            state = "old" if found == old else "new" if found == new else "mixed"
            tally[state] += 1
            orphans += sum(g.startswith(STAGING) for g in found)
            journals += sum(g.startswith(JOURNAL) for g in found)
            how = phase if phase == "finished" else f"killed {phase}"
            print(f"round {rounds:2d}: {how:31} -> {state} ({sum(found.values())} quads, {len(found)} graphs)")
            if state == "mixed":
                print(f"  mixed: {sorted(g for g in set(found) | set(old) if found.get(g) != old.get(g))[:5]}")
            shutil.rmtree(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"faults: {rounds} rounds ({', '.join(f'{n} killed {k}' for k, n in killed.items())}, {finished} finished): "
        f"{tally['old']} old state, {tally['new']} new state, {tally['mixed']} mixed (must be 0), "
        f"{orphans} orphan staging graphs (must be 0), {journals} journals left (must be 0) "
        f"in {time.monotonic() - began:.0f} s"
    )
    return 1 if tally["mixed"] or orphans or journals else 0


if __name__ == "__main__":
    raise SystemExit(main())
