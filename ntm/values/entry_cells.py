"""Typed text to cells, for the entry form and the bulk grid.

Numbers are read as the user's language writes them ("31,5" in Vietnamese), judgements
as Đạt / Chưa đạt. Every field shows the value in force on the period's last day; what
is written is decided here, the same way for the form, its live preview and the grid:

- a value observed on the period's own day is a cell of this period: it is sent to
  ``plan_values``, which says whether it is unchanged or corrected;
- a value carried from an earlier day is written for this period only when the user
  changed it (or, on the form, gave it a source or a note); a file alone is attached to
  the value it backs, on that value's day;
- a field emptied by the user is refused: a value cannot be deleted, only corrected.

Range and kind checks (negative, over 100 %, numerator over denominator, both parts of
a ratio) are left to ``plan_values``, so the pages, the API and imports say the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from ntm.core.criteria.model import IndicatorDef, IndicatorKind
from ntm.core.hierarchy import search_key
from ntm.core.numbers import NumberError, ends_with_percent, format_number
from ntm.core.numbers import parse_number as parse_text
from ntm.number_messages import number_hint, page_locale
from ntm.presentation.page_words import localized_number
from ntm.values.bulk import CellInput
from ntm.values.models import IndicatorValue

#: Words read as a judgement, compared without accents or case.
JUDGEMENT_WORDS = {
    "dat": True,
    "met": True,
    "yes": True,
    "co": True,
    "chua dat": False,
    "khong dat": False,
    "not met": False,
    "not_met": False,
    "no": False,
    "khong": False,
}


@dataclass(frozen=True)
class RawValue:
    """What a field holds as text; ``judgement`` is "met", "not_met", a typed word or ""."""

    value: str = ""
    numerator: str = ""
    denominator: str = ""
    judgement: str = ""
    source: str = ""
    note: str = ""


@dataclass
class ReadCell:
    """A field read: the cell to write (None when nothing is written) and its problems."""

    cell: CellInput | None = None
    problems: list[str] = field(default_factory=list)


def parse_number(text: str) -> float:
    """Typed text as a number, by the rules of ``ntm.core.numbers`` in the page's language."""
    return parse_text(text, locale=page_locale())


def number_problem(part: str, text: str, error: NumberError) -> str:
    """Why a typed text is not a number; when it has digits, how to write it and the
    readings it may have meant ("1,234.5": "1.234,5"?)."""
    message = _("%(part)s“%(text)s” không phải là số.") % {"part": part, "text": text.strip()}
    if any(c.isdigit() for c in text):
        message += " " + number_hint(error, page_locale())
    return message


def number_text(value: float | None) -> str:
    """A stored number as an input shows it: exact, no grouping, the language's decimal mark."""
    if value is None:
        return ""
    return format_number(value, None, locale=page_locale(), grouping=False)


def judgement_word(is_met: bool | None) -> str:
    if is_met is None:
        return ""
    return _("Đạt") if is_met else _("Chưa đạt")


def stored_text(indicator: IndicatorDef, row: IndicatorValue) -> str:
    """A stored value in words: "31,5 triệu đồng/người/năm", "8/10,3", "Đạt"."""
    if indicator.kind is IndicatorKind.JUDGEMENT:
        return judgement_word(row.is_met)
    if indicator.kind is IndicatorKind.RATIO:
        if row.numerator is None or row.denominator is None:
            return "—"
        return f"{localized_number(row.numerator)}/{localized_number(row.denominator)}"
    if row.value is None:
        return "—"
    text = localized_number(row.value)
    return f"{text} {indicator.unit}" if indicator.unit else text


def raw_from_stored(
    indicator: IndicatorDef, row: IndicatorValue | None, *, provenance: bool, words: bool = False
) -> RawValue:
    """The text a field shows for a stored value (judgements as words in the grid)."""
    if row is None:
        return RawValue()
    judgement = ""
    if row.is_met is not None:
        judgement = judgement_word(row.is_met) if words else ("met" if row.is_met else "not_met")
    return RawValue(
        value=number_text(row.value) if indicator.kind is IndicatorKind.NUMBER else "",
        numerator=number_text(row.numerator),
        denominator=number_text(row.denominator),
        judgement=judgement,
        source=row.source if provenance else "",
        note=row.note if provenance else "",
    )


def _number(text: str, indicator: IndicatorDef, label: str, problems: list[str]) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    if ends_with_percent(text) and not (
        indicator.kind is IndicatorKind.NUMBER and indicator.unit == "%"
    ):
        problems.append(
            _("%(part)s“%(text)s”: chỉ tiêu này không tính bằng %%, ghi số không kèm dấu %%.")
            % {"part": label, "text": text}
        )
        return None
    try:
        return parse_number(text)
    except NumberError as error:
        problems.append(number_problem(label, text, error))
        return None


def _judgement(text: str, problems: list[str]) -> bool | None:
    text = (text or "").strip()
    if not text:
        return None
    key = search_key(text)
    if key in JUDGEMENT_WORDS:
        return JUDGEMENT_WORDS[key]
    try:
        parse_number(text)
    except NumberError:
        problems.append(_("“%(text)s”: ghi Đạt hoặc Chưa đạt.") % {"text": text})
    else:
        problems.append(
            _("“%(text)s”: chỉ tiêu đánh giá ghi Đạt hoặc Chưa đạt, không ghi số.") % {"text": text}
        )
    return None


def _same_value(cell: CellInput, row: IndicatorValue) -> bool:
    return (cell.value, cell.numerator, cell.denominator, cell.is_met) == (
        row.value,
        row.numerator,
        row.denominator,
        row.is_met,
    )


def read_cell(
    indicator: IndicatorDef,
    raw: RawValue,
    *,
    unit_id: int,
    observed_on: date,
    in_force: IndicatorValue | None,
    where: str = "",
    has_files: bool = False,
    batch_source: str | None = None,
) -> ReadCell:
    """The cell a field writes, if any, and what is wrong with its text.

    ``batch_source`` (the grid) gives every written cell the same source and writes a
    cell only when its value changed; otherwise (the form) source and note come from
    the field.
    """
    problems: list[str] = []
    value = numerator = denominator = None
    is_met = None
    kind = indicator.kind
    # Only the fields of the indicator's kind are read; others are ignored.
    if kind is IndicatorKind.JUDGEMENT:
        texts = [raw.judgement or raw.value]
        is_met = _judgement(texts[0], problems)
    elif kind is IndicatorKind.RATIO:
        texts = [raw.numerator, raw.denominator]
        numerator = _number(raw.numerator, indicator, _("Tử số: "), problems)
        denominator = _number(raw.denominator, indicator, _("Mẫu số: "), problems)
    else:
        texts = [raw.value]
        value = _number(raw.value, indicator, "", problems)
    if problems:
        return ReadCell(None, problems)
    if not any(t.strip() for t in texts):
        if in_force is not None:
            problems.append(
                _(
                    "Ô trống: số liệu đang có (%(value)s, ngày %(date)s) không xóa được; "
                    "nhập giá trị đúng để sửa."
                )
                % {
                    "value": stored_text(indicator, in_force),
                    "date": in_force.observed_on.strftime("%d/%m/%Y"),
                }
            )
        elif batch_source is None and (raw.source.strip() or raw.note.strip() or has_files):
            problems.append(
                _("Nhập giá trị trước khi ghi nguồn, ghi chú hoặc đính kèm minh chứng.")
            )
        return ReadCell(None, problems)
    source = (batch_source if batch_source is not None else raw.source).strip()
    note = "" if batch_source is not None else raw.note.strip()
    cell = CellInput(
        unit_id=unit_id,
        indicator_key=indicator.key,
        observed_on=observed_on,
        value=value,
        numerator=numerator,
        denominator=denominator,
        is_met=is_met,
        source=source,
        note=note,
        where=where,
    )
    if in_force is None:
        return ReadCell(cell)
    if batch_source is not None:
        return ReadCell(None if _same_value(cell, in_force) else cell)
    if in_force.observed_on == observed_on:
        return ReadCell(cell)  # this period's own value: unchanged or a correction
    # A value carried from an earlier day is re-entered for this period only when changed
    # or given a new source or note; files alone go with the value they back.
    carried_untouched = _same_value(cell, in_force) and not (source or note)
    return ReadCell(None if carried_untouched else cell)
