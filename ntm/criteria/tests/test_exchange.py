"""YAML export and import: round trips, new drafts and versions, bad files refused precisely."""

from __future__ import annotations

import pytest
import yaml

from ntm.accounts.permissions import WriteDenied
from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.criteria import authoring
from ntm.criteria.exchange import ImportRefused, export_yaml, import_yaml
from ntm.criteria.models import CriteriaSet
from ntm.criteria.services import DATA_DIR, load_criteria_sets
from ntm.criteria.tests.helpers import snapshot, stored

pytestmark = pytest.mark.django_db

OPERATOR = Actor(None, channel="cli")


def test_export_writes_the_data_file_format_in_documented_order(world):
    text = export_yaml(stored("test-province-commune"))
    assert text.splitlines()[0] == (
        "# test-province-commune@1 (đã ban hành). Định dạng: docs/criteria-format.md; "
        "nhập lại: ntm criteria import TỆP.yaml"
    )
    document = yaml.safe_load(text)
    assert list(document)[:5] == ["id", "version", "status", "name_vi", "level"]
    assert document["extends"] == {"id": "test-commune", "version": 1}
    assert "extends: {id: test-commune, version: 1}" in text
    assert document == stored("test-province-commune").source_document


def test_every_shipped_set_survives_export_and_import_unchanged(db):
    load_criteria_sets(DATA_DIR)
    before = snapshot()
    for stored_set in CriteriaSet.objects.order_by("set_id"):
        result = import_yaml(
            export_yaml(stored_set).encode(), filename=f"{stored_set.set_id}.yaml", actor=OPERATOR
        )
        assert (result.outcome, result.stored) == ("unchanged", stored_set), stored_set.label
    assert snapshot() == before
    assert not AuditEntry.objects.exists()


def edited_export(set_id: str, old: str, new: str) -> bytes:
    text = export_yaml(stored(set_id))
    assert old in text
    return text.replace(old, new, 1).encode()


def test_an_edited_file_becomes_a_new_draft_version(world):
    data = edited_export(
        "test-province-commune", "name_vi: Có khu dân cư mẫu", "name_vi: Có khu dân cư kiểu mẫu"
    )
    result = import_yaml(data, filename="tinh.yaml", actor=world.actors["hatinh"])
    assert result.outcome == "created"
    assert result.note == (
        "Tệp ghi phiên bản 1; phiên bản này đã có, nên tệp được nhập thành phiên bản 2."
    )
    draft = result.stored
    assert (draft.label, draft.status, draft.source_file) == (
        "test-province-commune@2",
        "draft",
        "tinh.yaml",
    )
    assert draft.derived_from == stored("test-province-commune")
    assert draft.created_by == world.users["hatinh"]
    assert draft.to_domain().criterion("20").indicators[0].name_vi == "Có khu dân cư kiểu mẫu"
    assert stored("test-province-commune").status == "published"  # v1 untouched
    entry = AuditEntry.objects.get(action="criteria_set.import")
    assert entry.summary == "test-province-commune@2: nhập từ tệp tinh.yaml"


def test_importing_the_drafts_own_export_again_updates_the_draft_only(world):
    draft = authoring.create_version(
        source=stored("test-province-commune"), actor=world.actors["hatinh"]
    )
    text = export_yaml(draft).replace("name_vi: Có khu dân cư mẫu", "name_vi: Khu dân cư")
    result = import_yaml(text.encode(), filename="nhap.yaml", actor=world.actors["hatinh"])
    assert (result.outcome, result.stored.pk) == ("updated", draft.pk)
    again = import_yaml(text.encode(), filename="nhap.yaml", actor=world.actors["hatinh"])
    assert again.outcome == "unchanged"
    assert AuditEntry.objects.filter(action="criteria_set.import").count() == 1


def test_import_with_publish_publishes_the_new_version(world):
    text = export_yaml(stored("test-province-commune"))
    text = text.replace("name_vi: Có khu dân cư mẫu", "name_vi: Khu dân cư kiểu mẫu")
    text = text.replace(
        "criteria:\n",
        "legal_source: {number: 7/QĐ-THỬ, date: 2026-01-05, issuer: UBND tỉnh}\ncriteria:\n",
        1,
    )
    result = import_yaml(
        text.encode(), filename="tinh.yaml", actor=world.actors["hatinh"], publish=True
    )
    assert (result.outcome, result.stored.label, result.stored.status) == (
        "published",
        "test-province-commune@2",
        "published",
    )
    assert result.stored.legal_number == "7/QĐ-THỬ"


def test_a_new_set_is_imported_as_a_draft_with_the_files_version(world):
    text = export_yaml(stored("test-province-commune")).replace(
        "id: test-province-commune", "id: hatinh-moi"
    )
    result = import_yaml(text.encode(), filename="moi.yaml", actor=world.actors["hatinh"])
    assert (result.stored.label, result.stored.status, result.outcome) == (
        "hatinh-moi@1",
        "draft",
        "created",
    )
    assert result.stored.derived_from == stored("test-commune")


# --- Bad files ----------------------------------------------------------------------------

VARIANT_HEAD = """\
id: test-province-commune
version: 1
status: published
name_vi: Bộ tiêu chí xã của tỉnh (thử)
level: commune
tier: standard
extends: {id: test-commune, version: 1}
province_code: '42'
"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"id: [unclosed\n",
            "tinh.yaml, dòng 2: lỗi cú pháp YAML: expected ',' or ']', but got '<stream end>'",
            id="syntax",
        ),
        pytest.param(
            b"- a\n- b\n",
            "tinh.yaml, dòng 1: tệp phải là một bộ tiêu chí (các trường id, version, "
            "criteria...), không phải list",
            id="not a set",
        ),
        pytest.param(b"  \n", "tinh.yaml: tệp rỗng", id="empty"),
        pytest.param(
            b"\xff\xfe\x00i\x00d",
            "tinh.yaml: không phải văn bản UTF-8 (byte lạ ở vị trí 0): có phải tệp YAML?",
            id="not utf-8",
        ),
        pytest.param(
            (VARIANT_HEAD + "version: 2\ncriteria: []\n").encode(),
            "tinh.yaml, dòng 9: khóa “version” được ghi hai lần trong cùng một mục",
            id="duplicate key",
        ),
        pytest.param(
            (VARIANT_HEAD + "note: &n x\ncriteria: *n\n").encode(),
            "tinh.yaml, dòng 10: tệp dùng tham chiếu YAML (*n): hãy ghi đầy đủ giá trị",
            id="alias",
        ),
        pytest.param(
            (
                VARIANT_HEAD
                + "criteria:\n  - number: '20'\n    name_vi: Vườn mẫu\n    indicators:\n"
                + "      - {code: '20.1', name_vi: Số vườn, kind: number, comparator: '>=',\n"
                + "         thresholds: [{value: năm mươi, confidence: verified}]}\n"
            ).encode(),
            "tinh.yaml, dòng 14, tiêu chí 20 › chỉ tiêu 20.1 › ngưỡng thứ 1 › giá trị: "
            "phải là một số, nhận được 'năm mươi'",
            id="text threshold",
        ),
        pytest.param(
            (
                VARIANT_HEAD
                + "criteria: []\noverrides:\n  - indicator: '10'\n"
                + "    thresholds: [{value: 30, region: BTB, from_year: 2020, confidence: verified}]\n"
            ).encode(),
            "tinh.yaml, dòng 12, ngưỡng tỉnh nâng cho chỉ tiêu 10 › ngưỡng thứ 1 › giá trị: "
            "30 nới lỏng ngưỡng >= 36 của bộ gốc (vùng BTB, từ năm 2020); bộ của tỉnh chỉ được "
            "nâng ngưỡng, không được hạ",
            id="loosening",
        ),
        pytest.param(
            VARIANT_HEAD.replace("test-commune, version: 1", "test-commune, version: 9").encode(),
            "tinh.yaml, dòng 7, bộ gốc: không có bộ gốc test-commune@9 (đã ban hành)",
            id="unknown base",
        ),
        pytest.param(
            (VARIANT_HEAD + "criteria:\n  - {number: '20', name_vi: X, weight: 3}\n").encode(),
            "tinh.yaml, dòng 10, tiêu chí 20 › weight: trường không có trong định dạng (các "
            "trường được dùng: confidence, group, indicators, name_en, name_vi, note, number, "
            "sources)",
            id="unknown field",
        ),
        pytest.param(
            VARIANT_HEAD.replace("tier: standard", "tier: chuan").encode(),
            "tinh.yaml, dòng 6, mức: 'chuan' không phải là một trong các giá trị: standard, "
            "advanced, model, modern, completion",
            id="untranslated tier",
        ),
    ],
)
def test_a_bad_file_is_refused_with_file_line_place_and_reason(world, content, message):
    before = snapshot()
    with pytest.raises(ImportRefused) as caught:
        import_yaml(content, filename="tinh.yaml", actor=world.actors["hatinh"])
    assert str(caught.value) == message
    assert snapshot() == before
    assert not AuditEntry.objects.exists()


def test_a_file_too_large_is_refused_before_it_is_read(world):
    with pytest.raises(ImportRefused, match="quá giới hạn 2000 kB"):
        import_yaml(b"#" * 2_000_001, filename="lon.yaml", actor=world.actors["hatinh"])


def test_another_provinces_file_is_refused_for_this_office(world):
    before = snapshot()
    data = edited_export("test-province-commune", "Có khu dân cư mẫu", "Khu dân cư")
    with pytest.raises(WriteDenied, match="nằm ngoài phạm vi"):
        import_yaml(data, filename="tinh.yaml", actor=world.actors["thanhhoa"])
    with pytest.raises(WriteDenied, match="Vai trò “Nhập liệu”"):
        import_yaml(data, filename="tinh.yaml", actor=world.actors["kylac"])
    assert snapshot() == before


def test_a_file_cannot_move_a_set_to_another_province(world):
    before = snapshot()
    data = edited_export("test-province-commune", "province_code: '42'", "province_code: '38'")
    with pytest.raises(ImportRefused) as caught:
        import_yaml(data, filename="tinh.yaml", actor=world.actors["national"])
    assert str(caught.value) == (
        "tinh.yaml, dòng 9, mã tỉnh: bộ test-province-commune thuộc tỉnh mã 42; tệp ghi mã "
        "tỉnh “38”"
    )
    assert snapshot() == before


def test_a_file_of_another_version_than_the_open_draft_is_refused(world):
    authoring.create_version(source=stored("test-province-commune"), actor=world.actors["hatinh"])
    before = snapshot()
    data = edited_export("test-province-commune", "Có khu dân cư mẫu", "Khu dân cư")
    with pytest.raises(ImportRefused) as caught:
        import_yaml(data, filename="tinh.yaml", actor=world.actors["hatinh"])
    assert caught.value.line == 3
    assert caught.value.message.startswith(
        "bộ test-province-commune đang có bản nháp phiên bản 2, còn tệp ghi phiên bản 1"
    )
    assert snapshot() == before


def test_import_with_publish_refuses_an_incomplete_set_and_writes_nothing(world):
    before = snapshot()
    data = edited_export("test-province-commune", "Có khu dân cư mẫu", "Khu dân cư")
    with pytest.raises(authoring.PublishRefused) as caught:
        import_yaml(data, filename="tinh.yaml", actor=world.actors["hatinh"], publish=True)
    assert [p.message for p in caught.value.problems][0] == (
        "Chưa nhập số văn bản ban hành bộ tiêu chí."
    )
    assert snapshot() == before
