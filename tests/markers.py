"""The slow groups of tests: the check, at run time, that a test which starts a server or a browser
carries the group's marker.

The groups are the markers registered in pyproject.toml (``servers``, ``browser``, ``bench``,
``slow``); ``make test-fast`` leaves them all out, ``make test`` runs everything. tests/conftest.py
marks at collection what it can see there (a server fixture in a test's fixtures, a test
parametrized by a server's name); what collection cannot see is checked here while the tests run:

* the place where a server or a browser starts (:func:`tests.servers.start_oxigraph`,
  :func:`tests.servers.start_virtuoso`, :func:`tests.browser_support.chromium`) calls
  :func:`require`, which fails the running test unless it carries the marker;
* a fixture that started one is remembered, and every later test that uses it (a session
  server, a module's browser: started once, reused by the tests after) must carry the marker
  too (:func:`check_fixtures`, called by an autouse fixture after each test).

So a test that forgets its marker fails in ``make test`` as in ``make test-fast``, instead of
silently making the fast run slow. Outside pytest (the benchmarks start the same servers) nothing
is checked.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager

import pytest

__all__ = ["check_fixtures", "require", "running", "setting_up"]

#: The test being run, set by tests/conftest.py; None outside pytest.
_item: pytest.Item | None = None
#: The fixtures being set up, innermost last, as (base node id, name).
_fixtures: list[tuple[str, str]] = []
#: Fixtures that started a server or a browser, as (base node id, name) → (marker, what started).
_starters: dict[tuple[str, str], tuple[str, str]] = {}


# This module is registered as a plugin by tests/conftest.py: a hook in a conftest is not called
# for the session-scoped fixtures (they are set up by the session, above the tests folder).


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    with running(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest
) -> Generator[None, object, object]:
    with setting_up(fixturedef.baseid, fixturedef.argname):
        return (yield)


@contextmanager
def running(item: pytest.Item) -> Iterator[None]:
    """While ``item`` runs (its setup, call and teardown)."""
    global _item
    _item = item
    try:
        yield
    finally:
        _item = None


@contextmanager
def setting_up(baseid: str, name: str) -> Iterator[None]:
    """While the fixture ``name`` (defined at ``baseid``) is being set up."""
    _fixtures.append((baseid, name))
    try:
        yield
    finally:
        _fixtures.pop()


def require(marker: str, what: str) -> None:
    """Where ``what`` starts: the running test must carry ``marker``; the fixture that started it,
    if any, is remembered for the tests that reuse it."""
    if _item is None:
        return
    if _fixtures:
        _starters.setdefault(_fixtures[-1], (marker, what))
    _check(_item, marker, what)


def check_fixtures(item: pytest.Item, fixturenames: Iterable[str]) -> None:
    """``item`` used ``fixturenames`` (every fixture it asked for, also at run time): each one that
    started a server or a browser asks for its marker."""
    used = set(fixturenames)
    for (baseid, name), (marker, what) in _starters.items():
        if name in used and _visible(baseid, item.nodeid):
            _check(item, marker, f"uses the fixture {name!r}, which {what}")


def _visible(baseid: str, nodeid: str) -> bool:
    """Whether a fixture defined at ``baseid`` (a folder's conftest or a module) is seen from ``nodeid``."""
    return not baseid or nodeid == baseid or nodeid.startswith((baseid + "/", baseid + "::"))


def _check(item: pytest.Item, marker: str, what: str) -> None:
    if item.get_closest_marker(marker) is None:
        pytest.fail(
            f"{item.nodeid} {what} but is not marked {marker!r}: add @pytest.mark.{marker} "
            f"(or a module's pytestmark) so that `make test-fast` leaves it out",
            pytrace=False,
        )
