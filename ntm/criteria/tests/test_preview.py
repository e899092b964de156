"""What publishing a draft would change, over the province's communes."""

from __future__ import annotations

import datetime as dt

import pytest

from ntm.criteria import authoring
from ntm.criteria.authoring import ThresholdCell
from ntm.criteria.tests.helpers import DECISION, stored
from ntm.dashboards.draft_preview import preview_draft
from ntm.values.models import CriterionCertification, IndicatorValue

pytestmark = pytest.mark.django_db

DAY = dt.date(2020, 12, 31)


@pytest.fixture
def evidence(world):
    """Kỳ Lạc (income 38) and Kỳ Tây (income 42) meet every criterion of the province's set
    in BTB; Lâm Hợp has no data."""
    keys = ["test-commune:1", "test-commune:2", "test-commune:19", "test-province-commune:20"]
    for name, income in (("ky_lac", 38), ("ky_tay", 42)):
        unit = world.units[name]
        for key in keys:
            CriterionCertification.objects.create(
                unit=unit, criterion_key=key, is_met=True, certified_on=DAY
            )
        IndicatorValue.objects.create(
            unit=unit, indicator_key="test-commune:10", observed_on=DAY, value=income
        )
    return world


def raised_income(world):
    draft = authoring.create_version(
        source=stored("test-province-commune"), actor=world.actors["hatinh"]
    )
    return authoring.set_thresholds(
        draft,
        code="10",
        cells=[ThresholdCell(40, region="BTB", from_year=2020)],
        decision=DECISION,
        actor=world.actors["hatinh"],
    )


def test_raising_a_threshold_shows_who_would_lose_the_tier(evidence, django_assert_max_num_queries):
    draft = raised_income(evidence)
    with django_assert_max_num_queries(12):
        preview = preview_draft(draft, as_of=dt.date(2021, 9, 25))
    assert preview.before == stored("test-province-commune")
    assert preview.province == evidence.units["province"]
    assert preview.unit_count == 3  # Kỳ Lạc, Kỳ Tây, Lâm Hợp
    assert (preview.before_total, preview.after_total) == (5, 5)
    assert (preview.before_reached, preview.after_reached) == (2, 1)
    assert (preview.gained_count, preview.lost_count) == (0, 1)
    assert [(u.name, u.parent, u.before_met, u.after_met) for u in preview.lost] == [
        ("Xã Kỳ Lạc", "Huyện Kỳ Anh", 5, 4)
    ]
    assert (preview.more, preview.fewer, preview.same) == (0, 1, 2)
    assert [(c.number, c.before, c.after, c.status) for c in preview.changed_criteria] == [
        ("10", 2, 1, "changed")
    ]
    assert round(preview.before_average, 3) == round(10 / 3, 3)
    assert round(preview.after_average, 3) == 3.0


def test_an_added_criterion_counts_units_without_data_apart(evidence):
    draft = raised_income(evidence)
    authoring.add_criterion(
        draft, number="21", name_vi="Chuyển đổi số", actor=evidence.actors["hatinh"]
    )
    preview = preview_draft(stored("test-province-commune", 2), as_of=dt.date(2021, 9, 25))
    assert (preview.before_total, preview.after_total) == (5, 6)
    assert (preview.before_reached, preview.after_reached) == (2, 0)
    added = [c for c in preview.criteria if c.status == "added"]
    assert [(c.number, c.after, c.after_unknown) for c in added] == [("21", 0, 3)]


def test_the_default_date_is_the_last_day_with_data(evidence):
    assert preview_draft(raised_income(evidence)).as_of == DAY


def test_a_new_variant_is_compared_with_its_national_set(world):
    draft = authoring.create_variant(
        base=stored("test-commune-next"), province_code="42", actor=world.actors["hatinh"]
    )
    preview = preview_draft(draft, as_of=dt.date(2022, 6, 30))
    assert preview.before == stored("test-commune-next")
    assert preview.unit_count == 3
    assert preview.changed_criteria == ()
