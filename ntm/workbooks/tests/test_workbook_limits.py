"""Uploaded workbooks are read within bounds: declared and real rows, unpacked sizes,
and at most 200 problems listed (the rest counted) in the page, the API and the CLI."""

from __future__ import annotations

import io
import json
import re
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ntm import cli
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.units.models import AdminUnit
from ntm.workbooks.codes import FIRST_DATA_ROW
from ntm.workbooks.importing import preview_workbook
from ntm.workbooks.limits import MAX_PROBLEMS, MAX_UNPACKED_BYTES, data_row_limit
from ntm.workbooks.reading import WorkbookRefused
from ntm.workbooks.tests.workbook_helpers import column_index, save, template_bytes

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def ky_anh(tmp_path):
    load_criteria_sets(write_sets(tmp_path / "sets", COMMUNE_SET))
    return make_ky_anh()


def communes(units):
    return [units["ky_lac"], units["ky_tay"], units["lam_hop"]]


def _rewrite(content: bytes, name: str, change) -> bytes:
    """The file with member `name` replaced by change(old bytes) (streamed when large)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        with target.open(name, "w", force_zip64=True) as member:
            for chunk in change(source.read(name) if name in source.namelist() else b""):
                member.write(chunk)
    return buffer.getvalue()


def _bounded(call) -> tuple[Exception | None, int]:
    tracemalloc.start()
    try:
        call()
    except WorkbookRefused as refused:
        return refused, tracemalloc.get_traced_memory()[1]
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return None, peak


def test_a_sheet_declaring_a_million_rows_is_refused_before_any_row_is_read(ky_anh):
    content = template_bytes(communes(ky_anh), parent=ky_anh["district"])
    declared = _rewrite(
        content,
        SHEET,
        lambda xml: [
            re.sub(rb'<dimension ref="A1:([A-Z]+)\d+"', rb'<dimension ref="A1:\g<1>1000000"', xml)
        ],
    )
    with pytest.raises(WorkbookRefused) as refused:
        preview_workbook(declared, user=None)
    limit = data_row_limit(4, 3, 3)
    assert refused.value.message.startswith(
        f"Sheet “Số liệu” có 1000000 dòng, quá giới hạn {limit} dòng"
    )


def test_a_sheet_with_a_hundred_thousand_rows_stops_at_the_templates_last_row(ky_anh):
    """No dimension, rows really there: reading stops past the template's rows."""
    content = template_bytes(communes(ky_anh), parent=ky_anh["district"])

    def many_rows(xml: bytes):
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        head, tail = xml.split(b"</sheetData>")
        yield head
        for number in range(100, 100_100):
            yield b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (
                number,
                number,
            )
        yield b"</sheetData>" + tail

    crafted = _rewrite(content, SHEET, many_rows)
    assert len(crafted) < 1024 * 1024
    refused, peak = _bounded(lambda: preview_workbook(crafted, user=None))
    assert refused is not None
    assert f"quá giới hạn {data_row_limit(4, 3, 3)} dòng" in refused.message
    assert peak < 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("size", "says"),
    [
        (MAX_UNPACKED_BYTES // (1024 * 1024) + 36, "giải nén ra 100 MB, quá giới hạn 64 MB"),
        (40, "nén "),  # under the size bound, but packed a thousand times
    ],
)
def test_huge_shared_strings_are_refused_from_the_central_directory(ky_anh, size, says):
    content = template_bytes(communes(ky_anh), parent=ky_anh["district"])

    def strings(_old: bytes):
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        for _ in range(size):
            yield b"<si><t>a</t></si>" * (1024 * 1024 // 17)
        yield b"</sst>"

    crafted = _rewrite(content, "xl/sharedStrings.xml", strings)
    assert len(crafted) < 1024 * 1024
    refused, peak = _bounded(lambda: preview_workbook(crafted, user=None))
    assert refused is not None
    assert refused.message.startswith(
        "Tệp không phải một mẫu nhập liệu: phần “xl/sharedStrings.xml”"
    )
    assert says in refused.message
    assert peak < 5 * 1024 * 1024


@pytest.fixture
def many_communes(ky_anh):
    """340 communes of Kỳ Anh: 1,020 data rows of the three-indicator test set."""
    district = ky_anh["district"]
    AdminUnit.objects.bulk_create(
        AdminUnit(
            code=f"9{number:04d}",
            name=f"Xã Thử {number}",
            short_name=f"Thử {number}",
            kind="commune",
            level="commune",
            parent=district,
            valid_to=district.valid_to,
            region="BTB",
            source="user",
        )
        for number in range(340)
    )
    return list(AdminUnit.objects.filter(parent=district, code__startswith="9").order_by("code"))


def _five_bad_cells_a_row(content: bytes) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    index = column_index()
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW):
        if row[index["indicator_code"]].value:
            for key in ("value", "numerator", "denominator", "source", "note"):
                row[index[key]].value = "=1+1"
    return save(workbook)


def test_5100_bad_cells_list_200_problems_and_count_the_others(
    ky_anh, many_communes, client, tmp_path, capsys, settings
):
    content = _five_bad_cells_a_row(template_bytes(many_communes, parent=ky_anh["district"]))
    result = preview_workbook(content, user=None)
    assert (len(result.problems), result.more_problems) == (MAX_PROBLEMS, 5100 - MAX_PROBLEMS)
    assert result.counts["problems"] == 5100 and not result.is_valid
    assert result.more_problems_text == "… và 4900 lỗi khác."

    client.force_login(make_user("office", role="approver", unit=ky_anh["province"]))
    response = client.post(
        "/api/workbooks/import", {"file": SimpleUploadedFile("ky-anh.xlsx", content)}
    )
    body = response.json()
    assert response.status_code == 422
    assert (len(body["problems"]), body["more_problems"], body["counts"]["problems"]) == (
        200,
        4900,
        5100,
    )
    assert body["more_problems_text"] == "… và 4900 lỗi khác."
    assert len(response.content) < 100 * 1024

    settings.NTM_WORKBOOK_JOBS = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"
    district = ky_anh["district"]
    posted = client.post(
        reverse("web:workbook-upload-file", args=[district.id]),
        {"file": SimpleUploadedFile("ky-anh.xlsx", content), "set": "test-commune",
         "period": "2020"},
    )  # fmt: skip
    page = client.get(posted["Location"]).content.decode()
    assert "5100 lỗi: không ghi gì cho đến khi sửa hết" in page
    assert page.count("<tr>") < 400 and "… và 4900 lỗi khác." in page

    path = tmp_path / "ky-anh.xlsx"
    path.write_bytes(content)
    code = cli.main(["import", str(path), "--dry-run", "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (len(printed["problems"]), printed["more_problems"]) == (200, 4900)
    assert printed["more_problems_text"] == "… và 4900 lỗi khác."
