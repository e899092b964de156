"""The assessment form as a commune official meets it: values, live status, evidence,
draft and submit, history; and every refusal, with nothing changed after it."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ntm.approvals.models import Submission, SubmissionStatusChoices
from ntm.audit.models import AuditEntry
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, assert_served_as_upload, make_ky_anh, make_user, write_sets
from ntm.values import services
from ntm.values.models import EvidenceFile, IndicatorValue

pytestmark = pytest.mark.django_db

D = dt.date
YEAR_END = D(2021, 12, 31)

#: The test commune set plus a percentage measured as a number (for the 0-100 check).
ENTRY_SET = {
    **COMMUNE_SET,
    "criteria": [
        *COMMUNE_SET["criteria"],
        {
            "number": "17",
            "name_vi": "Môi trường",
            "indicators": [
                {
                    "code": "17.1",
                    "name_vi": "Tỷ lệ hộ dùng nước sạch",
                    "kind": "number",
                    "unit": "%",
                    "comparator": ">=",
                    "thresholds": [{"value": 95, "confidence": "verified"}],
                }
            ],
        },
    ],
}
INCOME = "test-commune:10"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def units(tmp_path):
    load_criteria_sets(write_sets(tmp_path / "sets", ENTRY_SET))
    return make_ky_anh()


@pytest.fixture
def clerk(units):
    return make_user("kylac", role="data_entry", unit=units["ky_lac"])


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def url(units, period="2021", name="entry"):
    return f"/units/{units['ky_lac'].pk}/{name}/?set=test-commune&period={period}"


def text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def snapshot():
    """Everything a refused post must leave as it was."""
    return (
        list(IndicatorValue.objects.order_by("pk").values_list("pk", "value", "is_current")),
        AuditEntry.objects.count(),
        list(Submission.objects.values_list("pk", "status")),
        EvidenceFile.objects.count(),
    )


def pdf(name="bien-ban.pdf", size=600):
    body = b"%PDF-1.7\n1 0 obj <<>> endobj\n" + b"0" * max(0, size - 40) + b"\n%%EOF"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx(name="bao-cao.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


# --- What the form shows ------------------------------------------------------------------


def test_form_groups_indicators_by_criterion_with_threshold_unit_and_current_value(
    clerk_client, units
):
    services.record_value(
        unit=units["ky_lac"], indicator_key=INCOME, observed_on=D(2021, 6, 30), value=31.5
    )
    page = clerk_client.get(url(units))
    assert page.status_code == 200
    body = text(page)
    assert "10. Thu nhập" in body and "17. Môi trường" in body
    assert "Yêu cầu: ≥ 36 triệu đồng/người/năm" in body  # Bắc Trung Bộ, from 2020
    assert 'name="v-10" value="31,5"' in page.content.decode()
    assert "Số liệu hiện có (ngày 30/06/2021): 31,5 triệu đồng/người/năm" in body
    assert 'name="n-2-1"' in page.content.decode() and "km cứng hóa" in body  # two numbers
    assert 'name="j-1-1" value="met"' in page.content.decode()  # Đạt / Chưa đạt
    assert "0/5 tiêu chí đạt" in body
    assert "Năm 2021" in body and "31/12/2021" in body


def test_an_indicator_without_a_threshold_for_the_year_needs_confirmation(clerk_client, units):
    body = text(clerk_client.get(url(units, period="2019")))
    assert "Ngưỡng cần xác nhận" in body  # income levels start in 2020


def test_a_certified_criterion_shows_its_certification(clerk_client, units):
    services.certify_criterion(
        unit=units["ky_lac"],
        criterion_key="test-commune:19",
        is_met=True,
        certified_on=D(2021, 9, 25),
        document_number="15/XN-CA",
    )
    body = text(clerk_client.get(url(units)))
    assert "Xác nhận cả tiêu chí: đạt (15/XN-CA, 25/09/2021)" in body
    assert "1/5 tiêu chí đạt" in body


# --- Live preview ---------------------------------------------------------------------------


def test_preview_shows_the_status_typed_values_give_and_writes_nothing(clerk_client, units):
    before = snapshot()
    response = clerk_client.post(
        url(units, name="entry/preview"), {"v-10": "38,5"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="entry-met">1/5<' in html
    assert re.search(r'data-testid="status-10">Đạt<', html)
    assert "Sẽ lưu 1 giá trị (1 mới, 0 sửa)" in text(response)
    assert snapshot() == before


def test_preview_puts_a_problem_next_to_its_field(clerk_client, units):
    response = clerk_client.post(url(units, name="entry/preview"), {"v-10": "-3"})
    html = response.content.decode()
    problems = re.search(r'id="problems-10"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "giá trị -3 không được âm" in problems
    assert 'data-testid="entry-met">0/5<' in html


def test_a_value_after_a_certification_replaces_it_in_the_preview_not_on_its_day(
    clerk_client, units
):
    services.certify_criterion(
        unit=units["ky_lac"], criterion_key=INCOME, is_met=False, certified_on=D(2021, 9, 25)
    )
    later = clerk_client.post(url(units, name="entry/preview"), {"v-10": "38"})
    assert 'data-testid="entry-met">1/5<' in later.content.decode()
    same_day = clerk_client.post(url(units, "2021-09-25", "entry/preview"), {"v-10": "38"})
    assert 'data-testid="entry-met">0/5<' in same_day.content.decode()


# --- Saving -----------------------------------------------------------------------------------


def test_save_as_draft_writes_values_audited_and_marks_the_period_draft(clerk_client, units, clerk):
    response = clerk_client.post(
        url(units),
        {
            "v-10": "38,5",
            "src-10": "Chi cục Thống kê",
            "n-2-1": "8",
            "d-2-1": "10,3",
            "j-1-1": "met",
            "reason": "Tự đánh giá năm 2021",
            "action": "draft",
        },
    )
    assert response.status_code == 302 and response.url == url(units)
    income = IndicatorValue.objects.get(indicator_key=INCOME, is_current=True)
    assert (income.value, income.observed_on, income.source, income.entered_by) == (
        38.5,
        YEAR_END,
        "Chi cục Thống kê",
        clerk,
    )
    ratio = IndicatorValue.objects.get(indicator_key="test-commune:2.1")
    assert (ratio.numerator, ratio.denominator) == (8.0, 10.3)
    assert IndicatorValue.objects.get(indicator_key="test-commune:1.1").is_met is True
    entries = AuditEntry.objects.filter(action="value.create")
    assert entries.count() == 3
    assert {e.channel for e in entries} == {"web"}
    assert {e.reason for e in entries} == {"Tự đánh giá năm 2021"}
    submission = Submission.objects.get()
    assert (submission.status, submission.period, submission.observed_on) == (
        SubmissionStatusChoices.DRAFT,
        "2021",
        YEAR_END,
    )
    page = clerk_client.get(response.url)
    assert "Đã lưu 3 giá trị." in text(page)
    assert "Bản nháp" in text(page)


def test_submit_saves_and_marks_the_period_submitted(clerk_client, units, clerk):
    clerk_client.post(url(units), {"v-10": "37", "action": "draft"})
    response = clerk_client.post(url(units), {"v-10": "37", "action": "submit"})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.status, submission.submitted_by) == ("submitted", clerk)
    assert IndicatorValue.objects.count() == 1  # the same value again writes nothing
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["value.create", "submission.create", "submission.submit"]


def test_saving_the_same_form_twice_changes_nothing_the_second_time(clerk_client, units):
    data = {"v-10": "38", "src-10": "Báo cáo xã", "action": "draft"}
    clerk_client.post(url(units), data)
    before = snapshot()
    response = clerk_client.post(url(units), data)
    assert response.status_code == 302
    assert snapshot() == before
    assert "Không có giá trị nào thay đổi." in text(clerk_client.get(response.url))


def test_a_correction_keeps_history_with_who_when_old_and_new(clerk_client, units):
    clerk_client.post(url(units), {"v-10": "33", "action": "draft"})
    clerk_client.post(url(units), {"v-10": "36,5", "reason": "Số liệu thống kê", "action": "draft"})
    values = IndicatorValue.objects.order_by("id")
    assert [(v.value, v.is_current) for v in values] == [(33.0, False), (36.5, True)]
    history = clerk_client.get(
        f"/units/{units['ky_lac'].pk}/entry/history/?key={INCOME}", HTTP_HX_REQUEST="true"
    )
    body = text(history)
    assert "33 → 36,5" in body
    assert "kylac" in body and "Lý do: Số liệu thống kê" in body
    assert body.count("31/12/2021") == 2


def test_a_value_carried_from_an_earlier_day_is_not_rewritten_when_left_as_it_is(
    clerk_client, units
):
    services.record_value(
        unit=units["ky_lac"], indicator_key=INCOME, observed_on=D(2021, 6, 30), value=31.5
    )
    before = snapshot()
    response = clerk_client.post(url(units), {"v-10": "31,5", "action": "draft"})
    assert response.status_code == 302
    assert snapshot() == before


BAD_INPUTS = [
    pytest.param({"v-10": "ba mươi"}, "“ba mươi” không phải là số.", id="wrong-type"),
    pytest.param({"v-10": "-3"}, "giá trị -3 không được âm", id="negative"),
    pytest.param({"v-17-1": "120"}, "tỷ lệ phần trăm: 120 nằm ngoài khoảng 0–100", id="over-100"),
    pytest.param(
        {"n-2-1": "12", "d-2-1": "10"}, "tử số (12) lớn hơn mẫu số (10)", id="numerator-over"
    ),
    pytest.param({"n-2-1": "8"}, "cần nhập cả hai số", id="half-a-ratio"),
    pytest.param(
        {"j-1-1": "5"},
        "“5”: chỉ tiêu đánh giá ghi Đạt hoặc Chưa đạt, không ghi số.",
        id="judgement-given-a-number",
    ),  # fmt: skip
    pytest.param({"v-2-1": "80"}, "", id="ignored-field-for-a-ratio"),
    pytest.param({"v-10": "37%"}, "chỉ tiêu này không tính bằng %", id="percent-sign"),
    pytest.param({"src-10": "Báo cáo"}, "Nhập giá trị trước khi ghi nguồn", id="source-alone"),
]


@pytest.mark.parametrize(("data", "message"), BAD_INPUTS)
def test_bad_input_is_refused_with_its_reason_and_nothing_changes(
    clerk_client, units, data, message
):
    before = snapshot()
    response = clerk_client.post(url(units), {**data, "v-1-1": "", "action": "submit"})
    if not message:  # a field the indicator does not have is simply not read
        assert response.status_code == 302
        assert IndicatorValue.objects.count() == 0
        return
    assert response.status_code == 200
    body = text(response)
    assert message in body
    assert "Chưa lưu gì" in body
    assert snapshot() == before


def test_one_bad_field_keeps_the_good_ones_unsaved_and_shown(clerk_client, units):
    before = snapshot()
    response = clerk_client.post(
        url(units), {"v-10": "38", "n-2-1": "abc", "d-2-1": "10", "action": "draft"}
    )
    assert response.status_code == 200
    assert "Tử số: “abc” không phải là số." in text(response)
    assert 'name="v-10" value="38"' in response.content.decode()  # kept for the next try
    assert snapshot() == before


def test_emptying_a_stored_value_is_refused(clerk_client, units):
    clerk_client.post(url(units), {"v-10": "38", "action": "draft"})
    before = snapshot()
    response = clerk_client.post(url(units), {"v-10": "", "action": "draft"})
    assert "Ô trống: số liệu đang có (38 triệu đồng/người/năm, ngày 31/12/2021)" in text(response)
    assert snapshot() == before


def test_a_period_when_the_unit_did_not_exist_is_refused(clerk_client, units):
    before = snapshot()
    response = clerk_client.post(url(units, period="2026"), {"v-10": "38", "action": "draft"})
    assert response.status_code == 200
    assert "Xã Kỳ Lạc không tồn tại vào ngày 31/12/2026" in text(response)
    assert snapshot() == before


def test_an_unreadable_period_falls_back_with_a_message(clerk_client, units):
    body = text(clerk_client.get(url(units, period="2021-H3")))
    assert "Kỳ “2021-H3” không hợp lệ" in body


def test_the_period_picker_builds_the_period(clerk_client, units):
    page = clerk_client.get(
        f"/units/{units['ky_lac'].pk}/entry/?set=test-commune&year=2021&part=Q3"
    )
    assert "Quý III/2021" in text(page) and "30/09/2021" in text(page)


# --- Evidence -----------------------------------------------------------------------------------


def test_evidence_is_stored_by_content_type_and_served_only_in_scope(
    clerk_client, units, media, client
):
    response = clerk_client.post(
        url(units),
        {"v-10": "38", "ev-10": [pdf(), docx()], "action": "draft"},
    )
    assert response.status_code == 302
    files = list(EvidenceFile.objects.order_by("id"))
    assert [(f.original_name, f.content_type, f.observed_on) for f in files] == [
        ("bien-ban.pdf", "application/pdf", YEAR_END),
        (
            "bao-cao.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            YEAR_END,
        ),
    ]
    stored = media / files[0].file.name
    assert stored.exists() and "bien-ban" not in files[0].file.name  # a random stored name
    assert AuditEntry.objects.filter(action="evidence.add").count() == 2

    for path in (f"/evidence/{files[0].pk}/", f"/api/evidence/{files[0].pk}"):
        download = clerk_client.get(path)
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF-")
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("inline;")
        assert_served_as_upload(download)
        document = clerk_client.get(path.replace(str(files[0].pk), str(files[1].pk)))
        assert document["Content-Disposition"].startswith("attachment;")
        assert_served_as_upload(document)

    other = make_user("kytay", role="data_entry", unit=units["ky_tay"])
    client.force_login(other)
    assert client.get(f"/evidence/{files[0].pk}/").status_code == 404


def test_evidence_over_the_size_limit_is_refused_naming_the_file_and_the_limit(
    clerk_client, units, settings, media
):
    settings.NTM_EVIDENCE_MAX_BYTES = 1024
    before = snapshot()
    response = clerk_client.post(
        url(units), {"v-10": "38", "ev-10": pdf("quet.pdf", size=4096), "action": "draft"}
    )
    assert response.status_code == 200
    assert "Tệp “quet.pdf” (4 KB) vượt quá giới hạn 1 KB cho một tệp minh chứng." in text(response)
    assert snapshot() == before
    assert not any(media.rglob("*.pdf"))


def test_a_forbidden_file_disguised_with_a_pdf_name_is_refused(clerk_client, units, media):
    before = snapshot()
    disguised = SimpleUploadedFile(
        "bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf"
    )
    response = clerk_client.post(url(units), {"v-10": "38", "ev-10": disguised, "action": "draft"})
    assert response.status_code == 200
    assert "Tệp “bao-cao.pdf” không phải là loại được nhận làm minh chứng" in text(response)
    assert snapshot() == before
    assert not any(media.rglob("*"))


def test_a_file_for_a_value_kept_as_it_is_goes_with_that_value(clerk_client, units):
    services.record_value(
        unit=units["ky_lac"], indicator_key=INCOME, observed_on=D(2021, 6, 30), value=31.5
    )
    response = clerk_client.post(url(units), {"v-10": "31,5", "ev-10": pdf(), "action": "draft"})
    assert response.status_code == 302
    assert IndicatorValue.objects.count() == 1
    assert EvidenceFile.objects.get().observed_on == D(2021, 6, 30)


def test_removing_evidence_is_audited_and_hides_the_file(clerk_client, units):
    clerk_client.post(url(units), {"v-10": "38", "ev-10": pdf(), "action": "draft"})
    evidence = EvidenceFile.objects.get()
    response = clerk_client.post(f"/evidence/{evidence.pk}/remove/", {"next": url(units)})
    assert response.status_code == 302 and response.url == url(units)
    evidence.refresh_from_db()
    assert evidence.is_removed
    assert AuditEntry.objects.filter(action="evidence.remove").count() == 1
    page = clerk_client.get(url(units)).content.decode()
    assert "Đã gỡ tệp “bien-ban.pdf”." in page
    assert f'href="/evidence/{evidence.pk}/"' not in page


# --- Who may ------------------------------------------------------------------------------------


def test_a_unit_outside_the_scope_is_not_found_and_nothing_changes(client, units):
    client.force_login(make_user("kytay", role="data_entry", unit=units["ky_tay"]))
    before = snapshot()
    assert client.get(url(units)).status_code == 404
    assert client.post(url(units), {"v-10": "38", "action": "draft"}).status_code == 404
    assert client.post(url(units, name="entry/preview"), {"v-10": "38"}).status_code == 404
    assert snapshot() == before


def test_a_viewer_is_told_why_and_cannot_write(client, units):
    client.force_login(make_user("xem", role="viewer", unit=units["ky_lac"]))
    before = snapshot()
    page = client.get(url(units))
    assert page.status_code == 403
    assert "Vai trò “Xem” không được làm việc này" in text(page)
    assert client.post(url(units), {"v-10": "38", "action": "submit"}).status_code == 403
    assert snapshot() == before


def test_the_unit_page_offers_entry_only_to_those_who_may_write(client, clerk_client, units):
    ky_lac = units["ky_lac"]
    page = clerk_client.get(f"/units/{ky_lac.pk}/?as_of=2021-09-25&set=test-commune")
    html = page.content.decode()
    assert f'href="/units/{ky_lac.pk}/entry/?set=test-commune&amp;period=2021"' in html
    assert 'data-testid="criteria-entry-link"' in html
    client.force_login(make_user("xem", role="viewer", unit=ky_lac))
    html = client.get(f"/units/{ky_lac.pk}/?as_of=2021-09-25").content.decode()
    assert "/entry/" not in html


def test_an_aggregate_indicator_is_shown_computed_and_takes_no_input(client, tmp_path):
    from ntm.testing import DISTRICT_SET

    load_criteria_sets(write_sets(tmp_path / "district-sets", DISTRICT_SET))
    found = make_ky_anh()
    client.force_login(make_user("kyanh", role="approver", unit=found["district"]))
    response = client.get(f"/units/{found['district'].pk}/entry/?set=test-district&period=2021")
    body = text(response)
    assert "Điều kiện công nhận" in body
    assert "D0 Tỷ lệ xã đạt chuẩn" in body
    assert "0 % tính từ các đơn vị trực thuộc, không nhập" in body
    assert 'name="v-D0"' not in response.content.decode()
    forged = client.post(
        f"/units/{found['district'].pk}/entry/?set=test-district&period=2021",
        {"v-D0": "100", "action": "draft"},
    )
    assert forged.status_code == 302 and IndicatorValue.objects.count() == 0


def test_enter_in_a_field_checks_the_values_without_saving(clerk_client, units):
    # The form's first (default) submit button checks: what Enter in a text field does.
    html = clerk_client.get(url(units)).content.decode()
    first = re.search(r'<button type="submit" name="action" value="(\w+)"', html).group(1)
    assert first == "check"
    before = snapshot()
    response = clerk_client.post(url(units), {"v-10": "38", "action": "check"})
    assert response.status_code == 200
    assert "Sẽ lưu 1 giá trị (1 mới, 0 sửa)." in text(response)
    assert snapshot() == before
