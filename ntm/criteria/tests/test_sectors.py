"""The conventional sector of each criterion: the data file is consistent with the sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from ntm.criteria.sectors import criterion_sectors, read_sectors, sector_map
from ntm.criteria.services import DATA_DIR, CriteriaDataError, load_criteria_sets, read_yaml


def _set_files() -> dict[str, dict]:
    return {
        document["id"]: document
        for path in DATA_DIR.glob("*.yaml")
        if path.name != "sectors.yaml"
        for document in [read_yaml(path)]
    }


def test_every_listed_set_and_criterion_exists_in_the_data():
    sets = _set_files()
    mapping = sector_map()
    for set_id, numbers in mapping.by_set.items():
        assert set_id in sets, set_id
        known = {str(c["number"]) for c in sets[set_id].get("criteria", [])}
        assert set(numbers) <= known, (set_id, set(numbers) - known)


def test_the_file_says_it_is_a_convention_not_a_rule():
    mapping = sector_map()
    assert mapping.confidence == "unverified"
    assert "không phải quy định pháp lý" in mapping.note


@pytest.mark.django_db
def test_a_provincial_variant_inherits_the_sectors_of_its_base():
    load_criteria_sets(DATA_DIR)
    from ntm.criteria.selectors import get_set

    hatinh = criterion_sectors(get_set("hatinh-commune-ntm").to_domain())
    assert hatinh["commune-ntm-2016-2020:2"].code == "transport"
    assert hatinh["commune-ntm-2016-2020:15"].code == "health"
    assert hatinh["hatinh-commune-ntm:20"] is None  # added by Hà Tĩnh: the office verifies it
    assert len(hatinh) == 20


@pytest.mark.parametrize(
    ("text", "place", "reason"),
    [
        ("sectors: []\n", "sectors", "expected a non-empty list of sectors"),
        ("sectors:\n  - {name_vi: Y tế}\n", "sectors[0]", "a sector needs a `code`"),
        (
            "sectors:\n  - {code: health, name_vi: Y tế}\n  - {code: health, name_vi: Y}\n",
            "sectors[1].code",
            "sector 'health' is listed twice",
        ),
        (
            "sectors:\n  - {code: health, name_vi: Y tế}\ncriteria:\n  s: {'2': roads}\n",
            "criteria.s.2",
            "unknown sector 'roads'",
        ),
    ],
)
def test_a_bad_sectors_file_is_refused_with_the_place(tmp_path: Path, text, place, reason):
    path = tmp_path / "sectors.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CriteriaDataError) as refused:
        read_sectors(path)
    assert (refused.value.path, refused.value.reason) == (place, reason)


@pytest.mark.django_db
def test_the_set_loader_skips_the_sectors_file():
    report = load_criteria_sets(DATA_DIR)
    assert len(report.created) == len(_set_files()) == 11
