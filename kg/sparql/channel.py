"""The messages between the query pool and its worker processes, framed on a socket pair.

Every message is one frame: a 4-byte big-endian length, then that many bytes. The pool sends a
job (``marshal`` of the job number, the replica to read and the job's fields; no job means "open
the replica and say when done"); the worker answers with a reply: a small fixed header (ok,
error or out of memory, rows cut or not, the length of the media type), the media type, then
the body as the engine serialised it. A reply is written with one system call and read with as few as the
kernel allows, and nothing is pickled: a lookup's round trip costs two wake-ups, not four.

The pool's end is an asyncio protocol (:class:`PoolEnd`), so replies are read by the event loop
as they arrive, without a thread and without registering a reader per query.
"""

from __future__ import annotations

import asyncio
import collections
import marshal
import socket
import struct
from dataclasses import dataclass
from typing import Any, cast

__all__ = [
    "MARK",
    "MARK_BYTES",
    "FrameReader",
    "PoolEnd",
    "Reply",
    "decode_job",
    "decode_reply",
    "encode_job",
    "encode_reply",
    "ok_reply",
    "send_frame",
]

_LENGTH = struct.Struct(">I")
_REPLY = struct.Struct(">B?H")
_OK, _ERROR, _OUT_OF_MEMORY = 0, 1, 2
#: The shared memory where a worker marks the job whose query the engine has parsed: its number.
MARK = struct.Struct("<q")
MARK_BYTES = MARK.size


@dataclass(frozen=True)
class Reply:
    """A worker's answer: the body and its media type, or an error message (``out_of_memory``:
    the query reached the worker's memory limit)."""

    ok: bool
    body: bytes
    media_type: str
    truncated: bool
    out_of_memory: bool = False

    @classmethod
    def error(cls, message: str) -> Reply:
        return cls(False, message.encode("utf-8", errors="replace"), "", False)

    @classmethod
    def memory_error(cls) -> Reply:
        return cls(False, b"the query reached the memory limit", "", False, True)

    @property
    def message(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def ok_reply(body: bytes, media_type: str, truncated: bool) -> Reply:
    return Reply(True, body, media_type, truncated)


def encode_job(seq: int, replica: tuple[str, str, int], job: dict[str, Any] | None) -> bytes:
    return marshal.dumps((seq, replica, job))


def decode_job(payload: bytes) -> tuple[int, tuple[str, str, int], dict[str, Any] | None]:
    seq, replica, job = marshal.loads(payload)
    return seq, tuple(replica), job


def encode_reply(reply: Reply) -> bytes:
    media = reply.media_type.encode("ascii")
    status = _OK if reply.ok else _OUT_OF_MEMORY if reply.out_of_memory else _ERROR
    header = _REPLY.pack(status, reply.truncated, len(media))
    return b"".join((header, media, reply.body))


def decode_reply(payload: bytes) -> Reply:
    status, truncated, media_length = _REPLY.unpack_from(payload)
    start = _REPLY.size + media_length
    media = payload[_REPLY.size : start].decode("ascii")
    return Reply(status == _OK, payload[start:], media, truncated, status == _OUT_OF_MEMORY)


def send_frame(sock: socket.socket, payload: bytes) -> None:
    """Write one frame (blocking; the worker's side)."""
    sock.sendall(_LENGTH.pack(len(payload)) + payload)


class FrameReader:
    """Reads frames from a blocking socket (the worker's side)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = bytearray()

    def next(self) -> bytes | None:
        """The next frame's payload; None once the other end has closed."""
        while True:
            frame = _take_frame(self._buffer)
            if frame is not None:
                return frame
            try:
                data = self._sock.recv(1 << 18)
            except OSError:
                return None
            if not data:
                return None
            self._buffer += data


def _take_frame(buffer: bytearray) -> bytes | None:
    if len(buffer) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack_from(buffer)
    end = _LENGTH.size + length
    if len(buffer) < end:
        return None
    payload = bytes(buffer[_LENGTH.size : end])
    del buffer[:end]
    return payload


class PoolEnd(asyncio.Protocol):
    """The pool's end of a worker's socket: frames in, futures resolved as replies arrive."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._frames: collections.deque[bytes] = collections.deque()
        self._waiter: asyncio.Future[bytes] | None = None
        self._transport: asyncio.WriteTransport | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.WriteTransport, transport)  # uvloop's are not subclasses

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while (frame := _take_frame(self._buffer)) is not None:
            if self._waiter is not None and not self._waiter.done():
                self._waiter.set_result(frame)
                self._waiter = None
            else:
                self._frames.append(frame)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(EOFError("the worker closed its end"))

    def send(self, payload: bytes) -> None:
        assert self._transport is not None
        self._transport.write(_LENGTH.pack(len(payload)) + payload)

    def next_frame(self) -> asyncio.Future[bytes]:
        """A future for the next frame (already done when one is waiting); EOFError once closed."""
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        if self._frames:
            future.set_result(self._frames.popleft())
        elif self.closed:
            future.set_exception(EOFError("the worker closed its end"))
        else:
            self._waiter = future
        return future

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
