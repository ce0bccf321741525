"""Cutting a query worker off from the network: defence in depth behind the ``SERVICE`` refusal.

The endpoint refuses ``SERVICE`` and ``LOAD`` before evaluation (:mod:`kg.sparql.text`), but a
text the scanner misreads would make the engine call whatever address the query names. So each
query worker, before it reads any job, takes away its own means of reaching the network, with
whatever the platform allows without root:

* a **network namespace** of its own (``unshare(CLONE_NEWNET)``, inside a new user namespace
  when the process is not privileged and still has one thread): the worker sees only a loopback
  interface that is down, so no address, not even the service's own port, can be reached;
* a **seccomp filter** that makes ``socket()`` fail for every family but Unix sockets (the
  worker talks to the pool over a socket pair it already holds) and turns off ``io_uring``,
  which could open sockets past the filter.

Either one is enough; both are set where they can be. :func:`confine` then *tries* to open a
connection to the loopback address, and reports what stopped it: what the worker says at
start-up is what was seen to hold, not what was asked for.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket

__all__ = ["NONE", "confine"]

#: What :func:`confine` reports when nothing stops the worker's connections.
NONE = "none"

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def _network_namespace() -> str | None:
    """Move this process into a network namespace of its own; what was done, or None."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unshare = libc.unshare
    except (OSError, AttributeError):
        return None
    if unshare(_CLONE_NEWNET) == 0:
        return "network namespace"
    # not privileged: a user namespace gives this process the right to make the network one
    if unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
        return "network namespace (in a user namespace)"
    return None


def _seccomp_filter() -> str | None:
    """Forbid new sockets other than Unix ones, and io_uring; what was done, or None."""
    try:
        import pyseccomp as seccomp  # libseccomp through ctypes; absent off Linux
    except Exception:  # ImportError, or RuntimeError/OSError when libseccomp is missing
        return None
    try:
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)  # every thread of the process, not only this one
        rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "io_uring_setup")
        rules.load()  # sets no_new_privs itself, which needs no privilege
    except (OSError, ValueError, RuntimeError):
        return None
    return "seccomp filter"


def _can_connect() -> bool:
    """Whether a TCP connection to the loopback address gets anywhere (refused counts: the
    address was reached, so a listener there would have been too)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            probe.connect(("127.0.0.1", 9))
    except ConnectionRefusedError:
        return True
    except OSError:
        return False  # no socket, or no route: the network is out of reach
    return True


def confine() -> str:
    """Cut this process off from the network as far as the platform allows, and say how.

    A process with several threads cannot enter a user namespace, so an unprivileged process that
    has started threads gets the seccomp filter alone (which covers all its threads). Returns
    what holds, for example ``"network namespace + seccomp filter"``, or :data:`NONE` when a
    connection to the loopback address could still be made.
    """
    if os.environ.get("KG_QUERY_SANDBOX", "on").strip().lower() in ("0", "off", "no", "false"):
        return NONE
    layers = [layer for layer in (_network_namespace(), _seccomp_filter()) if layer is not None]
    if not layers or _can_connect():
        return NONE
    return " + ".join(layers)
