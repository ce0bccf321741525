"""HTTP content negotiation: pick the best offered media type for an Accept header."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["choose", "parse_accept"]


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """The q of the most specific range that matches ``media`` (0 when none does)."""
    kind = media.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for accepted, q in ranges:
        if accepted == media:
            specificity = 2
        elif accepted == f"{kind}/*":
            specificity = 1
        elif accepted == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def choose(header: str | None, offered: Sequence[str], aliases: Mapping[str, str] | None = None) -> str | None:
    """The offered media type the client prefers (ties go to the order of ``offered``).

    ``aliases`` maps other names a client may use (``application/json``) to an offered type.
    None when nothing offered is acceptable.
    """
    ranges = parse_accept(header)
    for alias, target in (aliases or {}).items():
        ranges += [(target, q) for media, q in ranges if media == alias]
    scored = [(_quality(media, ranges), -i, media) for i, media in enumerate(offered)]
    q, _, media = max(scored)
    return media if q > 0 else None
