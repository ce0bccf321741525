"""Text normalisation for tolerant search (case, accents, apostrophes, Arabic variants)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["search_key"]

# Apostrophes and quote-like marks are dropped ("Hay'at" → "hayat"), as are Arabic tatweel.
_DROP = dict.fromkeys(map(ord, "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032\u0640"), None)
# Arabic letters with common spelling variants are folded onto one form.
_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_NON_WORD = re.compile(r"[^\w]+")


def search_key(text: str) -> str:
    """Fold a label or a query to the form search compares.

    Lower-cases, strips accents and Arabic diacritics, drops apostrophes, unifies Arabic letter
    variants and turns punctuation and runs of spaces into one space.

    >>> search_key("Hay'at Taḥrīr al-Shām")
    'hayat tahrir al sham'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_DROP))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = stripped.casefold().translate(_ARABIC)
    return _NON_WORD.sub(" ", folded).replace("_", " ").strip()
