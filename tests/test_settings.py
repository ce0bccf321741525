"""Service settings read from the environment."""

from __future__ import annotations

import pytest

from api.settings import Settings

CASES = [(None, False), ("0", False), ("1", True), ("true", True), ("no", False)]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_the_access_log_is_off_unless_asked_for(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: bool
) -> None:
    if value is None:
        monkeypatch.delenv("KG_ACCESS_LOG", raising=False)
    else:
        monkeypatch.setenv("KG_ACCESS_LOG", value)
    assert Settings.from_env().access_log is expected
