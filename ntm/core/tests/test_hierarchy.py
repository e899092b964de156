"""The hierarchy core: code lookup across eras, event classification, successions, search keys."""

from datetime import date

import pytest

from ntm.core.hierarchy import (
    REFORM_2025,
    AmbiguousUnit,
    Era,
    EventKind,
    Level,
    Succession,
    UnitRecord,
    UnknownUnit,
    classify_event,
    era_of,
    find_by_code,
    search_key,
    successions_from_mapping,
    walk,
)

LAM_HOP = UnitRecord(1, "18838", "Xã Lâm Hợp", Level.COMMUNE, 10, date(2019, 12, 1), REFORM_2025)
OLD_KY_LAC = UnitRecord(2, "18850", "Xã Kỳ Lạc", Level.COMMUNE, 10, None, REFORM_2025)
NEW_KY_LAC = UnitRecord(3, "18838", "Xã Kỳ Lạc", Level.COMMUNE, 20, REFORM_2025, None)
OLD_PROVINCE = UnitRecord(20, "15", "Tỉnh Yên Bái", Level.PROVINCE, None, None, REFORM_2025)
NEW_PROVINCE = UnitRecord(21, "15", "Tỉnh Lào Cai", Level.PROVINCE, None, REFORM_2025, None)
UNITS = [LAM_HOP, OLD_KY_LAC, NEW_KY_LAC, OLD_PROVINCE, NEW_PROVINCE]


def test_a_reused_code_is_ambiguous_without_a_date_or_era():
    with pytest.raises(AmbiguousUnit) as error:
        find_by_code(UNITS, "18838")
    assert [u.id for u in error.value.candidates] == [1, 3]
    assert str(error.value) == (
        "The code '18838' is ambiguous: Xã Lâm Hợp (commune, 2019-12-01 – 2025-07-01); "
        "Xã Kỳ Lạc (commune, 2025-07-01 – …). Please give --as-of DATE or --era."
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param(date(2021, 9, 25), LAM_HOP, id="2021: the old Lâm Hợp"),
        pytest.param(date(2025, 6, 30), LAM_HOP, id="last day before the reform"),
        pytest.param(REFORM_2025, NEW_KY_LAC, id="reform day: valid_to is exclusive"),
    ],
)
def test_a_date_resolves_a_reused_code(on, expected):
    assert find_by_code(UNITS, "18838", on=on) == expected


@pytest.mark.parametrize(
    ("era", "expected"),
    [(Era.BEFORE_2025, LAM_HOP), (Era.FROM_2025, NEW_KY_LAC)],
)
def test_an_era_resolves_a_reused_code(era, expected):
    assert find_by_code(UNITS, " 18838 ", era=era) == expected


def test_a_level_separates_a_code_reused_at_another_level():
    assert find_by_code(UNITS, "15", on=date(2026, 1, 1), level=Level.PROVINCE) == NEW_PROVINCE


def test_an_unknown_code_and_a_code_not_in_force_are_reported():
    with pytest.raises(UnknownUnit, match="No administrative unit has the code '99999'."):
        find_by_code(UNITS, "99999")
    with pytest.raises(UnknownUnit, match="had the code '18838' on 2019-01-01"):
        find_by_code(UNITS, "18838", on=date(2019, 1, 1))


def test_the_era_of_a_period_starts_on_the_reform_day():
    assert era_of(None, REFORM_2025) is Era.BEFORE_2025
    assert era_of(date(2019, 12, 1), REFORM_2025) is Era.BEFORE_2025
    assert era_of(REFORM_2025, None) is Era.FROM_2025
    assert NEW_KY_LAC.era is Era.FROM_2025


@pytest.mark.parametrize(
    ("predecessors", "successors_of", "same_name", "same_parent", "expected"),
    [
        pytest.param([1, 2], {1: {3}, 2: {3}}, False, False, EventKind.MERGE, id="two into one"),
        pytest.param([1], {1: {3, 4}}, True, True, EventKind.SPLIT, id="divided"),
        pytest.param([1], {1: {3}}, False, False, EventKind.RENAME, id="new name"),
        pytest.param([1], {1: {3}}, True, False, EventKind.MOVE, id="new parent only"),
        pytest.param([1], {1: {3}}, True, True, EventKind.REORGANIZE, id="nothing visible"),
    ],
)
def test_classify_event_names_the_change(
    predecessors, successors_of, same_name, same_parent, expected
):
    assert (
        classify_event(predecessors, successors_of, same_name=same_name, same_parent=same_parent)
        is expected
    )


def test_successions_from_mapping_marks_divided_units_as_partial():
    whole = {"new-ky-lac": ["lam-hop", "ky-lac"], "new-ky-van": ["ky-tay"]}
    divided = {"tan-thanh": ["new-ky-van", "new-x"]}
    assert successions_from_mapping(whole, divided) == {
        "new-ky-lac": [("ky-lac", False), ("lam-hop", False)],
        "new-ky-van": [("ky-tay", False), ("tan-thanh", True)],
        "new-x": [("tan-thanh", True)],
    }


def test_walk_follows_successions_both_ways_without_looping():
    links = [Succession(1, 2), Succession(2, 3, True), Succession(4, 3), Succession(3, 1)]
    assert sorted(walk(1, links, forward=True)) == [2, 3]
    assert sorted(walk(3, links, forward=False)) == [1, 2, 4]
    assert walk(4, [], forward=True) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kỳ Lạc", "ky lac"),
        ("  XÃ   KỲ LẠC ", "xa ky lac"),
        ("Bà Rịa - Vũng Tàu", "ba ria vung tau"),
        ("Đắk Lắk", "dak lak"),
        ("", ""),
    ],
)
def test_search_key_ignores_accents_case_and_spacing(text, expected):
    assert search_key(text) == expected
