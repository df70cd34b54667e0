"""The XLSForm extension agents fill in ODK Collect or KoboCollect (form_id ``chacra_registro``).

Built from ``chacra.intake.readers.formfields.FIELDS``, the same table the ODK and Kobo readers
map exports through, so an export of this form imports with no mapping step. Upload the file to
ODK Central or KoboToolbox as it is; ``chacra xlsform --out form.xlsx`` writes it.
"""

from __future__ import annotations

from pathlib import Path

from chacra.intake.readers.formfields import (
    CHOICES,
    FIELDS,
    FORM_ID,
    FORM_TITLE,
    FORM_VERSION,
    GROUPS,
    LANGUAGES,
)

SURVEY_COLUMNS = (
    "type", "name", *(f"label::{lang}" for lang in LANGUAGES), "required", "relevant",
    "constraint", *(f"constraint_message::{lang}" for lang in LANGUAGES), "default", "appearance",
)  # fmt: skip


def survey_rows() -> list[dict[str, str]]:
    """The survey sheet, one dict per row: groups opened and closed around their fields."""
    rows: list[dict[str, str]] = []
    open_group = None
    for path, f in FIELDS.items():
        group_name, name = path.split("/")
        if group_name != open_group:
            if open_group is not None:
                rows.append({"type": _end(open_group)})
            group = GROUPS[group_name]
            kind = "begin repeat" if group.repeat else "begin group"
            rows.append(_labelled(kind, group.name, group.es, group.en))
            open_group = group_name
        row = _labelled(f.type, name, f.es, f.en)
        row.update(required=f.required, relevant=f.relevant, constraint=f.constraint)
        row.update(default=f.default, appearance=f.appearance)
        if f.constraint:
            row[f"constraint_message::{LANGUAGES[0]}"] = f.constraint_es
            row[f"constraint_message::{LANGUAGES[1]}"] = f.constraint_en
        rows.append(row)
    if open_group is not None:
        rows.append({"type": _end(open_group)})
    return rows


def _end(group_name: str) -> str:
    return "end repeat" if GROUPS[group_name].repeat else "end group"


def _labelled(kind: str, name: str, es: str, en: str) -> dict[str, str]:
    return {"type": kind, "name": name, f"label::{LANGUAGES[0]}": es, f"label::{LANGUAGES[1]}": en}


def build_xlsform(path: Path) -> Path:
    """Write the chacra form as an XLSForm workbook (sheets survey, choices, settings)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    survey = book.active
    assert survey is not None  # noqa: S101 - a new workbook has one sheet
    survey.title = "survey"
    survey.append(list(SURVEY_COLUMNS))
    for row in survey_rows():
        survey.append([row.get(column, "") or None for column in SURVEY_COLUMNS])

    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{lang}" for lang in LANGUAGES)])
    for list_name, options in CHOICES.items():
        for name, es, en in options:
            choices.append([list_name, name, es, en])

    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language", "instance_name"])
    instance_name = "concat(${surnames}, ' ', ${given_names})"
    settings.append([FORM_TITLE, FORM_ID, FORM_VERSION, LANGUAGES[0], instance_name])

    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    path = Path(path)
    book.save(path)
    return path
