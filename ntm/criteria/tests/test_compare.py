"""Comparing two criteria sets, without a database: the domain part of the comparison page
and of a draft's diff (moved out of the web views, issue 10 §3)."""

from __future__ import annotations

from ntm.core.criteria.model import ThresholdRow
from ntm.core.criteria.schema import parse_document
from ntm.criteria.compare import compare_sets, compare_thresholds, natural_key
from ntm.criteria.tests.test_criteria_pages import NEXT_SET
from ntm.presentation.labels import line_label
from ntm.testing import COMMUNE_SET


def test_compare_counts():
    before = parse_document(COMMUNE_SET, file="a.yaml")
    after = parse_document(NEXT_SET, file="b.yaml")
    criteria, conditions, counts = compare_sets(before, after)
    assert [(c.number, c.status) for c in criteria] == [
        ("1", "same"), ("2", "same"), ("10", "changed"), ("19", "removed"), ("20", "added"),
    ]  # fmt: skip
    assert conditions == ()
    assert counts.criteria == {"same": 2, "changed": 1, "added": 1, "removed": 1}
    assert counts.indicators == {"same": 2, "changed": 1, "added": 1, "removed": 0}
    assert counts.thresholds == {"added": 1, "removed": 0, "changed": 1}
    income = next(c for c in criteria if c.number == "10").indicators[0]
    assert [(t.region, t.from_year, t.status) for t in income.threshold_changes] == [
        ("DBSH", 2020, "added"),
        ("BTB", 2020, "changed"),
    ]


def test_threshold_rows_match_on_region_group_and_year_and_read_as_lines():
    changes = compare_thresholds(
        (ThresholdRow(value=30, region="TDMNPB"), ThresholdRow(value=45, from_year=2020)),
        (ThresholdRow(value=45, from_year=2020), ThresholdRow(value=5, group=2)),
    )
    assert [(c.region, c.group, c.status) for c in changes] == [
        (None, None, "same"),
        (None, 2, "added"),
        ("TDMNPB", None, "removed"),
    ]
    assert [line_label(c) for c in changes] == [
        "Mọi đơn vị",
        "Nhóm 2",
        "Trung du và miền núi phía Bắc",
    ]


def test_natural_order_of_codes():
    codes = ["2.10", "10", "2.9", "2", "19", "1"]
    assert sorted(codes, key=natural_key) == ["1", "2", "2.9", "2.10", "10", "19"]
