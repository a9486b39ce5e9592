"""Text normalisation for accent- and case-insensitive search on every database backend."""

import re
import unicodedata

# Whitespace, hyphens, straight and typographic apostrophes (U+2019, U+2018, U+00B4), and
# punctuation all separate words.
_SEPARATORS = re.compile("[\\s\\-'\u2019\u2018`\u00b4_./,;:()]+")

# Letters that NFKD does not decompose into a base letter plus accent.
_SPECIAL_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


def normalize_search_text(value: str) -> str:
    """Lowercase, strip accents, and turn hyphens, apostrophes and punctuation into spaces.

    "Saint-Étienne Métropole" and "saint etienne metropole" both become
    "saint etienne metropole", so a plain substring match finds one from the other.
    """
    lowered = value.casefold().translate(_SPECIAL_LETTERS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", without_accents).strip()


def search_terms(query: str) -> list[str]:
    """Split a user query into normalised words; every word must match."""
    return [term for term in normalize_search_text(query).split(" ") if term]
