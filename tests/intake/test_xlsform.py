"""The field form: pyxform converts it cleanly, and it holds every field the readers map."""

from __future__ import annotations

import importlib
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from chacra.intake.readers.formfields import (
    CHOICES,
    CLONES,
    FIELD_KEYS,
    FIELDS,
    FORM_ID,
    FORM_TITLE,
    GROUPS,
    LANGUAGES,
)
from chacra.intake.rows import PLANTING_KEYS, PLOT_KEYS, PRODUCER_KEYS, VISIT_KEYS
from chacra.intake.xlsform import build_xlsform
from chacra.registry.models import ConsentMethod, VisitActivity


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_xlsform(tmp_path_factory.mktemp("form") / "chacra_registro.xlsx")


def _paths(element: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Every question in pyxform's JSON form by its path, groups included ('producer/dni')."""
    found: dict[str, dict[str, Any]] = {}
    for child in element.get("children", []):
        path = f"{prefix}{child['name']}"
        found[path] = child
        found.update(_paths(child, f"{path}/"))
    return found


def test_the_form_converts_without_warnings(form: Path) -> None:
    warnings: list[str] = []
    result = convert(xlsform=str(form), warnings=warnings)
    assert warnings == []
    xform = result.xform
    assert f'id="{FORM_ID}"' in xform
    assert f"<h:title>{FORM_TITLE}</h:title>" in xform
    assert 'nodeset="/data/plot/boundary" type="geoshape"' in xform
    assert 'nodeset="/data/plot/point" type="geopoint"' in xform
    assert '<repeat nodeset="/data/plantings">' in xform
    for lang in LANGUAGES:
        assert f'<translation lang="{lang}"' in xform
    assert f'<translation lang="{LANGUAGES[0]}" default="true()">' in xform


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_the_form(form: Path) -> None:
    convert(xlsform=str(form), validate=True)  # raises ODKValidateError on a broken form


def test_every_mapped_field_is_in_the_form_with_its_type(form: Path) -> None:
    survey = convert(xlsform=str(form))._pyxform
    assert survey is not None
    questions = _paths(survey)
    for path, field in FIELDS.items():
        assert path in questions, path
        kind = field.type.split()[0]
        kind = {"select_one": "select one", "select_multiple": "select all that apply"}.get(
            kind, kind
        )
        assert questions[path]["type"] == kind, path
    assert questions["plantings"]["type"] == "repeat"
    assert {g.name for g in GROUPS.values() if g.repeat} == {"plantings"}
    assert questions["producer/dni"]["bind"]["constraint"] == "regex(., '^[0-9]{8}$')"
    assert questions["producer/ubigeo"]["bind"]["constraint"] == "regex(., '^[0-9]{6}$')"
    assert "meta/instanceID" in questions


def test_labels_are_in_spanish_and_english(form: Path) -> None:
    book = load_workbook(form, read_only=True)
    header = next(book["survey"].iter_rows(max_row=1, values_only=True))
    assert "label::Español (es)" in header
    assert "label::English (en)" in header
    rows = list(book["survey"].iter_rows(min_row=2, values_only=True))
    es, en = header.index("label::Español (es)"), header.index("label::English (en)")
    dni = next(r for r in rows if r[1] == "dni")
    assert (dni[es], dni[en]) == ("N° DNI", "DNI number")
    settings = list(book["settings"].iter_rows(values_only=True))
    assert dict(zip(settings[0], settings[1], strict=True))["form_id"] == FORM_ID
    book.close()


def test_the_mapping_fills_intake_keys_only() -> None:
    known = {*PRODUCER_KEYS, *PLOT_KEYS, *PLANTING_KEYS, *VISIT_KEYS, "point"}
    assert set(FIELD_KEYS.values()) <= known
    assert {v for p, v in FIELD_KEYS.items() if p.startswith("plantings/")} == set(PLANTING_KEYS)
    assert {v for p, v in FIELD_KEYS.items() if p.startswith("visit/")} == set(VISIT_KEYS)
    assert [p for p, f in FIELDS.items() if f.key is None] == ["producer/consent"]
    # Kobo exports without group names and ODK repeat tables match columns by the field's name.
    names = [p.rsplit("/", 1)[-1] for p in FIELDS]
    assert len(names) == len(set(names))


def test_choice_lists_agree_with_the_registry() -> None:
    assert [c[0] for c in CHOICES["visit_activity"]] == list(VisitActivity.values)
    assert [c[0] for c in CHOICES["consent_method"]] == list(ConsentMethod.values)
    catalogue = importlib.import_module("chacra.registry.migrations.0002_clone_catalogue")
    assert list(CLONES) == [code for code, *_ in catalogue.CLONES]


def test_the_command_writes_the_form(tmp_path: Path) -> None:
    out = tmp_path / "form.xlsx"
    log = io.StringIO()
    call_command("xlsform", out=str(out), stdout=log)
    assert "form_id chacra_registro" in log.getvalue()
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings"]
    book.close()


def test_the_command_refuses_a_path_that_is_not_xlsx(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("xlsform", out=str(tmp_path / "form.xls"))
