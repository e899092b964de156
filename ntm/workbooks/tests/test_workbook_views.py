"""The Excel pages: download, upload, preview, confirm; every refusal with its exact
message, and nothing written when a file is refused."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from ntm.audit.models import AuditEntry
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, VARIANT_SET, make_ky_anh, make_user, write_sets
from ntm.values import services
from ntm.values.models import IndicatorValue
from ntm.workbooks import jobs
from ntm.workbooks.codes import CODES_SHEET
from ntm.workbooks.tests.workbook_helpers import (
    column_index,
    edit,
    fill,
    find_row,
    save,
    template_bytes,
    zip_without,
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    settings.NTM_WORKBOOK_JOBS = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ky_anh(tmp_path):
    load_criteria_sets(write_sets(tmp_path / "sets", COMMUNE_SET, VARIANT_SET))
    units = make_ky_anh()
    services.record_value(
        unit=units["ky_lac"],
        indicator_key="test-commune:10",
        observed_on=dt.date(2020, 6, 30),
        value=40.0,
        source="Báo cáo xã",
    )
    return units


@pytest.fixture
def office(client, ky_anh):
    """The province coordination office (approver), signed in."""
    client.force_login(make_user("hatinh", role="approver", unit=ky_anh["province"]))
    return client


def communes(units):
    return [units["ky_lac"], units["ky_tay"], units["lam_hop"]]


def district_template(units, **kwargs) -> bytes:
    return template_bytes(communes(units), parent=units["district"], **kwargs)


def upload(client, unit, content: bytes, *, set_id="test-commune", period="2020", name="mau.xlsx"):
    """Upload on the unit's page; returns (state of the upload, page HTML)."""
    response = client.post(
        reverse("web:workbook-upload-file", args=[unit.id]),
        {
            "file": SimpleUploadedFile(name, content, content_type=XLSX),
            "set": set_id,
            "period": period,
        },
    )
    assert response.status_code == 302, response.content[:500]
    page = client.get(response["Location"])
    assert page.status_code == 200
    token = response["Location"].rstrip("/").split("/")[-1]
    user_id = int(client.session["_auth_user_id"])
    return jobs.find_upload(user_id=user_id, token=token), page.content.decode()


def snapshot():
    return (
        sorted(IndicatorValue.objects.values_list("id", "value", "is_current")),
        AuditEntry.objects.count(),
    )


# --- Download -----------------------------------------------------------------------------


def test_unit_page_links_to_excel_only_for_users_who_enter_values(client, ky_anh):
    url = reverse("web:unit", args=[ky_anh["district"].id]) + "?as_of=2020-12-31"
    client.force_login(make_user("viewer", role="viewer", unit=ky_anh["province"]))
    assert 'data-testid="workbook-link"' not in client.get(url).content.decode()
    client.force_login(make_user("office", role="approver", unit=ky_anh["province"]))
    assert 'data-testid="workbook-link"' in client.get(url).content.decode()


def test_office_downloads_the_template_of_all_communes_of_the_district(office, ky_anh):
    url = reverse("web:workbook-template", args=[ky_anh["district"].id])
    response = office.get(url, {"set": "test-commune", "period": "2020"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="mau-test-commune-2020-huyen-ky-anh.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A2"].value.startswith(
        "Kỳ 2020, số liệu tại ngày 31/12/2020 · 3 xã của Huyện Kỳ Anh"
    )


def test_template_of_a_period_not_yet_ended_is_refused_with_the_reason(office, ky_anh):
    today = timezone.localdate()
    response = office.get(
        reverse("web:workbook-template", args=[ky_anh["district"].id]),
        {"set": "test-commune", "period": str(today.year + 1)},
    )
    assert response.status_code == 400
    assert (
        f"Kỳ {today.year + 1} chưa kết thúc (số liệu của kỳ ghi vào ngày 31/12/{today.year + 1}). "
        f"Chọn một kỳ đã kết thúc, hoặc một ngày cụ thể, ví dụ {today.isoformat()}."
    ) in response.content.decode()


def test_template_of_an_unreadable_period_is_refused(office, ky_anh):
    response = office.get(
        reverse("web:workbook-template", args=[ky_anh["district"].id]),
        {"set": "test-commune", "period": "năm ngoái"},
    )
    assert response.status_code == 400
    assert (
        "Kỳ “năm ngoái” không hợp lệ: ghi một năm (2024), nửa năm (2024-H1), quý (2024-Q3), "
        "tháng (2024-06) hoặc một ngày (2021-09-25)."
    ) in response.content.decode()


def test_viewer_may_not_open_the_excel_pages_and_another_communes_user_gets_404(client, ky_anh):
    client.force_login(make_user("viewer", role="viewer", unit=ky_anh["province"]))
    page = reverse("web:unit-workbook", args=[ky_anh["district"].id])
    assert client.get(page).status_code == 403
    response = client.post(
        reverse("web:workbook-upload-file", args=[ky_anh["district"].id]),
        {"file": SimpleUploadedFile("a.xlsx", b"x"), "set": "test-commune", "period": "2020"},
    )
    assert response.status_code == 403
    client.force_login(make_user("kylac", role="data_entry", unit=ky_anh["ky_lac"]))
    assert client.get(reverse("web:unit-workbook", args=[ky_anh["ky_tay"].id])).status_code == 404
    assert client.get(reverse("web:unit-workbook", args=[ky_anh["ky_lac"].id])).status_code == 200


# --- Upload, preview, confirm ----------------------------------------------------------------


def test_upload_preview_and_confirm_write_the_values_once(office, ky_anh):
    content = fill(
        district_template(ky_anh),
        {
            ("18850", "1.1"): {"value": "Đạt", "source": "QĐ 12"},
            ("18793", "10"): {"value": 38},
            ("18850", "10"): {"value": 42.5},
        },
    )
    before = snapshot()
    upload_, html = upload(office, ky_anh["district"], content)
    assert upload_.status == jobs.PREVIEWED
    assert upload_.state["counts"] == {
        "new": 3,
        "changed": 0,
        "unchanged": 0,
        "blank": 6,
        "problems": 0,
        "warnings": 0,
    }
    assert 'data-testid="confirm"' in html
    assert "Ghi 3 số liệu vào ngày 31/12/2020?" in html
    assert "40 triệu đồng/người/năm" in html and "42,5 triệu đồng/người/năm" in html
    assert snapshot() == before  # a preview writes nothing

    response = office.post(
        reverse("web:workbook-confirm", args=[ky_anh["district"].id, upload_.token])
    )
    assert response.status_code == 302
    done = office.get(response["Location"]).content.decode()
    assert "Đã ghi 3 số liệu." in done
    assert not upload_.file.exists()  # the file is removed once written
    assert IndicatorValue.objects.filter(observed_on=dt.date(2020, 12, 31)).count() == 3
    assert set(
        AuditEntry.objects.filter(channel="web").values_list("action", "actor__username")
    ) == {("value.create", "hatinh")}

    again, _html = upload(office, ky_anh["district"], content)
    assert (again.state["counts"]["new"], again.state["counts"]["changed"]) == (0, 0)
    assert again.state["counts"]["unchanged"] == 3


def test_confirm_after_values_changed_meanwhile_writes_nothing_and_shows_the_new_preview(
    office, ky_anh
):
    content = fill(district_template(ky_anh), {("18793", "10"): {"value": 38}})
    upload_, _html = upload(office, ky_anh["district"], content)
    services.record_value(
        unit=ky_anh["ky_tay"],
        indicator_key="test-commune:10",
        observed_on=dt.date(2020, 12, 31),
        value=30.0,
    )
    office.post(reverse("web:workbook-confirm", args=[ky_anh["district"].id, upload_.token]))
    state = jobs.find_upload(user_id=int(upload_.directory.parent.name), token=upload_.token)
    assert state.status == jobs.PREVIEWED
    assert state.state["message"] == (
        "Số liệu trong hệ thống đã thay đổi từ lúc xem trước; không ghi gì. Hãy xem lại bản xem trước mới."
    )
    # The template was made before 30 was saved: its row is refused with the newer value.
    assert (state.state["counts"]["new"], state.state["counts"]["changed"]) == (0, 0)
    assert "sửa thành 30" in str(state.state), state.state
    assert list(
        IndicatorValue.objects.filter(unit=ky_anh["ky_tay"]).values_list("value", flat=True)
    ) == [30.0]


def test_cancel_removes_the_uploaded_file(office, ky_anh):
    upload_, _html = upload(office, ky_anh["district"], district_template(ky_anh))
    office.post(reverse("web:workbook-cancel", args=[ky_anh["district"].id, upload_.token]))
    assert not upload_.directory.exists()


def test_an_upload_belongs_to_its_user(office, client, ky_anh):
    upload_, _html = upload(office, ky_anh["district"], district_template(ky_anh))
    client.force_login(make_user("other", role="approver", unit=ky_anh["province"]))
    url = reverse("web:workbook-upload", args=[ky_anh["district"].id, upload_.token])
    assert client.get(url).status_code == 404
    assert client.post(url + "confirm/").status_code == 404


def test_uploads_older_than_a_day_are_swept(office, ky_anh):
    upload_, _html = upload(office, ky_anh["district"], district_template(ky_anh))
    old = time.time() - 2 * 24 * 3600
    os.utime(upload_.directory, (old, old))
    assert jobs.sweep() == 1
    assert not upload_.directory.exists()


# --- Files refused whole ----------------------------------------------------------------------


def _foreign(units) -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "Bảng tự làm"
    return save(workbook)


def _tampered(units) -> bytes:
    def change(workbook):
        sheet = workbook[CODES_SHEET]
        for row in sheet.iter_rows():
            if row[0].value == "unit" and row[2].value == "18793":
                row[1].value = str(units["new_ky_lac"].id)

    return edit(district_template(units), change)


def _column_inserted(units) -> bytes:
    return edit(district_template(units), lambda wb: wb.worksheets[0].insert_cols(3))


def _sheet_renamed(units) -> bytes:
    def change(workbook):
        workbook.worksheets[0].title = "Data"

    return edit(district_template(units), change)


def _another_set(units) -> bytes:
    return district_template(units, set_id="test-province-commune")


def _another_period(units) -> bytes:
    return district_template(units, period="2019")


def _xls(units) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512


def _zip_not_xlsx(units) -> bytes:
    return zip_without(district_template(units), "xl/workbook.xml")


FILE_REFUSALS = [
    pytest.param(
        lambda u: "Mã,Giá trị\n18850,40\n".encode(),
        "Tệp không phải là tệp Excel .xlsx (không đọc được). Hãy tải lên đúng tệp mẫu đã điền, lưu dạng .xlsx.",
        id="not a zip (csv)",
    ),
    pytest.param(
        _xls,
        "Tệp là sổ tính Excel cũ (.xls) hoặc tệp Excel có đặt mật khẩu. Hãy mở tệp bằng Excel, "
        "bỏ mật khẩu nếu có, rồi lưu lại dạng “Excel Workbook (.xlsx)”.",
        id="old xls",
    ),
    pytest.param(
        _zip_not_xlsx,
        "Tệp nén này không phải sổ tính Excel .xlsx (thiếu phần xl/workbook.xml).",
        id="zip, not xlsx",
    ),
    pytest.param(
        _foreign,
        "Tệp không phải mẫu nhập liệu của ntm: không có sheet mã “_ntm”. Hãy tải mẫu từ trang "
        "“Nhập, xuất Excel” của đơn vị rồi điền vào mẫu đó.",
        id="foreign workbook",
    ),
    pytest.param(
        _tampered,
        "Sheet mã của mẫu đã bị sửa, hoặc mẫu được tạo từ một hệ thống ntm khác: chữ ký không "
        "khớp. Hãy tải lại mẫu và chép số liệu sang.",
        id="tampered codes sheet",
    ),
    pytest.param(
        _another_set,
        "Tệp là mẫu của bộ tiêu chí “Bộ tiêu chí xã của tỉnh (thử)”, không phải bộ “Bộ tiêu chí "
        "xã (thử)” đang chọn. Chọn đúng bộ tiêu chí, hoặc tải mẫu của bộ này.",
        id="template of another set",
    ),
    pytest.param(
        _another_period,
        "Tệp là mẫu của kỳ 2019, không phải kỳ 2020 đang chọn.",
        id="template of another period",
    ),
    pytest.param(
        _column_inserted,
        "Sheet “Số liệu”, dòng 4, cột C: tiêu đề là “”, cần “Chỉ tiêu”. Đừng chèn, xoá hay đổi "
        "chỗ các cột của mẫu.",
        id="column inserted",
    ),
    pytest.param(
        _sheet_renamed,
        "Không có sheet “Số liệu” trong tệp: đừng đổi tên hay xoá sheet của mẫu.",
        id="data sheet renamed",
    ),
]


@pytest.mark.parametrize(("make", "message"), FILE_REFUSALS)
def test_broken_or_foreign_files_are_refused_whole_with_the_reason(office, ky_anh, make, message):
    content = make(ky_anh)
    before = snapshot()
    upload_, html = upload(office, ky_anh["district"], content)
    assert upload_.status == jobs.REFUSED
    assert upload_.state["message"] == message
    assert 'data-testid="refusal"' in html and "Không ghi gì." in html
    assert snapshot() == before


def post_upload(client, unit, content: bytes, *, period="2020", name="mau.xlsx"):
    """Upload and follow the redirect back to the page (a refusal before any reading)."""
    return client.post(
        reverse("web:workbook-upload-file", args=[unit.id]),
        {
            "file": SimpleUploadedFile(name, content, content_type=XLSX),
            "set": "test-commune",
            "period": period,
        },
        follow=True,
    ).content.decode()


def no_uploads_kept() -> bool:
    return not jobs.root().exists() or not any(jobs.root().glob("*/*"))


def test_an_empty_file_is_refused_before_reading(office, ky_anh):
    html = post_upload(office, ky_anh["district"], b"")
    assert "Tệp rỗng (0 byte): không có gì để nhập." in html
    assert no_uploads_kept()


def test_a_period_not_yet_ended_is_refused(office, ky_anh):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    content = template_bytes(
        communes(ky_anh), parent=ky_anh["district"], period=tomorrow.isoformat()
    )
    html = post_upload(office, ky_anh["district"], content, period=tomorrow.isoformat())
    assert (
        f"Kỳ {tomorrow.isoformat()} chưa kết thúc (số liệu của kỳ ghi vào ngày "
        f"{tomorrow.strftime('%d/%m/%Y')}). Chọn một kỳ đã kết thúc, hoặc một ngày cụ thể, "
        f"ví dụ {today.isoformat()}."
    ) in html
    assert no_uploads_kept()


def test_a_template_whose_units_changed_since_is_refused(office, ky_anh):
    content = district_template(ky_anh)
    ky_anh["lam_hop"].valid_to = dt.date(2024, 1, 1)
    ky_anh["lam_hop"].save()
    upload_, _html = upload(office, ky_anh["district"], content)
    assert upload_.state["message"] == (
        "Đơn vị Xã Lâm Hợp (mã 18838) của mẫu không còn khớp với danh mục đơn vị hành chính. "
        "Hãy tải lại mẫu."
    )


def test_a_file_over_the_size_limit_is_refused_before_reading(office, ky_anh, monkeypatch):
    monkeypatch.setattr("ntm.workbooks.reading.MAX_UPLOAD_BYTES", 1024 * 1024)
    html = post_upload(office, ky_anh["district"], b"0" * (1536 * 1024), name="big.xlsx")
    assert (
        "Tệp quá lớn: 1,5 MB, giới hạn là 1 MB. Một mẫu 200 xã chưa đến 1 MB; hãy dùng đúng mẫu "
        "tải từ hệ thống."
    ) in html
    assert no_uploads_kept()


def test_a_commune_user_may_not_import_a_file_with_other_communes(client, ky_anh):
    content = fill(district_template(ky_anh), {("18850", "10"): {"value": 41}})
    client.force_login(make_user("kylac", role="data_entry", unit=ky_anh["ky_lac"]))
    before = snapshot()
    upload_, _html = upload(client, ky_anh["ky_lac"], content)
    assert upload_.state["message"] == (
        "Tệp có đơn vị không thuộc Xã Kỳ Lạc: Xã Kỳ Tây, Xã Lâm Hợp. Hãy nhập tệp ở trang của "
        "đơn vị đã tải mẫu."
    )
    assert snapshot() == before


# --- Rows with problems: listed with sheet, row, column, value and why ----------------------------


ROW_PROBLEMS = [
    pytest.param(
        {("18793", "10"): {"value": "=40+1"}},
        (
            15,
            "H",
            "=40+1",
            "Ô chứa công thức; hãy nhập giá trị (khi dán, dùng Dán đặc biệt → Giá trị).",
        ),
        id="formula in a value cell",
    ),
    pytest.param(
        {("18793", "10"): {"value": "nhiều"}},
        (15, "H", "nhiều", "Giá trị không phải là số."),
        id="text where a number goes",
    ),
    pytest.param(
        {("18793", "10"): {"value": dt.date(2020, 5, 1)}},
        (
            15,
            "H",
            "01/05/2020",
            "Giá trị là ngày tháng, cần một số. Định dạng ô về dạng số (General/Number).",
        ),
        id="date where a number goes",
    ),
    pytest.param(
        {("18793", "1.1"): {"value": "Có lẽ"}},
        (7, "H", "Có lẽ", "Giá trị cần ghi “Đạt” hoặc “Chưa đạt”."),
        id="judgement not Đạt or Chưa đạt",
    ),
    pytest.param(
        {("18793", "10"): {"value": -5}},
        (15, "H", "-5", "10 (Thu nhập bình quân đầu người): giá trị -5 không được âm."),
        id="negative number",
    ),
    pytest.param(
        {("18793", "2.1"): {"numerator": 12, "denominator": 10}},
        (
            11,
            "I–J",
            "12 / 10",
            "2.1 (Đường trục xã được cứng hóa): tử số (12) lớn hơn mẫu số (10).",
        ),
        id="ratio over 100 %",
    ),
    pytest.param(
        {("18793", "2.1"): {"value": 80}},
        (
            11,
            "H",
            "80",
            "Chỉ tiêu 2.1 là tỷ lệ: nhập tử số và mẫu số ở cột I và J, để trống cột này.",
        ),
        id="ratio given as one number",
    ),
    pytest.param(
        {("18793", "10"): {"value": 40, "unit_id": None, "unit_code": "99999"}},
        (
            15,
            "F",
            "99999",
            "Mã đơn vị “99999” không có trong mẫu này (mẫu gồm: Xã Kỳ Lạc, Xã Kỳ Tây, Xã Lâm Hợp). "
            "Đừng sửa cột mã đơn vị.",
        ),
        id="unknown unit code",
    ),
    pytest.param(
        {("18793", "10"): {"value": 40, "indicator_code": "9.9"}},
        (
            15,
            "B",
            "9.9",
            "Mã chỉ tiêu “9.9” không có trong bộ tiêu chí của mẫu. Đừng sửa cột mã chỉ tiêu.",
        ),
        id="unknown indicator code",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), ROW_PROBLEMS)
def test_rows_with_problems_are_listed_and_nothing_is_written(office, ky_anh, edits, expected):
    content = fill(district_template(ky_anh), {**edits, ("18850", "1.1"): {"value": "Đạt"}})
    before = snapshot()
    upload_, html = upload(office, ky_anh["district"], content)
    assert upload_.status == jobs.PREVIEWED
    problems = [
        (p["sheet"], p["row"], p["column"], p["value"], p["message"])
        for p in upload_.state["problems"]
    ]
    assert problems == [("Số liệu", *expected)]
    assert 'data-testid="confirm"' not in html
    assert expected[3] in html
    # Confirming anyway writes nothing.
    office.post(reverse("web:workbook-confirm", args=[ky_anh["district"].id, upload_.token]))
    assert snapshot() == before


def test_duplicate_rows_are_refused_with_the_first_row_named(office, ky_anh):
    def change(workbook):
        sheet = workbook.worksheets[0]
        row = find_row(sheet, "18793", "10")
        sheet.cell(row, column_index()["value"] + 1).value = 38
        sheet.append([cell.value for cell in sheet[row]])

    content = edit(district_template(ky_anh), change)
    before = snapshot()
    upload_, _html = upload(office, ky_anh["district"], content)
    assert [(p["row"], p["column"], p["message"]) for p in upload_.state["problems"]] == [
        (17, "F", "Trùng với dòng 15: cùng đơn vị Xã Kỳ Tây và chỉ tiêu 10.")
    ]
    assert snapshot() == before


def test_preview_state_is_plain_json(office, ky_anh):
    upload_, _html = upload(office, ky_anh["district"], district_template(ky_anh))
    state = json.loads((upload_.directory / "state.json").read_text("utf-8"))
    assert state["set_id"] == "test-commune" and state["period"] == "2020"
