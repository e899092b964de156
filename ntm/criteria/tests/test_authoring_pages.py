"""Authoring pages with personas: the Hà Tĩnh office may, Kỳ Lạc and Thanh Hóa may not."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from ntm.audit.models import AuditEntry
from ntm.criteria import authoring
from ntm.criteria.authoring import ThresholdCell
from ntm.criteria.exchange import export_yaml
from ntm.criteria.models import CriteriaSet
from ntm.criteria.tests.helpers import DECISION, DECISION_TEXT, build_world, snapshot, stored
from ntm.values.models import CriterionCertification, IndicatorValue

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(db, tmp_path):
    return build_world(tmp_path)


@pytest.fixture
def as_user(client, world):
    def log_in(name):
        client.force_login(world.users[name])
        return client

    return log_in


@pytest.fixture
def draft(world):
    """Hà Tĩnh's draft variant of the next national set."""
    return authoring.create_variant(
        base=stored("test-commune-next"), province_code="42", actor=world.actors["hatinh"]
    )


def url(draft, tail=""):
    return f"/criteria/{draft.set_id}/{draft.version}/{tail}"


def text(response):
    return response.content.decode()


# --- Entry points -------------------------------------------------------------------------


def test_the_office_sees_the_way_in_and_a_commune_user_does_not(as_user):
    assert 'data-testid="authoring-link"' in text(as_user("hatinh").get("/criteria/"))
    assert 'data-testid="authoring-link"' not in text(as_user("kylac").get("/criteria/"))


def test_national_set_page_offers_a_variant_only_to_an_office(as_user):
    page = text(as_user("hatinh").get("/criteria/test-commune-next/"))
    assert 'data-testid="new-variant"' in page and 'data-testid="export-yaml"' in page
    page = text(as_user("kylac").get("/criteria/test-commune-next/"))
    assert 'data-testid="new-variant"' not in page and 'data-testid="export-yaml"' in page


def test_drafts_page_is_refused_to_a_commune_user(as_user, draft):
    response = as_user("kylac").get("/criteria/drafts/")
    assert response.status_code == 403
    assert "Chỉ văn phòng điều phối" in text(response)
    assert draft.name_vi not in text(response)


def test_drafts_page_lists_the_offices_drafts_only(as_user, draft):
    assert draft.label in text(as_user("hatinh").get("/criteria/drafts/"))
    page = text(as_user("thanhhoa").get("/criteria/drafts/"))
    assert draft.label not in page
    assert "Chưa có bản nháp nào" in page


# --- Creating drafts ----------------------------------------------------------------------


def test_office_creates_a_variant_through_the_form(as_user, world):
    client = as_user("hatinh")
    form = text(client.get("/criteria/test-commune-next/variant/"))
    assert 'value="hatinh-test-commune-next"' in form
    response = client.post(
        "/criteria/test-commune-next/variant/",
        {"province_code": "42", "set_id": "hatinh-xa-thu", "name_vi": "Bộ tiêu chí xã Hà Tĩnh"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/criteria/hatinh-xa-thu/1/edit/"
    created = stored("hatinh-xa-thu")
    assert (created.status, created.province_code, created.name_vi) == (
        "draft",
        "42",
        "Bộ tiêu chí xã Hà Tĩnh",
    )


def test_another_provinces_office_cannot_create_hatinhs_variant(as_user):
    before = snapshot()
    response = as_user("thanhhoa").post(
        "/criteria/test-commune-next/variant/",
        {"province_code": "42", "set_id": "hatinh-xa-thu", "name_vi": "Bộ của Hà Tĩnh"},
    )
    assert response.status_code == 200
    assert "42 không phải là một trong các lựa chọn khả thi." in text(response)
    assert snapshot() == before
    assert not AuditEntry.objects.exists()


def test_commune_user_cannot_open_the_variant_form(as_user):
    before = snapshot()
    assert as_user("kylac").get("/criteria/test-commune-next/variant/").status_code == 403
    response = as_user("kylac").post(
        "/criteria/test-commune-next/variant/",
        {"province_code": "42", "set_id": "hatinh-xa-thu", "name_vi": "X"},
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_a_taken_id_is_shown_on_its_field(as_user):
    response = as_user("hatinh").post(
        "/criteria/test-commune-next/variant/",
        {"province_code": "42", "set_id": "test-commune", "name_vi": "Bộ của tỉnh"},
    )
    assert response.status_code == 200
    assert "Đã có bộ tiêu chí mã test-commune" in text(response)


def test_new_version_then_again_leads_to_the_same_draft(as_user):
    client = as_user("hatinh")
    first = client.post("/criteria/test-province-commune/new-version/")
    assert first["Location"] == "/criteria/test-province-commune/2/edit/"
    again = client.post("/criteria/test-province-commune/new-version/")
    assert again["Location"] == "/criteria/test-province-commune/2/edit/"
    assert CriteriaSet.objects.filter(set_id="test-province-commune").count() == 2


def test_commune_user_cannot_create_a_version(as_user):
    before = snapshot()
    response = as_user("kylac").post("/criteria/test-province-commune/new-version/")
    assert response.status_code == 403
    assert snapshot() == before


# --- Who sees a draft ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["kylac", "thanhhoa", "kyanh", "sogtvt"])
@pytest.mark.parametrize(
    "tail", ["edit/", "compare/", "preview/", "publish/", "delete/", "edit/details/"]
)
def test_a_draft_is_invisible_to_everyone_but_its_authors(as_user, draft, persona, tail):
    assert as_user(persona).get(url(draft, tail)).status_code == 404


@pytest.mark.parametrize("persona", ["kylac", "thanhhoa"])
def test_others_cannot_write_to_the_draft_and_nothing_changes(as_user, draft, persona):
    client = as_user(persona)
    before = snapshot()
    posts = [
        (url(draft, "edit/indicators/17.1/thresholds/"), {"cell-0-0": "95"}),
        (url(draft, "edit/criteria/"), {"new-number": "20", "new-name_vi": "Vườn mẫu"}),
        (url(draft, "edit/details/"), {"details-name_vi": "Khác"}),
        (url(draft, "publish/"), {}),
        (url(draft, "delete/"), {}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 404, path
    assert snapshot() == before
    assert AuditEntry.objects.count() == 1  # the creation only


def test_the_set_page_hides_a_draft_from_others(as_user, draft):
    assert as_user("kylac").get(f"/criteria/{draft.set_id}/?version=1").status_code == 404
    page = text(as_user("hatinh").get(f"/criteria/{draft.set_id}/?version=1"))
    assert 'data-testid="version-1"' in page


def test_a_published_set_lists_its_versions_without_drafts_for_others(as_user, world):
    authoring.create_version(source=stored("test-province-commune"), actor=world.actors["hatinh"])
    page = text(as_user("kylac").get("/criteria/test-province-commune/"))
    assert 'data-testid="version-2"' not in page
    page = text(as_user("hatinh").get("/criteria/test-province-commune/"))
    assert 'data-testid="version-2"' in page and "Tiếp tục bản nháp phiên bản 2" in page


# --- The editor ---------------------------------------------------------------------------


def test_the_editor_shows_national_and_own_content_and_what_blocks_publication(as_user, draft):
    page = text(as_user("hatinh").get(url(draft, "edit/")))
    assert "Tiêu chí 17" in page and "Tỷ lệ hộ được dùng nước sạch" in page
    assert 'data-testid="thresholds-17.1"' in page  # cần xác nhận: the office may fill it
    assert 'data-testid="thresholds-1.1"' not in page  # a judgement has no threshold
    assert "Chưa nhập số văn bản ban hành bộ tiêu chí." in page
    assert 'data-testid="needs-count">1<' in page


def test_thresholds_form_shows_the_national_values_as_hints(as_user, draft):
    form = text(as_user("hatinh").get(url(draft, "edit/indicators/10/thresholds/"), **HTMX))
    assert "<form" in form and "<html" not in form  # a fragment for htmx
    assert "Bắc Trung Bộ" in form and "Đồng bằng sông Hồng" not in form  # Hà Tĩnh's region
    assert "quốc gia ≥ 36" in form and "quốc gia ≥ 45" in form
    assert 'value="UBND tỉnh Hà Tĩnh"' in form  # the issuer of the set, offered


def decision_data(**cells):
    return {
        "decision-decision_number": DECISION.number,
        "decision-decision_date": DECISION.date.isoformat(),
        "decision-decision_issuer": DECISION.issuer,
        **cells,
    }


def test_filling_a_threshold_inline_saves_it_with_its_decision(as_user, draft):
    # Columns of 10: every year, 2020, a new year; lines: every unit, Bắc Trung Bộ.
    response = as_user("hatinh").post(
        url(draft, "edit/indicators/10/thresholds/"), decision_data(**{"cell-1-1": "40"}), **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#draft-body"
    assert "✓ Đã lưu" in text(response)
    rows = stored(draft.set_id).source_document["overrides"]
    assert rows == [
        {
            "indicator": "10",
            "thresholds": [
                {
                    "value": 40,
                    "region": "BTB",
                    "from_year": 2020,
                    "confidence": "verified",
                    "sources": [DECISION_TEXT],
                }
            ],
        }
    ]


def test_a_loosening_threshold_is_refused_in_the_form_and_nothing_changes(as_user, draft):
    before = snapshot()
    response = as_user("hatinh").post(
        url(draft, "edit/indicators/10/thresholds/"), decision_data(**{"cell-1-1": "30"}), **HTMX
    )
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert "30 nới lỏng ngưỡng của bộ gốc ≥ 36" in text(response)
    assert snapshot() == before


def test_a_bad_number_marks_its_cell(as_user, draft):
    before = snapshot()
    response = as_user("hatinh").post(
        url(draft, "edit/indicators/17.1/thresholds/"),
        decision_data(**{"cell-0-0": "chín lăm"}),
        **HTMX,
    )
    assert "Mọi đơn vị: “chín lăm” không phải là số." in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert snapshot() == before


def test_a_value_in_the_new_year_column_needs_its_year(as_user, draft):
    response = as_user("hatinh").post(
        url(draft, "edit/indicators/17.1/thresholds/"),
        decision_data(**{"cell-0-new": "95"}),
        **HTMX,
    )
    assert "Cột năm mới: cần nhập năm áp dụng cho ngưỡng 95." in text(response)
    response = as_user("hatinh").post(
        url(draft, "edit/indicators/17.1/thresholds/"),
        decision_data(**{"cell-0-new": "95,5", "new_year": "2024"}),
        **HTMX,
    )
    indicator = next(i for i in stored(draft.set_id).to_domain().indicators if i.code == "17.1")
    assert [(r.value, r.from_year) for r in indicator.thresholds] == [(95.5, 2024)]


def test_without_htmx_the_form_is_a_page_and_saving_redirects(as_user, draft):
    client = as_user("hatinh")
    page = text(client.get(url(draft, "edit/indicators/17.1/thresholds/")))
    assert "<html" in page and "Lưu ngưỡng" in page
    response = client.post(
        url(draft, "edit/indicators/17.1/thresholds/"), decision_data(**{"cell-0-0": "95"})
    )
    assert response.status_code == 302
    assert response["Location"] == url(draft, "edit/#indicator-17-1")


def test_adding_a_criterion_and_an_indicator_then_removing_them(as_user, draft):
    client = as_user("hatinh")
    response = client.post(
        url(draft, "edit/criteria/"), {"new-number": "20", "new-name_vi": "Vườn mẫu"}, **HTMX
    )
    assert response["HX-Retarget"] == "#draft-body"
    assert 'id="criterion-20"' in text(response)
    response = client.post(
        url(draft, "edit/criteria/20/indicators/"),
        {
            "indicator-code": "20.1",
            "indicator-name_vi": "Số vườn đạt chuẩn vườn mẫu",
            "indicator-kind": "number",
            "indicator-unit": "vườn",
            "indicator-comparator": ">=",
        },
        **HTMX,
    )
    assert 'id="indicator-20-1"' in text(response)
    assert [i.code for i in stored(draft.set_id).to_domain().criterion("20").indicators] == ["20.1"]
    client.post(url(draft, "edit/indicators/20.1/remove/"), **HTMX)
    client.post(url(draft, "edit/criteria/20/remove/"), **HTMX)
    assert [c.number for c in stored(draft.set_id).to_domain().criteria] == ["1", "10", "17"]


def test_a_duplicate_criterion_number_is_shown_on_the_form(as_user, draft):
    response = as_user("hatinh").post(
        url(draft, "edit/criteria/"), {"new-number": "10", "new-name_vi": "Thu nhập"}, **HTMX
    )
    assert "HX-Retarget" not in response
    assert "Bộ đã có tiêu chí 10." in text(response)


def test_national_criteria_have_no_rename_or_remove_route(as_user, draft):
    client = as_user("hatinh")
    assert client.get(url(draft, "edit/criteria/10/indicators/")).status_code == 404
    assert client.get(url(draft, "edit/indicators/17.1/")).status_code == 404
    before = snapshot()
    response = client.post(url(draft, "edit/criteria/10/remove/"), **HTMX)
    assert "Tiêu chí 10 không do bộ này thêm" in text(response)
    assert snapshot() == before


# --- Compare, preview, publish ------------------------------------------------------------


def prepared(world, draft):
    hatinh = world.actors["hatinh"]
    authoring.update_details(
        draft,
        details=authoring.SetDetails(
            name_vi=draft.name_vi,
            period_start=2021,
            period_end=2025,
            legal_number="45/QĐ-THỬ",
            legal_date=dt.date(2026, 2, 1),
            legal_issuer="UBND tỉnh Hà Tĩnh",
        ),
        actor=hatinh,
    )
    return authoring.set_thresholds(
        draft,
        code="10",
        cells=[ThresholdCell(40, region="BTB", from_year=2020)],
        decision=DECISION,
        actor=hatinh,
    )


def test_compare_shows_the_tightened_threshold(as_user, world, draft):
    prepared(world, draft)
    page = text(as_user("hatinh").get(url(draft, "compare/")))
    assert "so với test-commune-next@1" in page
    assert "≥ 36" in page and "≥ 40" in page


def test_preview_counts_the_communes_that_would_lose_the_criterion(
    as_user, world, draft, django_assert_max_num_queries
):
    prepared(world, draft)
    day = dt.date(2022, 12, 31)
    for name, income in (("ky_lac", 38), ("ky_tay", 42)):
        IndicatorValue.objects.create(
            unit=world.units[name],
            indicator_key="test-commune-next:10",
            observed_on=day,
            value=income,
        )
        CriterionCertification.objects.create(
            unit=world.units[name], criterion_key="test-commune-next:1", is_met=True,
            certified_on=day,
        )  # fmt: skip
    client = as_user("hatinh")
    with django_assert_max_num_queries(40):
        page = text(client.get(url(draft, "preview/") + "?as_of=2023-01-01"))
    assert "3 đơn vị của Tỉnh Hà Tĩnh được đánh giá tại ngày 01/01/2023" in page
    assert 'data-testid="lost">−0<' in page  # nobody met criterion 17 (needs confirmation)
    assert "<strong>10</strong>. Thu nhập" in page
    assert '<strong class="loss">-1</strong>' in page  # Kỳ Lạc's 38 no longer meets 40


def test_publish_page_lists_problems_then_publishes(as_user, world, draft):
    client = as_user("hatinh")
    page = text(client.get(url(draft, "publish/")))
    assert "Chưa nhập số văn bản ban hành bộ tiêu chí." in page
    refused = client.post(url(draft, "publish/"))
    assert refused.status_code == 409
    assert stored(draft.set_id).status == "draft"
    prepared(world, draft)
    page = text(client.get(url(draft, "publish/")))
    assert "Ban hành phiên bản 1" in page and "45/QĐ-THỬ" in page
    response = client.post(url(draft, "publish/"))
    assert response["Location"] == f"/criteria/{draft.set_id}/?version=1"
    published = stored(draft.set_id)
    assert (published.status, published.published_by) == ("published", world.users["hatinh"])
    page = text(client.get(response["Location"]))
    assert "Đã ban hành hatinh-test-commune-next@1 theo văn bản 45/QĐ-THỬ." in page
    assert 'data-testid="version-1"' in page


def test_a_published_version_cannot_be_edited_from_the_pages(as_user, world, draft):
    prepared(world, draft)
    authoring.publish_draft(stored(draft.set_id), actor=world.actors["hatinh"])
    client = as_user("hatinh")
    assert client.get(url(draft, "edit/"))["Location"] == f"/criteria/{draft.set_id}/?version=1"
    before = snapshot()
    response = client.post(
        url(draft, "edit/indicators/17.1/thresholds/"), decision_data(**{"cell-0-0": "95"}), **HTMX
    )
    assert "đã ban hành: phiên bản đã ban hành không bao giờ được sửa" in text(response)
    assert snapshot() == before


def test_discarding_a_draft_asks_first(as_user, draft):
    client = as_user("hatinh")
    assert "Xóa bản nháp?" in text(client.get(url(draft, "delete/")))
    assert client.post(url(draft, "delete/"))["Location"] == "/criteria/drafts/"
    assert not CriteriaSet.objects.filter(set_id=draft.set_id).exists()


# --- YAML ---------------------------------------------------------------------------------


def test_anyone_signed_in_downloads_a_published_set_but_not_a_draft(as_user, draft):
    response = as_user("kylac").get("/criteria/test-commune/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="test-commune@1.yaml"'
    assert yaml.safe_load(response.content)["id"] == "test-commune"
    assert as_user("kylac").get(f"/criteria/{draft.set_id}/export/?version=1").status_code == 404
    assert as_user("hatinh").get(f"/criteria/{draft.set_id}/export/?version=1").status_code == 200


def upload(content: bytes, name="tinh.yaml"):
    return SimpleUploadedFile(name, content, content_type="application/yaml")


def test_uploading_an_edited_file_opens_the_new_draft(as_user):
    text_yaml = export_yaml(stored("test-province-commune")).replace(
        "Có khu dân cư mẫu", "Có khu dân cư kiểu mẫu"
    )
    response = as_user("hatinh").post("/criteria/import/", {"file": upload(text_yaml.encode())})
    assert response["Location"] == "/criteria/test-province-commune/2/edit/"


def test_a_bad_upload_is_refused_with_line_and_reason_and_nothing_changes(as_user):
    before = snapshot()
    bad = export_yaml(stored("test-province-commune")).replace("kind: judgement", "kind: ý kiến")
    response = as_user("hatinh").post("/criteria/import/", {"file": upload(bad.encode())})
    assert response.status_code == 200
    assert (
        "tinh.yaml, dòng 16, tiêu chí 20 › chỉ tiêu 20.1 › loại: &#x27;ý kiến&#x27; không phải là "
        "một trong các giá trị" in text(response)
    )
    assert snapshot() == before


def test_commune_user_cannot_upload(as_user):
    before = snapshot()
    data = export_yaml(stored("test-province-commune")).replace("Có khu", "Khu").encode()
    assert as_user("kylac").post("/criteria/import/", {"file": upload(data)}).status_code == 403
    assert snapshot() == before


# --- Evaluations name the version they used -----------------------------------------------


def test_unit_page_and_children_overview_name_the_set_version(as_user, world):
    client = as_user("hatinh")
    unit_page = text(
        client.get(f"/units/{world.units['ky_lac'].pk}/?as_of=2021-09-25&set=test-province-commune")
    )
    assert 'data-testid="criteria-set-version">test-province-commune@1<' in unit_page
    assert 'data-testid="set-version">test-province-commune@1<' in unit_page
    children = text(client.get(f"/units/{world.units['district'].pk}/children/?as_of=2021-09-25"))
    assert 'data-testid="set-version">test-province-commune@1<' in children
