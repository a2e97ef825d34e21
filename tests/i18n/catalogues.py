"""Catalogues made for a test, in a temporary folder put first in LOCALE_PATHS (never in the work tree): a
handful of real translations, or the pseudo-locale, where every message reads ⟦message⟧."""

from pathlib import Path

import django
import polib
from django.conf import settings

OPEN, CLOSE = "⟦", "⟧"
OURS = settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"  # every MIMAC message (messages-check)
# Django's own messages the pages show: form errors, dates, the admin's.
DJANGO = Path(django.__file__).parent
THEIRS = [DJANGO / "conf" / "locale", DJANGO / "contrib" / "auth" / "locale", DJANGO / "contrib" / "admin" / "locale"]


def write_catalogue(folder: Path, language: str, entries: list[polib.POEntry], plural_forms: str) -> Path:
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": plural_forms}
    catalogue.extend(entries)
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    catalogue.save_as_mofile(str(target / "django.mo"))
    return folder


def use_catalogue(settings, folder: Path):
    """Put `folder` first in LOCALE_PATHS; Django's test signals drop the translations loaded so far."""
    settings.LOCALE_PATHS = [folder, *settings.LOCALE_PATHS]


def translations(settings, folder: Path, language: str, words: dict[str, str]):
    """A catalogue for `language` that translates just `words` (msgid → msgstr)."""
    entries = [polib.POEntry(msgid=msgid, msgstr=msgstr) for msgid, msgstr in words.items()]
    use_catalogue(settings, write_catalogue(folder, language, entries, "nplurals=2; plural=(n != 1);"))


def pseudo(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


def _messages(path: Path):
    for entry in polib.pofile(str(path)):
        if not entry.obsolete and entry.msgid:
            yield entry


def pseudo_locale(settings, folder: Path, language: str):
    """`language` made pseudo: every message of MIMAC and of the parts of Django its pages show reads ⟦msgid⟧
    (each plural form ⟦msgid_plural⟧ but the first), so any text a page shows outside ⟦ ⟧ was not translated."""
    sources = [OURS, *(base / "en" / "LC_MESSAGES" / "django.po" for base in THEIRS)]
    entries = {}
    for source in reversed(sources):  # ours win
        for entry in _messages(source):
            made = polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt)
            if entry.msgid_plural:
                made.msgid_plural = entry.msgid_plural
                made.msgstr_plural = {0: pseudo(entry.msgid), 1: pseudo(entry.msgid_plural)}
            else:
                made.msgstr = pseudo(entry.msgid)
            entries[(entry.msgctxt, entry.msgid)] = made
    use_catalogue(settings, write_catalogue(folder, language, list(entries.values()), "nplurals=2; plural=(n != 1);"))
