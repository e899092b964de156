"""Authoring services: variants and versions, threshold edits, criteria, publication."""

from __future__ import annotations

import datetime as dt

import pytest

from ntm.accounts.permissions import WriteDenied
from ntm.audit.models import AuditEntry
from ntm.core.criteria.schema import CriteriaDataError
from ntm.criteria import authoring
from ntm.criteria.authoring import (
    AuthoringError,
    Decision,
    DraftExists,
    IndicatorInput,
    NotADraft,
    PublishRefused,
    SetDetails,
    ThresholdCell,
)
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import get_set
from ntm.criteria.services import store_definition
from ntm.criteria.tests.helpers import DECISION, DECISION_TEXT, snapshot, stored

pytestmark = pytest.mark.django_db

DETAILS = SetDetails(
    name_vi="Bộ tiêu chí xã nông thôn mới tỉnh Hà Tĩnh (thử)",
    period_start=2021,
    period_end=2025,
    legal_number="45/QĐ-THỬ",
    legal_date=dt.date(2026, 2, 1),
    legal_issuer="UBND tỉnh Hà Tĩnh",
)


def variant_of_next(world):
    return authoring.create_variant(
        base=stored("test-commune-next"), province_code="42", actor=world.actors["hatinh"]
    )


def income_rows(definition, code="10"):
    indicator = next(i for i in definition.indicators if i.code == code)
    return {
        (r.region, r.from_year): (r.value, r.confidence, r.sources) for r in indicator.thresholds
    }


# --- Variants and versions -----------------------------------------------------------------


def test_office_creates_a_draft_variant_of_a_national_set_for_its_province(world):
    draft = variant_of_next(world)
    assert (draft.set_id, draft.version, draft.status) == ("hatinh-test-commune-next", 1, "draft")
    assert draft.name_vi == "Bộ tiêu chí xã nông thôn mới tỉnh Hà Tĩnh giai đoạn 2021-2025 (thử)"
    assert draft.province_code == "42"
    assert draft.extends == stored("test-commune-next")
    assert draft.derived_from == stored("test-commune-next")
    assert draft.created_by == world.users["hatinh"]
    # The variant carries the national criteria; nothing is published yet.
    assert [c.number for c in draft.to_domain().criteria] == ["1", "10", "17"]
    assert get_set("hatinh-test-commune-next", 1) == draft
    with pytest.raises(Exception, match="Unknown criteria set"):
        get_set("hatinh-test-commune-next")  # no published version
    entry = AuditEntry.objects.get(action="criteria_set.create_variant")
    assert entry.actor == world.users["hatinh"]
    assert entry.object_id == str(draft.pk)
    assert entry.unit_id == world.units["province"].pk
    assert entry.new == {"extends": "test-commune-next@1", "province_code": "42"}


@pytest.mark.parametrize(
    ("persona", "message"),
    [
        (
            "kylac",
            "Vai trò “Nhập liệu” không được làm việc này; cần một trong các vai trò: "
            "Quản trị, Phê duyệt (văn phòng điều phối).",
        ),
        (
            "sogtvt",
            "Vai trò “Thẩm tra (sở, ngành)” không được làm việc này; cần một trong các vai "
            "trò: Quản trị, Phê duyệt (văn phòng điều phối).",
        ),
        ("kyanh", "Đơn vị “Tỉnh Hà Tĩnh” nằm ngoài phạm vi được giao của tài khoản này."),
        ("thanhhoa", "Đơn vị “Tỉnh Hà Tĩnh” nằm ngoài phạm vi được giao của tài khoản này."),
    ],
)
def test_only_the_provinces_office_may_create_its_variant(world, persona, message):
    before = snapshot()
    with pytest.raises(WriteDenied) as caught:
        authoring.create_variant(
            base=stored("test-commune-next"), province_code="42", actor=world.actors[persona]
        )
    assert str(caught.value) == message
    assert snapshot() == before
    assert not AuditEntry.objects.exists()


def test_a_second_variant_of_the_same_national_set_is_refused(world):
    # test-province-commune already extends test-commune for Hà Tĩnh.
    with pytest.raises(AuthoringError) as caught:
        authoring.create_variant(
            base=stored("test-commune"), province_code="42", actor=world.actors["hatinh"]
        )
    assert caught.value.message == (
        "Tỉnh Hà Tĩnh đã có bộ test-province-commune mở rộng từ bộ này: hãy tạo phiên bản "
        "mới của bộ đó."
    )


def test_a_variant_of_a_variant_is_refused(world):
    with pytest.raises(AuthoringError, match="từ một bộ tiêu chí quốc gia đã ban hành"):
        authoring.create_variant(
            base=stored("test-province-commune"), province_code="42", actor=world.actors["hatinh"]
        )


@pytest.mark.parametrize(
    ("set_id", "message"),
    [
        ("Ha Tinh", "Mã bộ chỉ gồm chữ thường không dấu"),
        ("drafts", "“drafts” là tên một trang"),
        ("test-commune", "Đã có bộ tiêu chí mã test-commune"),
    ],
)
def test_a_bad_set_id_is_refused(world, set_id, message):
    with pytest.raises(AuthoringError, match=message) as caught:
        authoring.create_variant(
            base=stored("test-commune-next"),
            province_code="42",
            actor=world.actors["hatinh"],
            set_id=set_id,
        )
    assert caught.value.field == "set_id"


def test_new_version_copies_the_latest_version_as_a_draft(world):
    draft = authoring.create_version(
        source=stored("test-province-commune"), actor=world.actors["hatinh"]
    )
    v1 = stored("test-province-commune")
    assert (draft.version, draft.status, draft.derived_from) == (2, "draft", v1)
    document = dict(draft.source_document)
    assert (document.pop("version"), document.pop("status")) == (2, "draft")
    assert document == {
        k: v for k, v in v1.source_document.items() if k not in ("version", "status")
    }
    # The published version is still the one evaluations use.
    assert get_set("test-province-commune") == v1


def test_new_version_while_a_draft_exists_points_to_that_draft(world):
    first = authoring.create_version(
        source=stored("test-province-commune"), actor=world.actors["hatinh"]
    )
    with pytest.raises(DraftExists) as caught:
        authoring.create_version(
            source=stored("test-province-commune"), actor=world.actors["hatinh"]
        )
    assert caught.value.draft == first
    assert CriteriaSet.objects.filter(set_id="test-province-commune").count() == 2


def test_a_national_set_is_versioned_only_by_a_national_office(world):
    with pytest.raises(WriteDenied, match="“toàn quốc” nằm ngoài phạm vi"):
        authoring.create_version(source=stored("test-commune"), actor=world.actors["hatinh"])
    draft = authoring.create_version(source=stored("test-commune"), actor=world.actors["national"])
    assert draft.label == "test-commune@2"


# --- Thresholds ----------------------------------------------------------------------------


def test_a_variant_may_tighten_a_national_threshold_with_its_decision(world):
    draft = variant_of_next(world)
    saved = authoring.set_thresholds(
        draft,
        code="10",
        cells=[ThresholdCell(40, region="BTB", from_year=2020)],
        decision=DECISION,
        actor=world.actors["hatinh"],
    )
    rows = income_rows(saved.to_domain())
    assert rows[("BTB", 2020)] == (40, "verified", (DECISION_TEXT,))
    assert rows[(None, 2020)][0] == 45  # the row for every region is inherited unchanged
    assert saved.source_document["overrides"] == [
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
    entry = AuditEntry.objects.get(action="criteria_set.set_thresholds")
    assert entry.summary == "hatinh-test-commune-next@1: ngưỡng chỉ tiêu 10"
    assert entry.reason == DECISION_TEXT
    assert entry.old == []
    assert entry.new == saved.source_document["overrides"][0]["thresholds"]


def test_a_variant_may_not_loosen_a_national_threshold_and_nothing_changes(world):
    draft = variant_of_next(world)
    before = snapshot()
    with pytest.raises(AuthoringError) as caught:
        authoring.set_thresholds(
            draft,
            code="10",
            cells=[ThresholdCell(30, region="BTB", from_year=2020)],
            decision=DECISION,
            actor=world.actors["hatinh"],
        )
    assert caught.value.message == (
        "Bắc Trung Bộ, từ năm 2020: 30 nới lỏng ngưỡng của bộ gốc ≥ 36 triệu đồng/người/năm "
        "(Bắc Trung Bộ, từ năm 2020). Bộ của tỉnh chỉ được nâng ngưỡng: giá trị không được "
        "thấp hơn 36."
    )
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="criteria_set.set_thresholds").exists()


def test_the_loader_refuses_a_loosening_file_too(world):
    """The editor's check and the loader's agree: a hand-made override is refused as well."""
    draft = variant_of_next(world)
    document = authoring.document_of(draft)
    document["overrides"] = [{"indicator": "10", "thresholds": [{"value": 44, "from_year": 2020}]}]
    with pytest.raises(AuthoringError) as caught:
        authoring.validate_document(document, file="hatinh.yaml")
    assert caught.value.place == "ngưỡng tỉnh nâng cho chỉ tiêu 10 › ngưỡng thứ 1 › giá trị"
    assert caught.value.message == (
        "44 nới lỏng ngưỡng >= 45 của bộ gốc (mọi đơn vị, từ năm 2020); bộ của tỉnh chỉ được "
        "nâng ngưỡng, không được hạ"
    )


def test_a_variant_fills_a_threshold_the_national_set_leaves_to_confirm(world):
    draft = variant_of_next(world)
    assert authoring.needs_confirmation_count(draft.to_domain()) == 1
    saved = authoring.set_thresholds(
        draft,
        code="17.1",
        cells=[ThresholdCell(95)],
        decision=DECISION,
        actor=world.actors["hatinh"],
    )
    indicator = next(i for i in saved.to_domain().indicators if i.code == "17.1")
    assert [(r.value, r.region, r.from_year, r.sources) for r in indicator.thresholds] == [
        (95, None, None, (DECISION_TEXT,))
    ]
    assert authoring.needs_confirmation_count(saved.to_domain()) == 0
    # The national set itself is untouched.
    assert stored("test-commune-next").to_domain().criterion("17").indicators[0].thresholds == ()


def test_a_threshold_is_never_set_without_its_decision(world):
    draft = variant_of_next(world)
    before = snapshot()
    incomplete = Decision(number="", date=dt.date(2026, 3, 15), issuer="UBND tỉnh Hà Tĩnh")
    with pytest.raises(AuthoringError) as caught:
        authoring.set_thresholds(
            draft,
            code="17.1",
            cells=[ThresholdCell(95)],
            decision=incomplete,
            actor=world.actors["hatinh"],
        )
    assert caught.value.message == "Cần số văn bản đặt ngưỡng (ví dụ 123/QĐ-UBND)."
    assert caught.value.field == "decision_number"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        pytest.param(
            [ThresholdCell(120)], "Mọi đơn vị: ngưỡng phần trăm 120 nằm ngoài khoảng 0–100.", id="%"
        ),
        pytest.param([ThresholdCell(-1)], "Mọi đơn vị: ngưỡng -1 không được âm.", id="negative"),
        pytest.param(
            [ThresholdCell(90, group=2)],
            "Nhóm 2: bộ tiêu chí này không phân hóa ngưỡng theo nhóm xã.",
            id="group in a region set",
        ),
        pytest.param(
            [ThresholdCell(90, from_year=2020), ThresholdCell(95, from_year=2020)],
            "Mọi đơn vị, từ năm 2020: nhập hai lần.",
            id="twice",
        ),
    ],
)
def test_bad_threshold_cells_are_refused_with_the_cell_named(world, cells, message):
    draft = variant_of_next(world)
    before = snapshot()
    with pytest.raises(AuthoringError) as caught:
        authoring.set_thresholds(
            draft, code="17.1", cells=cells, decision=DECISION, actor=world.actors["hatinh"]
        )
    assert caught.value.message == message
    assert snapshot() == before


def test_unchanged_cells_keep_their_source_unless_all_are_confirmed(world):
    draft = variant_of_next(world)
    authoring.set_thresholds(
        draft,
        code="17.1",
        cells=[ThresholdCell(95)],
        decision=DECISION,
        actor=world.actors["hatinh"],
    )
    later = Decision(number="200/QĐ-THỬ", date=dt.date(2026, 5, 2), issuer="UBND tỉnh Hà Tĩnh")
    cells = [ThresholdCell(95), ThresholdCell(98, from_year=2025)]
    saved = authoring.set_thresholds(
        draft, code="17.1", cells=cells, decision=later, actor=world.actors["hatinh"]
    )
    rows = saved.source_document["overrides"][0]["thresholds"]
    assert [(r["value"], r.get("from_year"), r["sources"]) for r in rows] == [
        (95, None, [DECISION_TEXT]),
        (98, 2025, ["200/QĐ-THỬ ngày 02/05/2026, UBND tỉnh Hà Tĩnh"]),
    ]
    confirmed = authoring.set_thresholds(
        draft,
        code="17.1",
        cells=cells,
        decision=later,
        confirm_all=True,
        actor=world.actors["hatinh"],
    )
    rows = confirmed.source_document["overrides"][0]["thresholds"]
    assert {r["sources"][0] for r in rows} == {"200/QĐ-THỬ ngày 02/05/2026, UBND tỉnh Hà Tĩnh"}


def test_clearing_an_inherited_indicators_cells_brings_the_national_threshold_back(world):
    draft = variant_of_next(world)
    authoring.set_thresholds(
        draft,
        code="10",
        cells=[ThresholdCell(40, region="BTB", from_year=2020)],
        decision=DECISION,
        actor=world.actors["hatinh"],
    )
    saved = authoring.set_thresholds(
        draft, code="10", cells=[], decision=None, actor=world.actors["hatinh"]
    )
    assert saved.source_document["overrides"] == []
    assert income_rows(saved.to_domain())[("BTB", 2020)][0] == 36


def test_a_judgement_has_no_threshold_to_set(world):
    draft = variant_of_next(world)
    with pytest.raises(AuthoringError, match="đánh giá đạt/chưa đạt, không có ngưỡng số"):
        authoring.set_thresholds(
            draft,
            code="1.1",
            cells=[ThresholdCell(1)],
            decision=DECISION,
            actor=world.actors["hatinh"],
        )


# --- Criteria and indicators ---------------------------------------------------------------


def test_office_adds_a_criterion_with_indicators_and_removes_what_it_added(world):
    draft = variant_of_next(world)
    hatinh = world.actors["hatinh"]
    authoring.add_criterion(draft, number="20", name_vi="Khu dân cư mẫu, vườn mẫu", actor=hatinh)
    authoring.add_indicator(
        draft,
        criterion="20",
        entry=IndicatorInput(
            code="20.1",
            name_vi="Tỷ lệ thôn đạt chuẩn khu dân cư kiểu mẫu",
            kind="ratio",
            unit="%",
            comparator=">=",
            numerator="Số thôn đạt chuẩn",
            denominator="Tổng số thôn",
        ),
        actor=hatinh,
    )
    authoring.add_indicator(
        draft,
        criterion="20",
        entry=IndicatorInput(code="20.2", name_vi="Có vườn mẫu", kind="judgement"),
        actor=hatinh,
    )
    saved = authoring.set_thresholds(
        draft, code="20.1", cells=[ThresholdCell(50)], decision=DECISION, actor=hatinh
    )
    definition = saved.to_domain()
    criterion = definition.criterion("20")
    assert [i.code for i in criterion.indicators] == ["20.1", "20.2"]
    ratio = criterion.indicators[0]
    assert ratio.key == "hatinh-test-commune-next:20.1"
    assert (ratio.ratio.numerator, ratio.ratio.denominator, ratio.ratio.scale) == (
        "Số thôn đạt chuẩn",
        "Tổng số thôn",
        100,
    )
    assert [(r.value, r.sources) for r in ratio.thresholds] == [(50, (DECISION_TEXT,))]

    authoring.update_criterion(
        draft, number="20", name_vi="Khu dân cư kiểu mẫu, vườn mẫu", actor=hatinh
    )
    authoring.update_indicator(
        draft,
        code="20.2",
        entry=IndicatorInput(code="20.2", name_vi="Có ít nhất một vườn mẫu", kind="judgement"),
        actor=hatinh,
    )
    authoring.remove_indicator(draft, code="20.1", actor=hatinh)
    saved = stored("hatinh-test-commune-next")
    assert saved.to_domain().criterion("20").name_vi == "Khu dân cư kiểu mẫu, vườn mẫu"
    assert [(i.code, i.name_vi) for i in saved.to_domain().criterion("20").indicators] == [
        ("20.2", "Có ít nhất một vườn mẫu")
    ]
    authoring.remove_criterion(draft, number="20", actor=hatinh)
    assert [c.number for c in stored("hatinh-test-commune-next").to_domain().criteria] == [
        "1",
        "10",
        "17",
    ]
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "criteria_set.create_variant",
        "criteria_set.add_criterion",
        "criteria_set.add_indicator",
        "criteria_set.add_indicator",
        "criteria_set.set_thresholds",
        "criteria_set.edit_criterion",
        "criteria_set.edit_indicator",
        "criteria_set.remove_indicator",
        "criteria_set.remove_criterion",
    ]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda d, a: authoring.remove_criterion(d, number="10", actor=a),
            r"Tiêu chí 10 không do bộ này thêm \(thuộc bộ gốc\)",
            id="remove national criterion",
        ),
        pytest.param(
            lambda d, a: authoring.update_criterion(d, number="1", name_vi="Khác", actor=a),
            r"Tiêu chí 1 không do bộ này thêm \(thuộc bộ gốc\)",
            id="rename national criterion",
        ),
        pytest.param(
            lambda d, a: authoring.remove_indicator(d, code="17.1", actor=a),
            r"Chỉ tiêu 17.1 không do bộ này thêm \(thuộc bộ gốc\)",
            id="remove national indicator",
        ),
        pytest.param(
            lambda d, a: authoring.add_criterion(d, number="10", name_vi="Thu nhập", actor=a),
            "Bộ đã có tiêu chí 10.",
            id="criterion number taken",
        ),
        pytest.param(
            lambda d, a: authoring.add_indicator(
                d, criterion="17", entry=IndicatorInput("17.2", "Khác", "number"), actor=a
            ),
            r"Tiêu chí 17 không do bộ này thêm \(thuộc bộ gốc\)",
            id="indicator into a national criterion",
        ),
        pytest.param(
            lambda d, a: authoring.add_criterion(d, number="2 0", name_vi="X", actor=a),
            "Số tiêu chí chỉ gồm chữ, số, dấu chấm",
            id="bad number",
        ),
        pytest.param(
            lambda d, a: authoring.add_criterion(d, number="20", name_vi="  ", actor=a),
            "Cần nhập tên tiêu chí.",
            id="no name",
        ),
    ],
)
def test_edits_of_national_content_or_bad_input_are_refused(world, call, message):
    draft = variant_of_next(world)
    before = snapshot()
    with pytest.raises(AuthoringError, match=message):
        call(draft, world.actors["hatinh"])
    assert snapshot() == before


def test_an_indicator_needs_a_comparator_unless_it_is_a_judgement(world):
    draft = variant_of_next(world)
    authoring.add_criterion(draft, number="20", name_vi="Vườn mẫu", actor=world.actors["hatinh"])
    with pytest.raises(AuthoringError) as caught:
        authoring.add_indicator(
            draft,
            criterion="20",
            entry=IndicatorInput(code="20.1", name_vi="Số vườn mẫu", kind="number", unit="vườn"),
            actor=world.actors["hatinh"],
        )
    assert caught.value.field == "comparator"


def test_another_provinces_office_cannot_edit_the_draft(world):
    draft = variant_of_next(world)
    before = snapshot()
    with pytest.raises(WriteDenied):
        authoring.add_criterion(
            draft, number="20", name_vi="Vườn mẫu", actor=world.actors["thanhhoa"]
        )
    assert snapshot() == before


# --- Publication ---------------------------------------------------------------------------


def ready_variant(world):
    draft = variant_of_next(world)
    authoring.update_details(draft, details=DETAILS, actor=world.actors["hatinh"])
    return authoring.set_thresholds(
        draft,
        code="17.1",
        cells=[ThresholdCell(95)],
        decision=DECISION,
        actor=world.actors["hatinh"],
    )


def test_publishing_makes_a_published_version_that_is_never_edited(world):
    draft = ready_variant(world)
    published = authoring.publish_draft(draft, actor=world.actors["hatinh"])
    assert (published.label, published.status) == ("hatinh-test-commune-next@1", "published")
    assert published.published_by == world.users["hatinh"]
    assert published.published_at is not None
    assert published.legal_number == "45/QĐ-THỬ"
    assert get_set("hatinh-test-commune-next") == published
    before = snapshot()
    for edit in (
        lambda: authoring.set_thresholds(
            published, code="17.1", cells=[ThresholdCell(97)], decision=DECISION,
            actor=world.actors["hatinh"],
        ),
        lambda: authoring.update_details(published, details=DETAILS, actor=world.actors["hatinh"]),
        lambda: authoring.add_criterion(
            published, number="20", name_vi="Vườn mẫu", actor=world.actors["hatinh"]
        ),
        lambda: authoring.delete_draft(published, actor=world.actors["hatinh"]),
        lambda: authoring.publish_draft(published, actor=world.actors["hatinh"]),
    ):  # fmt: skip
        with pytest.raises(NotADraft) as caught:
            edit()
        assert caught.value.message == (
            "hatinh-test-commune-next@1 đã ban hành: phiên bản đã ban hành không bao giờ được "
            "sửa. Hãy tạo một phiên bản nháp mới."
        )
    assert snapshot() == before


def test_the_loader_refuses_to_rewrite_a_published_version(world):
    published = authoring.publish_draft(ready_variant(world), actor=world.actors["hatinh"])
    document = authoring.document_of(published)
    document["name_vi"] = "Tên khác"
    definition = authoring.validate_document(document, file="x.yaml")
    before = snapshot()
    with pytest.raises(CriteriaDataError, match="a published version never changes"):
        store_definition(definition, document)
    assert snapshot() == before


def test_a_new_version_after_publication_is_the_way_to_change(world):
    published = authoring.publish_draft(ready_variant(world), actor=world.actors["hatinh"])
    draft = authoring.create_version(source=published, actor=world.actors["hatinh"])
    authoring.set_thresholds(
        draft,
        code="17.1",
        cells=[ThresholdCell(97)],
        decision=DECISION,
        actor=world.actors["hatinh"],
    )
    authoring.publish_draft(draft, actor=world.actors["hatinh"])
    assert get_set("hatinh-test-commune-next").version == 2
    first = get_set("hatinh-test-commune-next", 1).to_domain().criterion("17").indicators[0]
    second = get_set("hatinh-test-commune-next", 2).to_domain().criterion("17").indicators[0]
    assert (first.thresholds[0].value, second.thresholds[0].value) == (95, 97)


def test_publishing_needs_the_issuing_decision(world):
    draft = variant_of_next(world)
    before = snapshot()
    with pytest.raises(PublishRefused) as caught:
        authoring.publish_draft(draft, actor=world.actors["hatinh"])
    assert [(p.place, p.message) for p in caught.value.problems] == [
        ("văn bản ban hành", "Chưa nhập số văn bản ban hành bộ tiêu chí."),
        ("văn bản ban hành", "Chưa nhập ngày ban hành."),
    ]
    assert snapshot() == before


def test_a_draft_the_loader_rejects_cannot_be_published_and_says_where(world):
    draft = ready_variant(world)
    authoring.add_criterion(draft, number="20", name_vi="Vườn mẫu", actor=world.actors["hatinh"])
    # A draft stored before a rule changed, or edited by hand in the database.
    document = authoring.document_of(stored("hatinh-test-commune-next"))
    document["criteria"][0]["indicators"] = [
        {"code": "20.1", "name_vi": "Số vườn", "kind": "number", "comparator": ">=",
         "thresholds": [{"value": "năm mươi", "confidence": "verified"}]},
    ]  # fmt: skip
    CriteriaSet.objects.filter(pk=draft.pk).update(source_document=document)
    before = snapshot()
    with pytest.raises(PublishRefused) as caught:
        authoring.publish_draft(draft, actor=world.actors["hatinh"])
    assert [(p.place, p.message) for p in caught.value.problems] == [
        (
            "tiêu chí 20 › chỉ tiêu 20.1 › ngưỡng thứ 1 › giá trị",
            "phải là một số, nhận được 'năm mươi'",
        )
    ]
    assert snapshot() == before
    assert stored("hatinh-test-commune-next").status == "draft"


def test_a_copy_with_no_change_is_not_published(world):
    draft = authoring.create_version(
        source=stored("test-province-commune"), actor=world.actors["hatinh"]
    )
    problems = authoring.publish_problems(draft)
    assert [p.message for p in problems] == [
        "Chưa nhập số văn bản ban hành bộ tiêu chí.",
        "Chưa nhập ngày ban hành.",
        "Chưa nhập cơ quan ban hành.",
        "Bản nháp chưa có thay đổi nào so với phiên bản 1.",
    ]


def test_publication_is_audited(world):
    authoring.publish_draft(ready_variant(world), actor=world.actors["hatinh"])
    entry = AuditEntry.objects.get(action="criteria_set.publish")
    assert entry.summary == "hatinh-test-commune-next@1: ban hành (45/QĐ-THỬ)"
    assert entry.new["version"] == 1
    assert entry.new["legal_source"]["number"] == "45/QĐ-THỬ"


def test_details_set_the_decision_and_drop_sources_of_the_previous_one(world):
    draft = authoring.create_version(
        source=stored("test-commune-next"), actor=world.actors["national"]
    )
    saved = authoring.update_details(draft, details=DETAILS, actor=world.actors["national"])
    legal = saved.source_document["legal_source"]
    assert legal == {
        "number": "45/QĐ-THỬ",
        "date": "2026-02-01",
        "effective": None,
        "issuer": "UBND tỉnh Hà Tĩnh",
        "confidence": "verified",
        "sources": [],
    }
    assert (saved.period_start, saved.period_end, saved.name_vi) == (
        2021,
        2025,
        "Bộ tiêu chí xã nông thôn mới tỉnh Hà Tĩnh (thử)",
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name_vi": ""}, "name_vi", "Cần nhập tên bộ tiêu chí."),
        ({"period_start": 2026, "period_end": 2021}, "period_end", "Năm kết thúc (2021) trước năm bắt đầu (2026)."),
        ({"legal_date": dt.date(2999, 1, 1)}, "legal_date", "Ngày ban hành 01/01/2999 ở sau hôm nay."),
    ],
)  # fmt: skip
def test_bad_details_are_refused(world, change, field, message):
    draft = variant_of_next(world)
    before = snapshot()
    details = SetDetails(**{**DETAILS.__dict__, **change})
    with pytest.raises(AuthoringError) as caught:
        authoring.update_details(draft, details=details, actor=world.actors["hatinh"])
    assert (caught.value.field, caught.value.message) == (field, message)
    assert snapshot() == before


def test_a_draft_can_be_discarded(world):
    draft = variant_of_next(world)
    authoring.delete_draft(draft, actor=world.actors["hatinh"])
    assert not CriteriaSet.objects.filter(set_id="hatinh-test-commune-next").exists()
    entry = AuditEntry.objects.get(action="criteria_set.delete_draft")
    assert entry.old["id"] == "hatinh-test-commune-next"


def test_drafts_and_versions_are_listed_only_to_those_who_may_author_them(world):
    draft = variant_of_next(world)
    assert authoring.drafts_for(world.users["hatinh"]) == [draft]
    assert authoring.drafts_for(world.users["national"]) == [draft]
    assert authoring.drafts_for(world.users["thanhhoa"]) == []
    assert authoring.drafts_for(world.users["kylac"]) == []
    assert authoring.versions_of("hatinh-test-commune-next", world.users["thanhhoa"]) == []
    assert authoring.versions_of("hatinh-test-commune-next", world.users["hatinh"]) == [draft]
    assert [p.code for p in authoring.authoring_provinces(world.users["hatinh"])] == ["42"]
    assert authoring.authoring_provinces(world.users["kylac"]) == []


def test_a_later_version_does_not_re_evaluate_earlier_dates(world):
    """Each date is evaluated under the version then in force (its decision's date)."""
    from ntm.criteria.selectors import applicable_sets

    source = stored("test-province-commune")
    draft = authoring.create_version(source=source, actor=world.actors["hatinh"])
    authoring.update_details(
        draft,
        details=SetDetails(
            name_vi=draft.name_vi,
            legal_number="45/QĐ-THỬ",
            legal_date=dt.date(2026, 2, 1),
            legal_issuer="UBND tỉnh Hà Tĩnh",
        ),
        actor=world.actors["hatinh"],
    )
    published = authoring.publish_draft(draft, actor=world.actors["hatinh"])
    ky_lac = world.units["ky_lac"]
    in_2021 = [s.label for s in applicable_sets(ky_lac, dt.date(2021, 9, 25))]
    in_2026 = [s.label for s in applicable_sets(ky_lac, dt.date(2026, 3, 1))]
    assert "test-province-commune@1" in in_2021 and "test-province-commune@2" not in in_2021
    assert "test-province-commune@2" in in_2026 and "test-province-commune@1" not in in_2026
    assert get_set("test-province-commune", on=dt.date(2021, 9, 25)) == source
    assert get_set("test-province-commune", on=dt.date(2026, 3, 1)) == published
    assert get_set("test-province-commune") == published
