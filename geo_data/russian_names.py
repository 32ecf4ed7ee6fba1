"""The Russian name of a place in Ukraine, picked from GeoNames' untagged alternate names.

GeoNames' main name of a Ukrainian place is its Ukrainian romanisation, so scoring Russian
candidates against it favours Ukrainian spellings in Russian letters (Днипро, Луханск, Одеса)
over the Russian names (Днепр, Луганск, Одесса). Candidates are scored instead against the
place's Ukrainian name carried over by the regular Ukrainian-to-Russian correspondences
(RULE, which the build writes into places.provenance.json).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from geo_data import place_names as names

RULE = [
    "In Ukraine, GeoNames' main name is the Ukrainian romanisation, so a Russian candidate "
    "(as above) is scored instead by its closeness (difflib ratio) to the place's Ukrainian "
    "name carried into Russian: -ськ/-цьк as -ск/-цк, -ове/-еве/-ине as -ово/-ево/-ино, "
    "other neuter -е and feminine -ова/-ська/-на as -ое/-ая, -ий as -ый, -ів/-їв as -ов/-ев, "
    "Нова/Велика/Мала/Стара before another word as -ая; letters compared with і ї и ы й as one, "
    "є э ё е as one, soft signs and apostrophes ignored.",
    "Not Russian: a word ending in -ове/-еве/-ине (last word), -ць, -ця, -ски or -цки; a short "
    "adjective before another word (Криви Рог, Нова Каховка, Жовти Води); a spelling that "
    "writes а for another candidate's or the Ukrainian name's о or е past the first vowel "
    "(Belarusian: Канатоп, Марыупаль); a form of a closer candidate (its -а as -е, a short "
    "ending added or dropped, a letter added in front or two cut, extra words around it); "
    "one that writes е for the Ukrainian name's и and differs in nothing else.",
    "A candidate that is the Ukrainian name in Russian letters (і as и) loses to another "
    "candidate when the Ukrainian name has і ї or є (they stand for Russian е, о or и: "
    "Дніпро — Днепр, Ніжин — Нежин) and the other scores at least 0.7, or when the other "
    "writes а for the name's first о (Охтирка — Ахтырка), or when its Russian romanisation "
    "(BGN/PCGN or GOST-like with j) is among GeoNames' Latin alternate names other than the "
    "main name and the Ukrainian romanisation and it scores at least 0.88 (Одеса — Одесса, "
    "Лозова — Лозовая).",
    "Ties: a plural in -ы (Сумы, not Суми), no soft sign where the Ukrainian name has an "
    "apostrophe (Купянск, not Купьянск), such a Latin romanisation, then RULE's Russian "
    "ties above, then capitalised words. A best score below 0.6 or a tie leaves the name "
    "empty. Where the Ukrainian name is empty for a tie, the closest Ukrainian candidate "
    "stands in for it if it scores at least 0.6; without one the general rule applies.",
]

UK_TO_RU = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "'": None, "’": None, "ʼ": None})
FOLD_RU = str.maketrans({"ы": "и", "й": "и", "ё": "е", "э": "е", "ь": None, "ъ": None})
UK_PLAIN = str.maketrans({"є": "е", "ґ": "г", "'": None, "’": None, "ʼ": None})
J_LATIN = names.RU_LATIN | {
    "й": "j", "я": "ja", "ю": "ju", "ё": "jo", "ъ": "", "ь": "'", "щ": "shh", "ц": "c",
}  # fmt: skip
VOWELS = set("аеиоуяюэыё")

ENDINGS = [
    (r"ськ$", "ск"), (r"цьк$", "цк"), (r"зьк$", "зск"), (r"ське$", "ское"), (r"цьке$", "цкое"),
    (r"ове$", "ово"), (r"еве$", "ево"), (r"ине$", "ино"), (r"([нктлв])е$", r"\1ое"),
    (r"ий$", "ый"), (r"ів$", "ов"), (r"їв$", "ев"),
    (r"(ськ|цьк)а$", r"\1ая"), (r"(ов|ев|сн|нн)а$", r"\1ая"), (r"ня$", "няя"),
]  # fmt: skip
FIRST_WORD = [
    (r"^(нов|велик|мал|біл|гол|липов|стар)а$", r"\1ая"),
    (r"^(нов|велик|мал|стар)е$", r"\1ое"),
]
UK_SHORT_ADJECTIVES = {
    "нова", "нове", "велика", "велике", "мала", "мале", "стара", "старе", "гола", "біла", "била",
    "біле", "биле", "криве", "нижня", "верхня", "липова", "червона", "червоне", "суха", "сухе",
    "красна",
}  # fmt: skip
AKANYE = {("а", "о"), ("а", "е")}
DEMOTE_WITH_I = 0.7
DEMOTE_WITH_LATIN = 0.88


def letters(text: str) -> str:
    """Lower case with the letters Russian and Ukrainian spell differently made one."""
    return text.lower().translate(UK_TO_RU).translate(FOLD_RU)


def _words(text: str) -> list[str]:
    return re.split(r"[ -]", text.lower())


def carried_into_russian(ukrainian: str) -> str:
    """The Ukrainian name with its endings as Russian writes them (the scoring target)."""
    parts = re.split(r"([ -])", ukrainian.lower())
    out = []
    for i, word in enumerate(parts):
        rules = FIRST_WORD + ENDINGS if i == 0 and len(parts) > 1 else ENDINGS
        for pattern, replacement in rules:
            if re.search(pattern, word):
                word = re.sub(pattern, replacement, word)
                break
        out.append(word)
    return letters("".join(out))


def not_russian(name: str) -> bool:
    words = _words(name)
    return (
        any(w.endswith(("ски", "цки")) or re.search(r"ць$|ця$", w) for w in words)
        or bool(re.search(r"(ове|еве|ине)$", words[-1]))
        or any(w in UK_SHORT_ADJECTIVES for w in words[:-1])
        or (len(words) > 1 and any(re.search(r"[^аеёиоуыэюя][иы]$", w) for w in words[:-1]))
    )


def vowel_swaps(a: str, b: str, pairs: set) -> bool:
    """a is b with only inner vowels changed, each (a's, b's) in pairs, one past b's first vowel."""
    if len(a) != len(b) or a == b:
        return False
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    first_vowel = next((i for i, ch in enumerate(b) if ch in VOWELS), 0)
    return (
        all(0 < i < len(a) - 1 and (a[i], b[i]) in pairs for i in diffs)
        and max(diffs) > first_vowel
    )


def form_of(a: str, b: str) -> bool:
    """a is a form of b: its -а as -е, a letter added in front, two cut, or extra words."""
    if a == b:
        return False
    if (b.endswith("а") and a == b[:-1] + "е") or a == b[2:] or a[1:] == b:
        return True
    return " " not in b and "-" not in b and len(_words(a)) > 1 and b in _words(a)


def _ending_changed(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    added = long_[len(short) :]
    return long_.startswith(short) and 0 < len(added) <= 5 and not re.search(r"[ -]", added)


def _romanisations(name: str) -> set[str]:
    bgn = names.romanise_ru(name)
    j = "".join(J_LATIN.get(ch, ch) for ch in name.lower())
    forms = {bgn, bgn.replace("'", ""), j, j.replace("'", ""), j.replace("kh", "h")}
    return {names._fold(f) for f in forms | {j.replace("c", "ts")}}


def closest_ukrainian(name: str, alternates: list[str]) -> str:
    """The Ukrainian candidate closest to the main name, ties or not, or '' under 0.6."""
    scored = [
        (names._ratio(names.romanise_uk(a), name), a)
        for a in alternates
        if names.is_candidate(a) and names.ukrainian_possible(a)
    ]
    best = max(scored, default=(0.0, ""), key=lambda s: s[0])
    return best[1] if best[0] >= names.MIN_SCORE else ""


def _candidates(ukrainian: str, alternates: list[str], closeness) -> list[str]:
    """The Russian-possible alternates less the Belarusian spellings and the forms of others."""
    uk_letters, uk_plain = letters(ukrainian), ukrainian.lower().translate(UK_PLAIN)
    pool = [
        a for a in dict.fromkeys(alternates)
        if names.is_candidate(a) and names.russian_possible(a) and not not_russian(a)
    ]  # fmt: skip

    def rejected(c: str) -> bool:
        lc = letters(c)
        if vowel_swaps(lc, uk_letters, AKANYE | {("о", "а")}):
            return True
        if vowel_swaps(c.lower(), uk_plain, {("е", "и")}):
            return True
        for other in [*pool, ukrainian]:
            lo = letters(other)
            if closeness(other) >= closeness(c) and (
                vowel_swaps(lc, lo, AKANYE) or form_of(lc, lo)
            ):
                return True
            if _ending_changed(lc, lo) and closeness(c) < closeness(other):
                return True
        return False

    return [c for c in pool if not rejected(c)]


def russian_name_in_ukraine(name: str, ukrainian: str, alternates: list[str]) -> str:
    """The Russian name of a Ukrainian place whose Ukrainian name is `ukrainian`, or ''."""
    target = carried_into_russian(ukrainian)
    uk_letters = letters(ukrainian)

    def closeness(text: str) -> float:
        return round(SequenceMatcher(None, letters(text), target).ratio(), 6)

    candidates = _candidates(ukrainian, alternates, closeness)
    latin = [names._fold(a) for a in alternates if a.isascii()]
    ukrainian_latin = {names._fold(name), names._fold(names.romanise_uk(ukrainian))}

    def in_latin(c: str) -> bool:
        return any(r in latin and r not in ukrainian_latin for r in _romanisations(c))

    def spelt_ukrainian(c: str) -> bool:
        return letters(c) == uk_letters

    def beats_ukrainian_spelling(c: str) -> bool:
        if spelt_ukrainian(c):
            return False
        if set(ukrainian.lower()) & set("іїє"):
            return closeness(c) >= DEMOTE_WITH_I
        first_a = letters(c)[1:] == uk_letters[1:] and letters(c)[:1] + uk_letters[:1] == "ао"
        return first_a or (in_latin(c) and closeness(c) >= DEMOTE_WITH_LATIN)

    demote = any(beats_ukrainian_spelling(c) for c in candidates)
    apostrophe = any(a in ukrainian for a in names.APOSTROPHES)
    return names.pick(
        candidates,
        lambda c: (
            closeness(c) >= names.MIN_SCORE,
            not (demote and spelt_ukrainian(c)),
            closeness(c),
            any(w.endswith("ы") for w in c.lower().split()),
            not (apostrophe and re.search("ь[яюеёи]", c.lower())),
            in_latin(c),
            names._russian_marked(c),
            latin.count(names._fold(names.romanise_ru(c))),
            names._east_slavic_soft_sign(c),
            sum(w[:1].isupper() for w in c.split()),
        ),
    )
