"""Loading criteria-set files into the database."""

import copy

import pytest

from ntm.core.criteria.schema import CriteriaDataError
from ntm.criteria.models import CriteriaSet
from ntm.criteria.selectors import UnknownSet, get_set, ladder_of
from ntm.criteria.services import DATA_DIR, load_criteria_sets
from ntm.testing import ADVANCED_SET, COMMUNE_SET, DISTRICT_SET, VARIANT_SET, write_sets

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(CriteriaSet.objects.values_list("set_id", "version", "content_hash"))


def test_loading_creates_sets_then_changes_nothing(tmp_path):
    directory = write_sets(tmp_path, COMMUNE_SET, ADVANCED_SET, VARIANT_SET, DISTRICT_SET)
    first = load_criteria_sets(directory)
    assert sorted(first.created) == [
        "test-commune-advanced@1", "test-commune@1", "test-district@1", "test-province-commune@1",
    ]  # fmt: skip
    before = snapshot()
    second = load_criteria_sets(directory)
    assert second.created == [] and second.updated == []
    assert len(second.unchanged) == 4
    assert snapshot() == before


def test_variant_is_loaded_after_its_base_whatever_the_file_order(tmp_path):
    # The variant's file sorts first; its base must still be loaded before it.
    write_sets(tmp_path, COMMUNE_SET, VARIANT_SET)
    (tmp_path / "test-province-commune.yaml").rename(tmp_path / "0-variant.yaml")
    load_criteria_sets(tmp_path)
    variant = get_set("test-province-commune").to_domain()
    assert [c.number for c in variant.criteria] == ["1", "2", "10", "19", "20"]
    assert get_set("test-province-commune").extends == get_set("test-commune")


def test_editing_a_published_version_is_refused_and_nothing_changes(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET, ADVANCED_SET))
    before = snapshot()
    edited = copy.deepcopy(COMMUNE_SET)
    edited["criteria"][2]["indicators"][0]["thresholds"][1]["value"] = 38
    write_sets(tmp_path, edited)
    with pytest.raises(CriteriaDataError) as caught:
        load_criteria_sets(tmp_path)
    assert caught.value.file == "test-commune.yaml"
    assert "published version never changes" in caught.value.reason
    assert snapshot() == before


def test_a_new_version_of_a_published_set_is_added_beside_it(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET))
    edited = copy.deepcopy(COMMUNE_SET)
    edited["version"] = 2
    edited["criteria"][2]["indicators"][0]["thresholds"][1]["value"] = 38
    write_sets(tmp_path, edited)
    (tmp_path / "test-commune.yaml").rename(tmp_path / "test-commune@2.yaml")
    write_sets(tmp_path, COMMUNE_SET)
    load_criteria_sets(tmp_path)
    assert get_set("test-commune").version == 2
    assert (
        get_set("test-commune", 1).to_domain().criterion("10").indicators[0].thresholds[1].value
        == 36
    )


def test_one_bad_file_refuses_the_whole_load(tmp_path):
    bad = copy.deepcopy(ADVANCED_SET)
    bad["criteria"][0]["indicators"][0]["thresholds"][0]["value"] = "năm mươi"
    write_sets(tmp_path, COMMUNE_SET, bad)
    with pytest.raises(CriteriaDataError) as caught:
        load_criteria_sets(tmp_path)
    assert str(caught.value) == (
        "test-commune-advanced.yaml: criteria[0].indicators[0].thresholds[0].value: "
        "must be a number, got 'năm mươi'"
    )
    assert CriteriaSet.objects.count() == 0


def test_yaml_syntax_error_names_the_line(tmp_path):
    (tmp_path / "broken.yaml").write_text("id: x\ncriteria: [\n  - number: 1\n", encoding="utf-8")
    with pytest.raises(CriteriaDataError) as caught:
        load_criteria_sets(tmp_path)
    assert caught.value.file == "broken.yaml"
    assert caught.value.path.startswith("line ")
    assert "YAML syntax error" in caught.value.reason


def test_unknown_required_set_is_refused(tmp_path):
    orphan = copy.deepcopy(ADVANCED_SET)
    orphan["requires"] = "no-such-set"
    write_sets(tmp_path, orphan)
    with pytest.raises(CriteriaDataError) as caught:
        load_criteria_sets(tmp_path)
    assert (caught.value.path, caught.value.reason) == (
        "requires",
        "the set 'no-such-set' is not known",
    )


def test_ladder_goes_from_standard_up(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET, ADVANCED_SET))
    assert [s.set_id for s in ladder_of(get_set("test-commune-advanced"))] == [
        "test-commune", "test-commune-advanced",
    ]  # fmt: skip
    assert [s.set_id for s in ladder_of(get_set("test-commune"))] == [
        "test-commune", "test-commune-advanced",
    ]  # fmt: skip


def test_unknown_set_lists_the_known_ones(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET))
    with pytest.raises(UnknownSet, match="Known sets: test-commune"):
        get_set("hatinh")


REQUIRED_SETS = {
    "commune-ntm-2016-2020": ("commune", "standard", 19),
    "district-ntm-2016-2020": ("district", "standard", 9),
    "commune-ntm-2021-2025": ("commune", "standard", 19),
    "commune-ntm-nang-cao-2021-2025": ("commune", "advanced", 19),
    "commune-ntm-kieu-mau-2021-2025": ("commune", "model", 4),
    "district-ntm-2021-2025": ("district", "standard", 9),
    "commune-ntm-2026-2030": ("commune", "standard", 10),
    "hatinh-commune-ntm": ("commune", "standard", 20),
}


def test_project_data_files_load_and_hold_the_required_sets():
    report = load_criteria_sets(DATA_DIR)
    assert report.updated == []
    for set_id, (level, tier, criteria) in REQUIRED_SETS.items():
        stored = get_set(set_id)
        assert (stored.level, stored.tier, len(stored.definition["criteria"])) == (
            level,
            tier,
            criteria,
        ), set_id


def test_project_data_keeps_confidence_and_never_evaluates_unseen_thresholds():
    load_criteria_sets(DATA_DIR)
    hatinh = get_set("hatinh-commune-ntm").to_domain()
    # Criterion 20 of Hà Tĩnh: no required share was seen, so no threshold row.
    assert all(not i.thresholds for i in hatinh.criterion("20").indicators)
    income = hatinh.criterion("10").indicators[0]
    assert {(r.region, r.from_year, r.value) for r in income.thresholds} >= {("BTB", 2020, 36.0)}
    assert all(r.confidence in ("verified", "partial") for r in income.thresholds)
    district = get_set("district-ntm-2016-2020").to_domain()
    assert district.conditions[0].kind == "aggregate"
    assert district.conditions[0].thresholds == ()
