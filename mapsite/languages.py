"""The languages the map speaks, and how a requested one is read (the API and the page both).

English is the data's own language and the default; anything unknown falls back to it.
"""

LANGS = ("en", "uk", "ru")
DEFAULT = "en"
# The languages the data carries translations for (English is the data itself).
TRANSLATED = tuple(code for code in LANGS if code != DEFAULT)
# Each language's name in itself, for the API's description and the page's switch.
NAMES = {"en": "English", "uk": "Українська", "ru": "Русский"}


def chosen(text: str | None) -> str:
    """The language code `text` asks for: "uk", "UK", "uk-UA" and "uk_UA" give "uk";
    anything empty or unknown gives English."""
    if not text:
        return DEFAULT
    code = text.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGS else DEFAULT


# The language the stored quotes were said in (the bundled reports are all in English):
# quotes are never translated, and answers in another language say so.
QUOTE_LANG = "en"
