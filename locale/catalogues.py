"""MIMAC's translation catalogues, on polib: compile them, and check them complete.

    python locale/catalogues.py compile            # every locale/<lang>/LC_MESSAGES/django.po to its .mo
    python locale/catalogues.py check [FOLDER]     # fails on a message missing or fuzzy, or a placeholder
                                                   # dropped or changed (FOLDER: another locale folder)

`make messages` runs makemessages and then `compile`; `make messages-check` runs makemessages on a copy of
the tree and `check` on the copy's catalogues, so new strings in the code count as missing while the work
tree stays as it is. Neither needs GNU gettext for compiling: `make run` works with Python alone.
"""

import re
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent
LANGUAGES = ["es", "ar", "bn"]
# %(name)s, %s, %d, %%; and {count}, {0}.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxX%]|\{\w*\}")


def placeholders(text: str, flags: list[str]) -> list[str]:
    """The placeholders of a message, sorted: %-style unless python-brace-format, braces then."""
    found = PLACEHOLDER.findall(text)
    if "python-brace-format" in flags:
        return sorted(part for part in found if part.startswith("{"))
    return sorted(part for part in found if part.startswith("%") and part != "%%")


def problems(catalogue: polib.POFile, language: str) -> list[str]:
    found = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        where = f"{language}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            found.append(f"{where} is fuzzy")
            continue
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(translations):
            found.append(f"{where} is not translated")
            continue
        if not ({"python-format", "python-brace-format"} & set(entry.flags)):
            continue
        # A plural form may leave the number out (Arabic's "one" and "two" often do) but never add or rename a
        # placeholder; the last form, said of most numbers, keeps them all.
        wanted = placeholders(entry.msgid, entry.flags)
        wanted_plural = placeholders(entry.msgid_plural, entry.flags) if entry.msgid_plural else wanted
        last = len(translations) - 1
        for form, translation in enumerate(translations):
            have = placeholders(translation, entry.flags)
            if entry.msgid_plural:
                if not set(have) <= set(wanted) | set(wanted_plural) or (form == last and have != wanted_plural):
                    found.append(f"{where} form {form} has placeholders {have}, not {wanted_plural}")
            elif have != wanted:
                found.append(f"{where} has placeholders {have}, not {wanted}")
    return found


def check(folder: Path) -> int:
    failures, counts = [], []
    for language in LANGUAGES:
        catalogue = polib.pofile(str(folder / language / "LC_MESSAGES" / "django.po"))
        found = problems(catalogue, language)
        failures += found
        counts.append(f"{language}: {len(catalogue.translated_entries())} translated, {len(found)} problems")
    print("; ".join(counts))
    for failure in failures:
        print(failure, file=sys.stderr)
    if failures:
        print("Translate them in locale/<language>/LC_MESSAGES/django.po, then make messages.", file=sys.stderr)
    return 1 if failures else 0


def compile_all(folder: Path = LOCALE) -> int:
    for language in LANGUAGES:
        po = folder / language / "LC_MESSAGES" / "django.po"
        polib.pofile(str(po)).save_as_mofile(str(po.with_suffix(".mo")))  # fuzzy entries left out, as msgfmt does
    return 0


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["check"]
    if command == "compile":
        sys.exit(compile_all())
    sys.exit(check(Path(rest[0]) if rest else LOCALE))
