"""Source texts: how a source's paragraphs are numbered for citations."""

from __future__ import annotations

import re

__all__ = ["paragraphs"]


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a source text: its non-empty blocks, in order (numbered from 1).

    Blocks are separated by blank lines; the headline is paragraph 1. Citations in the data
    (``ck:paragraph``) use these numbers.
    """
    return [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
