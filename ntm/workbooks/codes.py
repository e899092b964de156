"""The format of an Excel template: its constants and columns, and the hidden sheet of codes
signed with the server's key (what the import checks the workbook against).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.signing import salted_hmac
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ntm.values.concurrency import Base

#: Bumped when the layout or the codes sheet changes; older files are refused with a message.
FORMAT_VERSION = "1"
MARKER = "ntm-workbook-template"
CODES_SHEET = "_ntm"
#: The content type of the files made here.
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGNATURE_SALT = "ntm.assessments.workbook.template"
HEADER_ROW = 4
FIRST_DATA_ROW = HEADER_ROW + 1

#: Kinds of unit the programme does not assess (wards, townships...): left out of templates,
#: as they are left out of the children overview.
NOT_ASSESSED_KINDS = frozenset({"ward", "township", "urban_district", "residential_group"})

#: Judgement words accepted on import (case and accents as typed); the template offers the
#: first two of its language in a drop-down list.
MET_WORDS = ("đạt", "met", "yes", "có")
NOT_MET_WORDS = ("chưa đạt", "không đạt", "not met", "no", "không")

SOURCE_MAX = 300
NOTE_MAX = 2000

COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    is_input: bool = False


def columns() -> tuple[Column, ...]:
    """The columns of the data sheet, in order; headers in the active language."""
    return (
        Column("criterion", _("Tiêu chí"), 8),
        Column("indicator_code", _("Mã chỉ tiêu"), 10),
        Column("indicator_name", _("Chỉ tiêu"), 46),
        Column("measure", _("Đơn vị tính"), 13),
        Column("threshold", _("Yêu cầu (ngưỡng của đơn vị)"), 17),
        Column("unit_code", _("Mã đơn vị"), 10),
        Column("unit_name", _("Đơn vị"), 22),
        Column("value", _("Giá trị / Đạt, Chưa đạt"), 15, True),
        Column("numerator", _("Tử số"), 11, True),
        Column("denominator", _("Mẫu số"), 11, True),
        Column("source", _("Nguồn số liệu"), 28, True),
        Column("note", _("Ghi chú"), 28, True),
        Column("observed_on", _("Số liệu hiện có, ngày"), 13),
        Column("status", _("Đánh giá hiện tại"), 24),
        # Hidden: the unit's internal id, which tells apart units without an official code.
        Column("unit_id", _("ID đơn vị"), 9),
    )


@dataclass(frozen=True)
class CurrentValue:
    """The value in force for a cell on a date (possibly observed earlier)."""

    observed_on: date
    value: float | None
    numerator: float | None
    denominator: float | None
    is_met: bool | None
    source: str
    note: str
    id: int | None = None


# --- The codes sheet ----------------------------------------------------------------------


class CodesError(ValueError):
    """The codes sheet is missing, unreadable or does not match its signature."""


@dataclass(frozen=True)
class TemplateUnit:
    id: int
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class TemplateIndicator:
    key: str
    code: str
    kind: str
    measure: str
    criterion: str


@dataclass(frozen=True)
class TemplateCodes:
    """What a template was made for; written to the codes sheet and signed."""

    set_id: str
    set_version: int
    period: str
    observed_on: date
    data_sheet: str
    header_row: int
    columns: tuple[tuple[str, str], ...]  # (key, header) in order
    units: tuple[TemplateUnit, ...]
    indicators: tuple[TemplateIndicator, ...]
    generated_at: str = ""
    generated_by: str = ""
    language: str = "vi"
    #: (unit id, indicator key) -> id of the value in force the template was prefilled with;
    #: None for a template made before bases were recorded (no check on import)
    bases: dict[tuple[int, str], int] | None = None

    def base_for(self, unit_id: int, key: str) -> Base | None:
        """The base of a row: the prefilled value, Base(None) when none was in force."""
        if self.bases is None:
            return None
        return Base(self.bases.get((unit_id, key)))

    def rows(self) -> list[list[str]]:
        """The codes sheet as rows of text (what is signed)."""
        rows = [
            [MARKER, FORMAT_VERSION],
            ["set", self.set_id, str(self.set_version)],
            ["period", self.period, self.observed_on.isoformat()],
            ["data_sheet", self.data_sheet, str(self.header_row)],
            ["generated", self.generated_at, self.generated_by, self.language],
        ]
        rows += [["column", key, header] for key, header in self.columns]
        rows += [
            [
                "unit",
                str(u.id),
                u.code,
                u.name,
                u.valid_from.isoformat() if u.valid_from else "",
                u.valid_to.isoformat() if u.valid_to else "",
            ]
            for u in self.units
        ]
        rows += [
            ["indicator", i.key, i.code, i.kind, i.measure, i.criterion] for i in self.indicators
        ]
        if self.bases is not None:
            rows.append(["bases", str(len(self.bases))])
            rows += [
                ["base", str(unit_id), key, str(value_id)]
                for (unit_id, key), value_id in sorted(self.bases.items())
            ]
        return rows

    def signature(self) -> str:
        return sign_rows(self.rows())

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[str]]) -> TemplateCodes:
        """Read the rows back (signature row excluded); CodesError when they make no sense."""
        try:
            head = {row[0]: row for row in rows[1:5]}
            set_row, period_row = head["set"], head["period"]
            sheet_row, generated = head["data_sheet"], head["generated"]
            return cls(
                set_id=set_row[1],
                set_version=int(set_row[2]),
                period=period_row[1],
                observed_on=date.fromisoformat(period_row[2]),
                data_sheet=sheet_row[1],
                header_row=int(sheet_row[2]),
                columns=tuple((r[1], r[2]) for r in rows if r[0] == "column"),
                units=tuple(
                    TemplateUnit(
                        id=int(r[1]),
                        code=r[2],
                        name=r[3],
                        valid_from=date.fromisoformat(r[4]) if r[4] else None,
                        valid_to=date.fromisoformat(r[5]) if r[5] else None,
                    )
                    for r in rows
                    if r[0] == "unit"
                ),
                indicators=tuple(
                    TemplateIndicator(key=r[1], code=r[2], kind=r[3], measure=r[4], criterion=r[5])
                    for r in rows
                    if r[0] == "indicator"
                ),
                generated_at=generated[1],
                generated_by=generated[2],
                language=generated[3],
                bases=(
                    {(int(r[1]), r[2]): int(r[3]) for r in rows if r[0] == "base"}
                    if any(r[0] == "bases" for r in rows)
                    else None
                ),
            )
        except (KeyError, IndexError, ValueError) as error:
            raise CodesError(str(error)) from None

    def column_letter(self, key: str) -> str:
        for position, (name, _header) in enumerate(self.columns, start=1):
            if name == key:
                return get_column_letter(position)
        raise KeyError(key)


def canonical_rows(rows: Sequence[Sequence[str | None]]) -> list[list[str]]:
    """Rows as a spreadsheet gives them back: empty cells are "", trailing ones dropped."""
    result = []
    for row in rows:
        cells = ["" if c is None else str(c) for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            result.append(cells)
    return result


def sign_rows(rows: Sequence[Sequence[str]]) -> str:
    """HMAC-SHA256 of the rows with the server's secret key."""
    payload = json.dumps(canonical_rows(rows), ensure_ascii=False, separators=(",", ":"))
    return salted_hmac(SIGNATURE_SALT, payload, algorithm="sha256").hexdigest()


def signature_matches(rows: Sequence[Sequence[str]], signature: str) -> bool:
    return constant_time_compare(sign_rows(rows), signature or "")
