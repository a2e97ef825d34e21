"""The catalogues' check (make messages-check) and compile (make install), on polib."""

import importlib.util

import polib
import pytest
from django.conf import settings

spec = importlib.util.spec_from_file_location("catalogues", settings.BASE_DIR / "locale" / "catalogues.py")
catalogues = importlib.util.module_from_spec(spec)
spec.loader.exec_module(catalogues)


def _catalogue(*entries) -> polib.POFile:
    catalogue = polib.POFile()
    catalogue.extend(entries)
    return catalogue


def _entry(msgid, msgstr, flags=("python-format",), **fields):
    return polib.POEntry(msgid=msgid, msgstr=msgstr, flags=list(flags), **fields)


def test_a_complete_catalogue_with_its_placeholders_passes():
    catalogue = _catalogue(
        _entry("%(code)s recorded.", "%(code)s registrado."),
        _entry("Name in {language}", "Nombre en {language}", flags=["python-brace-format"]),
        _entry("Done: 100%%", "Hecho: 100%%"),
        _entry("Menu", "Menú", flags=[]),
    )
    assert catalogues.problems(catalogue, "es") == []


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (_entry("Save", "", flags=[]), "es: 'Save' is not translated"),
        (_entry("Save", "Guardar", flags=["fuzzy"]), "es: 'Save' is fuzzy"),
        (_entry("%(code)s recorded.", "registrado."), "es: '%(code)s recorded.' has placeholders [], not ['%(code)s']"),
        (
            _entry("%(code)s recorded.", "%(codigo)s registrado."),
            "es: '%(code)s recorded.' has placeholders ['%(codigo)s'], not ['%(code)s']",
        ),
        (_entry("Stop %s of %s", "Parada %s"), "es: 'Stop %s of %s' has placeholders ['%s'], not ['%s', '%s']"),
        (
            _entry("Name in {language}", "Nombre", flags=["python-brace-format"]),
            "es: 'Name in {language}' has placeholders [], not ['{language}']",
        ),
    ],
)
def test_a_missing_fuzzy_or_broken_translation_fails(entry, problem):
    assert catalogues.problems(_catalogue(entry), "es") == [problem]


def test_plural_forms_may_leave_the_number_out_but_never_rename_it():
    def plural(*forms):
        return polib.POEntry(
            msgid="%(count)s stop",
            msgid_plural="%(count)s stops",
            msgstr_plural=dict(enumerate(forms)),
            flags=["python-format"],
        )

    # Arabic's "one" and "two" forms often say it in words; the last form ("other") keeps the number.
    assert catalogues.problems(_catalogue(plural("محطة", "محطتان", "%(count)s محطات")), "ar") == []
    assert catalogues.problems(_catalogue(plural("محطة", "محطتان", "%(number)s محطات")), "ar") != []
    assert catalogues.problems(_catalogue(plural("محطة", "%(count)s محطات", "محطات")), "ar") != []
    assert catalogues.problems(_catalogue(plural("محطة", "")), "ar") != []


def test_compile_writes_every_catalogue_without_its_fuzzy_entries(tmp_path):
    for language in catalogues.LANGUAGES:
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        _catalogue(_entry("Save", f"Save-{language}", flags=[]), _entry("Menu", "Guess", flags=["fuzzy"])).save(
            str(folder / "django.po")
        )
    catalogues.compile_all(tmp_path)
    compiled = polib.mofile(str(tmp_path / "ar" / "LC_MESSAGES" / "django.mo"))
    assert {entry.msgid: entry.msgstr for entry in compiled} == {"Save": "Save-ar"}
