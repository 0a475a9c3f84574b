"""How a person's name is written down to be compared: folded, without titles, by its parts.

"Kim Jong Un" / "Kim Jong-un", "Erdogan" / "Erdoğan", "President Macron" / "Macron" fold to
the same parts. Plain Python: the calendar's event identity uses it, and so does
:mod:`bot.nlp.people`, which adds the canonical ids of the people the entity patterns list.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words that stand before a name but are not part of it ("Tun Dr Mahathir Mohamad",
# "Crown Prince Mohammed bin Salman", "TAOISEACH BRIAN Cowen"). "Pope" and "Sultan" stay: a
# pope keeps his regnal style and "Sultan" is part of Malay royal names.
HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
     "tun", "tan", "sri", "datuk", "dato", "seri", "haji", "excellency",
     "majesty", "highness", "royal", "king", "queen", "emir", "amir",
     "crown", "prince", "princess", "president", "prime", "minister", "premier", "chancellor",
     "taoiseach", "vice", "vice-president", "foreign", "defence", "defense", "secretary",
     "general", "state", "chairman", "chairwoman", "governor", "senator", "ambassador", "envoy",
     "mayor", "deputy", "acting", "former", "supreme", "leader", "gen", "gen.", "col", "col.",
     "sheikh", "sheikha", "shaikh", "sheik"}
)  # fmt: skip
# Honorifics that are family names when only one word follows ("Sheikh Hasina").
_NAME_WHEN_SHORT = frozenset({"sheikh", "sheikha", "shaikh", "sheik", "tan"})
# Parts too common to tell people apart by themselves.
WEAK_PARTS = frozenset({"bin", "binti", "al", "el", "da", "de", "do", "dos", "van", "von", "der",
                        "la", "le", "jr", "sr", "ibn", "abu", "di", "del"})  # fmt: skip


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without accents, hyphens as spaces, no dots: "Erdoğan" → "erdogan",
    "Kim Jong-un" → "kim jong un", "Richard M. Daley" → "richard m daley"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("đ", "d")
    plain = re.sub(r"[-‐‑–—_/]", " ", plain)
    plain = re.sub(r"[.'’`\"]", "", plain)
    return " ".join(plain.split())


def strip_titles(name: str) -> str:
    """A name without the titles and honorifics before it; a name that is only a title
    ("the emperor of Japan") is returned as it is. All-capital words are put in title case."""
    words = name.split()
    while len(words) > 1:
        first = fold(words[0])
        rest = len(words) - 1
        if first not in HONORIFICS or (first in _NAME_WHEN_SHORT and rest < 2):
            break
        if first == "crown" and fold(words[1]) != "prince":
            break
        words = words[1:]
    if words and fold(words[0]) == "the" and len(words) > 1 and words[1][:1].isupper():
        words = words[1:] if fold(words[1]) not in HONORIFICS else words
    fixed = [w.capitalize() if w.isupper() and len(w) > 3 and w.isalpha() else w for w in words]
    return " ".join(fixed)


def name_parts(name: str) -> list[str]:
    """Folded parts of a name that can identify someone: no titles, no "bin" or "da"."""
    parts = fold(strip_titles(name)).split()
    strong = [p for p in parts if p not in WEAK_PARTS and p not in HONORIFICS]
    return strong or parts
