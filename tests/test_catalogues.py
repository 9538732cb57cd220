"""The interface exists in Spanish, Portuguese (Brazil) and English: every catalogue is complete, its
compiled form is current, and it holds every string of the source code."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["es", "pt_BR", "en"]

needs_gettext = pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext is not installed")


def entries(po, *flags):
    out = subprocess.run(["msgattrib", *flags, str(po)], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


@needs_gettext
@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert entries(po, "--untranslated") == []
    assert entries(po, "--only-fuzzy") == []


@needs_gettext
def test_catalogues_hold_every_source_string(tmp_path, monkeypatch):
    # makemessages over a copy of the code and catalogues (it writes where it runs): no string of the code
    # may be missing from the committed catalogues.
    base = Path(settings.BASE_DIR)
    for folder in ("alp_portal", "initiative", "authorities", "workshops", "certificates", "templates", "locale"):
        shutil.copytree(base / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=LANGUAGES, no_location=True, verbosity=0)
    for language in LANGUAGES:
        po = tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"
        assert entries(po, "--untranslated") == [], f"{language}: run `make messages` and translate"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "Verificar un reconocimiento"), ("pt-br", "Verificar um reconhecimento"), ("en", "Verify a recognition")],
)
def test_catalogue_translates_interface(language, expected):
    with translation.override(language):
        assert translation.gettext("Verify a recognition") == expected


def test_english_catalogue_says_what_the_source_says():
    # The source strings are English: an English entry that differs from its msgid is a leftover of a string
    # that changed (makemessages matches it to the old one) and would show the old words.
    import gettext

    with open(LOCALE / "en" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    differing = {
        key: msgstr
        for key, msgstr in catalog.items()
        if isinstance(key, str) and key.split("\x04")[-1] != msgstr  # "context\x04msgid" for pgettext
    }
    differing.pop("", None)  # the header
    assert differing == {}
