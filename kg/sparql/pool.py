"""A pool of worker processes that evaluate SPARQL queries with a time limit and a row cap.

The engine has no timeout or cancellation, so a query that runs past its limit is stopped the
only sure way: its worker process is killed and replaced, while the other workers keep serving.
Workers also let queries use every core. Each worker opens its own read-only replica of the
store: the store's directory for an on-disk store, or a snapshot file (N-Quads) for an
in-memory one; a replica is reopened when the store's version changes.

Results are the engine's own serialisations (bytes), never converted row by row in Python.
With ``cache_bytes``, answers to repeated queries are kept in this process for the store's
current version (:mod:`kg.sparql.cache`) and sent again without a worker; never over a remote
store, which other processes may write to.

Three limits protect the machine and the other clients. A query may allocate ``memory_mb`` in its
worker beyond what the worker holds at rest (:mod:`kg.sparql.worker` sets the worker's data limit);
a worker's standard error goes to a file of its own, read when it dies, to tell the client why: the
memory limit (503), an engine stack overflow (a query too complex: 400), or another death (503).
A SELECT never answers more than ``max_rows`` solutions, whatever its text says (the worker counts
them). And a query running longer than ``long_after`` seconds is long: a client (its address)
may have ``long_per_client`` long queries running at once; one more is stopped then (429), so
that one client's long queries always leave a worker to the others.

Over a store that evaluates SPARQL itself (a server: :attr:`kg.store.Capability.SERVER`, not
:attr:`~kg.store.Capability.REPLICAS`) the server evaluates the queries: there are no worker
processes; each query runs in a thread, at most ``workers`` at a time, through the same
:func:`kg.sparql.worker.execute` (time limit, row cap, result formats), and the answer is
awaited no longer than the time limit (the store's own request timeout ends the thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import mmap
import os
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

from kg.errors import (
    InvalidInput,
    KGError,
    Overloaded,
    QueryAborted,
    QueryError,
    QueryOutOfMemory,
    QueryRefused,
    ReadOnly,
    TooManyQueries,
)
from kg.sparql.cache import ResultCache
from kg.sparql.channel import MARK, MARK_BYTES, PoolEnd, decode_reply, encode_job
from kg.sparql.gate import MAX_NESTING, readable, refuse_oversized
from kg.sparql.sandbox import NONE as NO_SANDBOX
from kg.sparql.text import QueryShape
from kg.sparql.worker import execute as execute_job
from kg.store import Capability, Store, as_replicable, as_server

__all__ = ["QueryPool", "QueryResult", "check_query", "refuse_update"]

_log = logging.getLogger(__name__)

#: Seconds a new worker may take to import and open its replica.
_STARTUP_LIMIT = 120.0
#: Bytes of a dead worker's standard error read to tell why it died (and logged, at most a few).
_ERRORS_READ = 256 * 1024
_ERRORS_LOGGED = 2000


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    media_type: str
    truncated: bool
    #: "hit" (sent from the result cache) or "miss" (evaluated, kept if it fits); None when the
    #: answer could not come from the cache (no cache, or a query that must be evaluated each time)
    cache: str | None = None


def check_query(query: str) -> QueryShape:
    """Refuse, before any evaluation, what the service must never run.

    Raises :class:`ReadOnly` for an update, :class:`QueryRefused` for ``SERVICE``/``LOAD`` (the
    engine would make outbound requests), for nesting or chains of operators long enough to
    endanger the parser (:func:`kg.sparql.gate.refuse_oversized`) and for a text the scanner cannot read
    with certainty.
    """
    shape = readable(query)
    if shape.outbound:  # before the update check: LOAD is refused as outbound (400), like SERVICE
        raise QueryRefused(f"{' and '.join(shape.outbound)} not allowed: the endpoint never reaches outside its store")
    if shape.is_update:
        raise ReadOnly("updates are not accepted: this endpoint is read-only")
    refuse_oversized(shape, MAX_NESTING)  # the same reading: a long text is scanned once
    return shape


def refuse_update(text: str) -> NoReturn:
    """Refuse an update sent to the read-only endpoint: :class:`QueryRefused` when it would reach
    outside the store (``LOAD``, ``SERVICE``), like a query would be, else :class:`ReadOnly`."""
    outbound = readable(text).outbound
    if outbound:
        raise QueryRefused(f"{' and '.join(outbound)} not allowed: the endpoint never reaches outside its store")
    raise ReadOnly("updates are not accepted: this endpoint is read-only")


class _Worker:
    """A worker process (``python -m kg.sparql.worker``), our end of its socket, the shared
    memory where it marks the job whose query the engine has parsed, and the file (unlinked)
    its standard error goes to."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        self.errors = tempfile.TemporaryFile(prefix="kg-worker-")  # noqa: SIM115 (closed by stop())
        with tempfile.TemporaryFile() as marks:
            marks.truncate(MARK_BYTES)
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kg.sparql.worker", str(theirs.fileno()), str(marks.fileno())],
                pass_fds=[theirs.fileno(), marks.fileno()],
                stdin=subprocess.DEVNULL,
                stderr=self.errors,
            )
            self.marks = mmap.mmap(marks.fileno(), MARK_BYTES)
        theirs.close()
        self.socket = ours
        self.end = PoolEnd()

    def last_errors(self) -> bytes:
        """The end of what the worker wrote to its standard error."""
        size = os.fstat(self.errors.fileno()).st_size
        return os.pread(self.errors.fileno(), _ERRORS_READ, max(0, size - _ERRORS_READ))

    async def connect(self) -> None:
        await asyncio.get_running_loop().create_unix_connection(lambda: self.end, sock=self.socket)

    def parsed(self, seq: int) -> bool:
        """Whether the engine had parsed the query of job ``seq``."""
        return bool(MARK.unpack_from(self.marks)[0] == seq)

    def stop(self, *, kill: bool = False, log: bool = False) -> None:
        """End the worker (``kill``: at once); ``log``: log what it wrote to its standard error."""
        if kill:
            self.process.kill()
        self.end.close()
        # the worker exits on the end of its input; the transport closes the socket only on a later
        # turn of the event loop, which this blocking wait holds up, so end the input here
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.socket.close()
        self.marks.close()
        if log and (errors := self.last_errors().strip()):
            _log.warning("query worker %d: %s", self.process.pid, errors[-_ERRORS_LOGGED:].decode("utf-8", "replace"))
        self.errors.close()


async def _next_frame(w: _Worker, timeout: float) -> bytes | None:
    """The worker's next frame; None after ``timeout`` seconds. EOFError when it died.

    The limit is a plain timer on the reply's future (``asyncio.timeout`` costs several times
    more, a noticeable share of a short query's time in this process).
    """
    frame = w.end.next_frame()
    if frame.done():
        return frame.result()
    timer = asyncio.get_running_loop().call_later(timeout, _expire, frame)
    try:
        return await frame
    finally:
        timer.cancel()


def _expire(frame: asyncio.Future[Any]) -> None:
    if not frame.done():
        frame.set_result(None)


class QueryPool:
    """Worker processes answering SPARQL queries over a store's read-only replicas.

    Parameters
    ----------
    store : Store
        The store whose content the workers serve.
    workers : int
        Number of worker processes (default: one per core).
    timeout : float
        Seconds a query may run before it is stopped.
    max_rows : int
        The most solutions a SELECT answers; more are cut and the result says so.
    wait : float
        Seconds a request may wait for a free worker.
    cache_bytes : int
        Bytes of answers kept for repeated queries (0: none; always none over a remote store).
    memory_mb : int
        Megabytes a query may allocate in its worker beyond what the worker holds at rest
        (0: no limit; unused over a remote store).
    long_after : float
        Seconds after which a running query is long.
    long_per_client : int or None
        Long queries one client may have running at once (default: one less than the workers,
        at least 1; 0: no limit; unused over a remote store, whose queries cannot be stopped).
    """

    def __init__(
        self,
        store: Store,
        *,
        workers: int | None = None,
        timeout: float = 30.0,
        max_rows: int = 10_000,
        wait: float | None = None,
        cache_bytes: int = 0,
        memory_mb: int = 0,
        long_after: float = 2.0,
        long_per_client: int | None = None,
    ) -> None:
        self.store = store
        self.size = workers or os.cpu_count() or 1
        self.timeout = timeout
        self.max_rows = max_rows
        self.wait = timeout if wait is None else wait
        self.memory_mb = memory_mb
        self.long_after = long_after
        self.long_per_client = max(1, self.size - 1) if long_per_client is None else long_per_client
        #: client → when each of its long queries reaches the time limit (event loop time)
        self._long: dict[str, list[float]] = {}
        # the most recently used idle worker goes first: with few clients one worker answers all,
        # its caches warm, rather than the workers taking turns (half the throughput at one client)
        self._idle: asyncio.LifoQueue[_Worker] | None = None
        self._workers: list[_Worker] = []
        #: Where the workers' replicas come from, or (None) the store evaluates queries itself.
        self._local = as_replicable(store)
        self._server = as_server(store) if self._local is None else None
        if self._local is None and self._server is None:
            raise InvalidInput("this store neither gives query workers a replica nor evaluates SPARQL itself")
        self.remote = self._server is not None
        shared = store.supports(Capability.SHARED)  # written by others: an answer may change with no write seen here
        self.cache: ResultCache[QueryResult] | None = (
            ResultCache(cache_bytes) if cache_bytes > 0 and not self.remote and not shared else None
        )
        self._slots: asyncio.Semaphore | None = None
        local_memory = self._local is not None and self._local.path is None
        self._snapshot_dir = tempfile.TemporaryDirectory(prefix="kg-snapshot-") if local_memory else None
        self._snapshot: tuple[str, str, int] | None = None
        self._flushed: int | None = None
        self._starting: set[asyncio.Task[None]] = set()
        self._seq = 0
        #: What keeps the workers off the network (kg.sparql.sandbox), once they have started;
        #: over a remote store the server evaluates queries: the refusal of SERVICE is all there is.
        self.sandbox: str | None = "remote server" if self.remote else None

    async def start(self) -> None:
        """Start the workers and wait until each has opened its replica."""
        self._idle = asyncio.LifoQueue()
        if self.remote:
            self._slots = asyncio.Semaphore(self.size)
            return
        await asyncio.gather(*(self._add() for _ in range(self.size)))

    async def _add(self) -> None:
        """Start a worker; it joins the idle queue once imported and warmed up."""
        assert self._idle is not None
        w = _Worker()
        self._workers.append(w)
        try:
            await w.connect()
            for message in (None, encode_job(0, self._replica(), None)):
                if message is not None:
                    w.end.send(message)
                frame = await _next_frame(w, _STARTUP_LIMIT)
                if frame is None:
                    raise QueryAborted("a query worker did not start in time")
                if not (reply := decode_reply(frame)).ok:
                    raise QueryAborted(f"a query worker could not open the store: {reply.message}")
                if message is None:  # the ready frame says what keeps the worker off the network
                    self._note_sandbox(reply.body.decode("utf-8", errors="replace"))
        except (QueryAborted, EOFError, OSError):
            self._workers.remove(w)
            w.stop(kill=True, log=True)
            raise
        self._idle.put_nowait(w)

    def _note_sandbox(self, sandbox: str) -> None:
        if sandbox == NO_SANDBOX and self.sandbox != NO_SANDBOX:
            _log.warning(
                "SPARQL query workers can open network connections (no network namespace nor seccomp "
                "filter could be set): only the refusal of SERVICE and LOAD keeps queries inside the store"
            )
        elif self.sandbox is None:
            _log.info("SPARQL query workers are cut off from the network by: %s", sandbox)
        # the weakest protection any worker has is the pool's
        self.sandbox = NO_SANDBOX if NO_SANDBOX in (sandbox, self.sandbox) else sandbox

    def _replace(self, w: _Worker) -> None:
        """Kill a worker and start another in the background."""
        w.stop(kill=True)
        self._workers.remove(w)
        task = asyncio.get_running_loop().create_task(self._add())
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    def close(self) -> None:
        for task in self._starting:
            task.cancel()
        for w in self._workers:
            w.stop()
        self._workers.clear()
        if self._snapshot_dir is not None:
            self._snapshot_dir.cleanup()

    def _replica(self) -> tuple[str, str, int]:
        assert self._local is not None
        version = self.store.version
        if self._local.path is not None:
            if self._flushed != version:  # once per write, not once per query (a flush costs ~15 ms)
                self.store.flush()
                self._flushed = version
            return ("disk", str(self._local.path), version)
        if self._snapshot is None or self._snapshot[2] != version:
            assert self._snapshot_dir is not None
            path = Path(self._snapshot_dir.name) / f"snapshot-{version}.nq"
            with path.open("wb") as out:
                self._local.snapshot_to(out)
            self._snapshot = ("snapshot", str(path), version)
        return self._snapshot

    async def execute(
        self,
        query: str,
        *,
        form: str | None,
        media_type: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        volatile: bool = False,
        client: str | None = None,
    ) -> QueryResult:
        """Evaluate ``query`` in a worker; the result is serialised as ``media_type``.

        ``base_iri`` resolves relative IRIs in the query (the protocol allows the endpoint's URL).
        The answer comes from the result cache when one is kept for this store version, unless
        the query is ``volatile`` (its answer may change without a write: ``NOW()``...); an
        evaluated answer is kept if no write happened while it was computed. ``client`` (its
        address) is who asks, for the share of long queries (None: not counted).
        Raises :class:`QueryError` for a query the engine rejects or too complex for it (its
        stack overflowed), :class:`QueryAborted` when it runs past the time limit or its worker
        dies while evaluating it (the worker is replaced), :class:`QueryOutOfMemory` when it
        reaches the memory limit, :class:`TooManyQueries` when it runs long while its client
        already has its share of long queries running, and :class:`Overloaded` when no worker
        frees up in time.
        """
        if self._idle is None:
            raise RuntimeError("QueryPool.start() was not called")
        job: dict[str, Any] = {
            "query": query,
            "form": form,
            "media_type": media_type,
            "max_rows": self.max_rows,
            "memory_mb": self.memory_mb,
            "default_graphs": default_graphs,
            "named_graphs": named_graphs,
            "base_iri": base_iri,
        }
        if self._slots is not None:
            return await self._execute_remote(job)
        if self.cache is None or volatile:
            return await self._evaluate(job, client)
        version = self.store.version
        key = (query, form, media_type, _frozen(default_graphs), _frozen(named_graphs), base_iri)
        kept = self.cache.get(version, key)
        if kept is not None:
            return kept
        result = await self._evaluate(job, client)
        if self.store.version == version:
            self.cache.put(version, key, replace(result, cache="hit"), len(result.body) + len(query))
        return replace(result, cache="miss")

    async def _evaluate(self, job: dict[str, Any], client: str | None = None) -> QueryResult:
        """Run a job in an idle worker (see :meth:`execute` for the errors)."""
        assert self._idle is not None
        if not self._idle.empty():
            w = self._idle.get_nowait()
        else:
            try:
                w = await asyncio.wait_for(self._idle.get(), self.wait)
            except TimeoutError:
                raise Overloaded(f"every query worker stayed busy for {self.wait:g} s; try again later") from None
        healthy = False
        self._seq += 1
        seq = self._seq
        try:
            w.end.send(encode_job(seq, self._replica(), job))
            frame = await self._reply(w, seq, client)
            healthy = True
        finally:
            if healthy:
                self._idle.put_nowait(w)
            else:
                self._replace(w)
        reply = decode_reply(frame)
        if reply.ok:
            return QueryResult(reply.body, reply.media_type, reply.truncated)
        if reply.out_of_memory:
            raise QueryOutOfMemory(self._memory_message())
        raise QueryError(reply.message)

    async def _reply(self, w: _Worker, seq: int, client: str | None) -> bytes:
        """The worker's reply to job ``seq``, within the time limit and the client's share of long
        queries (a raised error leaves the worker to be replaced)."""
        watched = client is not None and self.long_per_client > 0 and self.long_after < self.timeout
        try:
            frame = await _next_frame(w, self.long_after if watched else self.timeout)
            if frame is None and watched:
                assert client is not None
                frame = await self._long_query(w, client)
        except EOFError:
            raise self._death(w, seq) from None
        if frame is None:
            raise QueryAborted(f"query stopped after its time limit of {self.timeout:g} s")
        return frame

    async def _long_query(self, w: _Worker, client: str) -> bytes | None:
        """Wait out a query that has become long, if its client has a long query to spare."""
        loop = asyncio.get_running_loop()
        ends = self._long.setdefault(client, [])
        if len(ends) >= self.long_per_client:
            retry = max(1, math.ceil(min(ends) - loop.time()))
            running = f"{len(ends)} long-running quer{'y' if len(ends) == 1 else 'ies'}"
            raise TooManyQueries(
                f"query stopped after {self.long_after:g} s: this client already has {running}, its share "
                f"of the {self.size} query workers; retry when one has ended",
                retry,
            )
        end = loop.time() + self.timeout - self.long_after
        ends.append(end)
        try:
            return await _next_frame(w, self.timeout - self.long_after)
        finally:
            ends.remove(end)
            if not ends:
                del self._long[client]

    def _memory_message(self) -> str:
        if self.memory_mb > 0:
            return f"query exceeded its memory limit of {self.memory_mb} MB"
        return "the query worker ran out of memory"

    def _death(self, w: _Worker, seq: int) -> KGError:
        """Why worker ``w`` died while evaluating job ``seq``: what it last wrote to its standard
        error (the engine's message when an allocation failed, or when it overflowed a thread's
        stack) and how it ended (the main thread's stack overflowing is a segmentation fault:
        the engine is a library there, without Rust's own guard)."""
        try:
            code = w.process.wait(timeout=1)  # it closed its socket as it exited: at once
        except subprocess.TimeoutExpired:
            code = None
        errors = w.last_errors()
        _log.warning(
            "query worker %d ended (exit %s) %s; its last words: %s",
            w.process.pid,
            code,
            "after the engine's query() returned" if w.parsed(seq) else "in the engine's query()",
            errors[-_ERRORS_LOGGED:].decode("utf-8", errors="replace").strip() or "(none)",
        )
        if b"memory allocation of" in errors or b"MemoryError" in errors:
            return QueryOutOfMemory(self._memory_message())
        if b"has overflowed its stack" in errors or code == -signal.SIGSEGV:
            return QueryError(
                "the query is too complex for the SPARQL engine: it overflowed the engine's stack "
                "(is it nested too deeply?)"
            )
        return QueryAborted("the query worker died while evaluating this query")

    async def _execute_remote(self, job: dict[str, Any]) -> QueryResult:
        """Run a job against the remote store in a thread, within the time limit."""
        assert self._slots is not None and self._server is not None
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait)
        except TimeoutError:
            raise Overloaded(f"every query slot stayed busy for {self.wait:g} s; try again later") from None
        try:
            reply = await asyncio.wait_for(asyncio.to_thread(execute_job, self._server, job), self.timeout)  # type: ignore[arg-type]
        except TimeoutError:
            raise QueryAborted(f"query stopped after its time limit of {self.timeout:g} s") from None
        finally:
            self._slots.release()
        return QueryResult(**reply)


def _frozen(graphs: list[str] | None) -> tuple[str, ...] | None:
    return None if graphs is None else tuple(graphs)
