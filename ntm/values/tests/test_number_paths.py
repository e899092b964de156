"""Every path that reads a typed number gives the same answer for the same text: the entry
form, the grid (server and its live check in JavaScript), the criteria authoring forms and
text cells of an uploaded workbook all follow ``ntm.core.numbers``.

Before, four parsers disagreed: "1.234" was 1234 on the entry form, 1.234 in the
authoring table, and refused by the workbook import.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from ntm.core.criteria.model import IndicatorDef, IndicatorKind
from ntm.core.numbers import NumberError, parse_number
from ntm.criteria import forms_authoring
from ntm.values.entry_cells import RawValue, read_cell
from ntm.values.evidence import size_text
from ntm.values.models import IndicatorValue
from ntm.values.validation import AssessmentError, validate_value
from ntm.workbooks.rows import CellValueError, read_number
from ntm.workbooks.tests.test_workbook_cli_api import communes, ky_anh, run  # noqa: F401
from ntm.workbooks.tests.workbook_helpers import fill, template_bytes
from ntm.workbooks.xlsx_reader import SheetCell

NUMBERS_JS = Path(__file__).resolve().parents[1] / "static" / "values" / "numbers.js"
INCOME = IndicatorDef(
    key="t:10", code="10", name_vi="Thu nhập", kind=IndicatorKind.NUMBER, unit="triệu đồng"
)

#: (text, Vietnamese page, English page); None: refused.
SAME_EVERYWHERE = [
    pytest.param("1.234", 1234.0, 1.234, id="dot-before-three-digits"),
    pytest.param("1,234", 1.234, 1234.0, id="comma-before-three-digits"),
    pytest.param("1,5", 1.5, 1.5, id="decimal-comma"),
    pytest.param("1.5", 1.5, 1.5, id="decimal-dot"),
    pytest.param("1.234,5", 1234.5, None, id="vietnamese-grouped"),
    pytest.param("1,234.5", None, 1234.5, id="english-grouped"),
    pytest.param("1234.5", 1234.5, 1234.5, id="dot-that-cannot-group"),
    pytest.param("0.125", 0.125, 0.125, id="dot-after-zero"),
    pytest.param("12 345", 12345.0, 12345.0, id="space-groups"),
    pytest.param("1.2.3", None, None, id="bad-grouping"),
    pytest.param("abc", None, None, id="words"),
]

#: Texts on which the JavaScript must answer as the Python parser does, edge cases included.
DIFFERENTIAL = [
    *["1.234", "1,234", "1,5", "1.5", "1.234,5", "1,234.5", "1234.5", "0.125", "12 345"],
    *["1.234.567", "1,234,567", "1.2.3", "1,2,3", "abc", "", "%", "45%", "45 %", "-2,5"],
    *["\u22122,5", "+3", ",5", ".5", "5,", "5.", ",", ".", "+", "-", "+1.234", "-1.234"],
    *["1.234,", "1.234,50", "1.000,000", "00.123", "01.234", "1.234.56", "1.234.5678"],
    *["12.345", "123.456", "1234.567", "1.2345", "1,2345", "-0", "0", "1e5", "NaN", "--1"],
    *["1\u00a0234", "1\u202f234,5", "1" * 501, "1" * 500, "+,5", "-,5", "1.23.456", "12a"],
    *["0,0", "1234,5", "1.234,5,6", "1,234,5", "\u0661\u0662", "1_000", "1'234"],
]


def _python(text: str, locale: str) -> float | None:
    try:
        return parse_number(text, locale=locale)
    except NumberError:
        return None


def _form(text: str, *, grid: bool) -> float | None:
    read = read_cell(
        INCOME,
        RawValue(value=text),
        unit_id=1,
        observed_on=dt.date(2020, 12, 31),
        in_force=None,
        batch_source="grid" if grid else None,
    )
    return read.cell.value if read.cell else None


def _authoring(text: str) -> float | None:
    try:
        value = forms_authoring.parse_number(text)
    except NumberError:
        return None
    field = forms_authoring.NumberField(required=False)
    assert field.clean(text) == value  # the "Hệ số" field reads as the threshold table
    return value


def _workbook(text: str) -> float | None:
    try:
        return read_number(SheetCell(text, "s", "General"), percent_unit=False)
    except CellValueError:
        return None


@pytest.mark.parametrize(("text", "vietnamese", "english"), SAME_EVERYWHERE)
def test_every_server_path_reads_a_text_the_same_way(text, vietnamese, english):
    for language, expected in (("vi", vietnamese), ("en", english)):
        with translation.override(language):
            answers = {
                "parser": _python(text, language),
                "entry form": _form(text, grid=False),
                "grid": _form(text, grid=True),
                "authoring": _authoring(text),
                "workbook text cell": _workbook(text),
            }
        assert answers == dict.fromkeys(answers, expected), language


def _javascript(texts: list[str], locale: str) -> list[float | None]:
    script = (
        "const n = require(process.argv[1]);"
        "const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(texts.map(t => { const v = n.parse(t, process.argv[2]);"
        " return Number.isNaN(v) ? null : v; })));"
    )
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    done = subprocess.run(
        [node, "-e", script, str(NUMBERS_JS), locale],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_the_grid_javascript_reads_numbers_as_the_server(locale):
    expected = [_python(text, locale) for text in DIFFERENTIAL]
    assert _javascript(DIFFERENTIAL, locale) == expected


@pytest.mark.django_db
def test_a_workbook_text_cell_1_234_is_imported_as_1234(ky_anh, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "text-numbers.xlsx"
    path.write_bytes(
        fill(
            template_bytes(communes(ky_anh), parent=ky_anh["district"]),
            {("18793", "10"): {"value": "1.234"}, ("18838", "10"): {"value": "1.234,5"}},
        )
    )
    code, out, err = run(capsys, "import", path)
    assert (code, err) == (0, "")
    assert sorted(
        IndicatorValue.objects.filter(unit__code__in=["18793", "18838"]).values_list(
            "unit__code", "value"
        )
    ) == [("18793", 1234.0), ("18838", 1234.5)]


@pytest.mark.parametrize(
    ("value", "vietnamese", "english"),
    [
        pytest.param(1234567.0, "1234567", "1234567", id="millions-not-in-exponent-form"),
        pytest.param(2.5, "2,5", "2.5", id="decimal"),
        pytest.param(1.234, "1,234", "1.234", id="three-decimals-exact"),
    ],
)
def test_an_authoring_threshold_shows_as_typed_and_reads_back(value, vietnamese, english):
    for language, expected in (("vi", vietnamese), ("en", english)):
        with translation.override(language):
            shown = forms_authoring.number_text(value)
            assert (shown, forms_authoring.parse_number(shown)) == (expected, value)


@pytest.mark.parametrize(("language", "shown"), [("vi", "-1.234.567,5"), ("en", "-1,234,567.5")])
def test_a_number_in_a_message_is_written_as_the_pages_write_it(language, shown):
    """Messages wrote f"{value:g}": "-1.23457e+06", with an English dot on Vietnamese pages."""
    with translation.override(language), pytest.raises(AssessmentError) as refused:
        validate_value(INCOME, value=-1234567.5, numerator=None, denominator=None, is_met=None)
    assert f" {shown} " in str(refused.value)


@pytest.mark.parametrize(("language", "shown"), [("vi", "1,5 KB"), ("en", "1.5 KB")])
def test_a_file_size_is_written_in_the_page_language(language, shown):
    """Sizes were written with a comma on English pages too."""
    with translation.override(language):
        assert size_text(1536) == shown
