"""Spanish first: every string chacra shows is translated; the record's labels are exact."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

PACKAGE = Path(settings.PACKAGE_DIR)


def _entries(po_text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file, with multi-line strings joined."""
    out = []
    for raw in po_text.split("\n\n"):
        block = "\n".join(line for line in raw.splitlines() if not line.startswith("#|"))
        fuzzy = "#, fuzzy" in block or re.search(r"^#,.*\bfuzzy\b", block, re.M) is not None
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgid ", 1)[-1].split("msgstr", 1)[0]))
        msgstr = (
            "".join(re.findall(r'"(.*)"', block.split("msgstr", 1)[-1]))
            if "msgstr" in block
            else ""
        )
        if "msgid " in block and msgid:
            out.append((msgid, msgstr, fuzzy))
    return out


def test_every_string_in_the_code_has_a_spanish_translation(tmp_path: Path) -> None:
    """Extract the strings afresh from a copy of the code and look for any left untranslated."""
    copy = tmp_path / "chacra"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[]):
            call_command("makemessages", locale=["es"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    entries = _entries((copy / "locale/es/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    assert len(entries) > 150
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == [], "untranslated or fuzzy: run `chacra makemessages -l es` in src/chacra"


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("GEOGRAPHIC LOCATION", "UBICACIÓN GEOGRÁFICA"),
        ("PRODUCER DATA", "DATOS DEL PRODUCTOR"),
        ("CACAO INSTALLED WITH THE ALLIANCE", "CACAO INSTALADO CON LA ALIANZA"),
        ("OTHER PLOT DATA", "OTROS DATOS DE LA PARCELA"),
        ("Surnames and names", "Apellidos y Nombres"),
        ("DNI no.", "N° DNI"),
        ("Temporary shade (ha)", "Sombra temporal (ha)"),
        ("Month-year installed", "Mes-año instalación"),
        ("Georeferencing (ha)", "Georeferenciación (ha)"),
        ("Property area (ha)", "Área del predio (ha)"),
        ("Land title", "Título de propiedad"),
        ("mapped by", "mapeado por"),
    ],
)
def test_record_labels_follow_the_programmes_form(english: str, spanish: str) -> None:
    with translation.override("es"):
        assert translation.gettext(english) == spanish
    with translation.override("en"):
        assert translation.gettext(english) == english
