"""The evaluation engine on hand-made sets: no database, milliseconds."""

from datetime import date

import numpy as np
import pytest

from ntm.core.criteria import engine
from ntm.core.criteria.engine import Status
from ntm.core.criteria.model import (
    AggregateSpec,
    Comparator,
    Confidence,
    CriteriaSetDef,
    CriterionDef,
    Differentiation,
    IndicatorDef,
    IndicatorKind,
    RatioSpec,
    ThresholdRow,
    Tier,
)

NAN = np.nan

INCOME = IndicatorDef(
    key="s:10",
    code="10",
    name_vi="Thu nhập",
    kind=IndicatorKind.NUMBER,
    unit="triệu đồng/người/năm",
    comparator=Comparator.GE,
    thresholds=(
        ThresholdRow(45, None, None, 2020),
        ThresholdRow(36, "BTB", None, 2020),
        ThresholdRow(50, "DBSH", None, 2020),
        ThresholdRow(39, "BTB", None, 2022),
    ),
)
POVERTY = IndicatorDef(
    key="s:11", code="11", name_vi="Hộ nghèo", kind=IndicatorKind.NUMBER, unit="%",
    comparator=Comparator.LE, thresholds=(ThresholdRow(6),),
)  # fmt: skip
UNCONFIRMED = IndicatorDef(
    key="s:2.1", code="2.1", name_vi="Đường xã", kind=IndicatorKind.NUMBER, unit="%",
    comparator=Comparator.GE, thresholds=(),
)  # fmt: skip
PLAN = IndicatorDef(key="s:1.1", code="1.1", name_vi="Quy hoạch", kind=IndicatorKind.JUDGEMENT)
ROADS = IndicatorDef(
    key="s:2.2", code="2.2", name_vi="Đường trục xã cứng hóa", kind=IndicatorKind.RATIO, unit="%",
    comparator=Comparator.GE, thresholds=(ThresholdRow(100),),
    ratio=RatioSpec("km cứng hóa", "km đường trục xã"),
)  # fmt: skip


def make_set(
    *criteria: CriterionDef, key_criteria: tuple[str, ...] = (), conditions=()
) -> CriteriaSetDef:
    return CriteriaSetDef(
        set_id="s", version=1, name_vi="Bộ thử", level="commune", tier=Tier.STANDARD,
        criteria=criteria, differentiation=Differentiation.REGION,
        revocation_key_criteria=key_criteria, conditions=conditions,
    )  # fmt: skip


def crit(number: str, *indicators: IndicatorDef) -> CriterionDef:
    return CriterionDef(
        key=f"s:{number}", number=number, name_vi=f"Tiêu chí {number}", indicators=indicators
    )


def run(definition, regions, values=None, nums=None, dens=None, certs=None, on=date(2021, 9, 25)):
    units = engine.UnitFrame.build(list(range(1, len(regions) + 1)), regions)
    inputs = engine.Inputs(
        {k: np.asarray(v, dtype=float) for k, v in (values or {}).items()},
        {k: np.asarray(v, dtype=float) for k, v in (nums or {}).items()},
        {k: np.asarray(v, dtype=float) for k, v in (dens or {}).items()},
        {k: np.asarray(v, dtype=np.int8) for k, v in (certs or {}).items()},
    )
    return engine.evaluate(definition, units, inputs, on)


@pytest.mark.parametrize(
    ("region", "year", "expected"),
    [
        pytest.param("BTB", 2020, 36, id="regional row"),
        pytest.param("DBSH", 2021, 50, id="regional row applies in later years"),
        pytest.param("BTB", 2023, 39, id="later row replaces the earlier one"),
        pytest.param("TN", 2020, 45, id="no regional row: the all-regions row"),
        pytest.param("", 2020, 45, id="unknown region: only the all-regions row"),
        pytest.param("BTB", 2019, None, id="no row before its year"),
    ],
)
def test_threshold_resolution_by_region_and_year(region, year, expected):
    units = engine.UnitFrame.build([1], [region])
    values, rows = engine.resolve_thresholds(INCOME, units, year)
    if expected is None:
        assert np.isnan(values[0]) and rows[0] == -1
    else:
        assert values[0] == expected


def test_number_indicator_met_not_met_and_gap_in_its_own_unit():
    result = run(make_set(crit("10", INCOME)), ["BTB", "BTB", "DBSH"], {"s:10": [40.0, 33.5, 48.0]})
    assert result.indicator_status[:, 0].tolist() == [Status.MET, Status.NOT_MET, Status.NOT_MET]
    assert result.threshold[:, 0].tolist() == [36, 36, 50]
    assert np.isnan(result.gap[0, 0])
    assert result.gap[1:, 0].tolist() == [2.5, 2.0]


def test_ceiling_indicator_gap_is_the_excess():
    result = run(make_set(crit("11", POVERTY)), ["BTB", "BTB"], {"s:11": [4.0, 7.25]})
    assert result.indicator_status[:, 0].tolist() == [Status.MET, Status.NOT_MET]
    assert result.gap[1, 0] == 1.25


def test_missing_value_differs_from_unconfirmed_threshold():
    definition = make_set(crit("2", UNCONFIRMED), crit("10", INCOME))
    result = run(definition, ["BTB", "BTB"], {"s:2.1": [100.0, NAN], "s:10": [NAN, 40.0]})
    # No confirmed threshold: not evaluable, whatever the value.
    assert result.indicator_status[:, 0].tolist() == [Status.NOT_EVALUABLE, Status.NOT_EVALUABLE]
    assert result.indicator_status[:, 1].tolist() == [Status.MISSING, Status.MET]
    assert result.criterion_status[:, 1].tolist() == [Status.MISSING, Status.MET]


def test_criterion_not_met_when_any_indicator_is_not_met_even_with_others_missing():
    definition = make_set(crit("X", INCOME, POVERTY, UNCONFIRMED))
    result = run(definition, ["BTB"], {"s:10": [NAN], "s:11": [9.0]})
    assert result.criterion_status[0, 0] == Status.NOT_MET


def test_criterion_without_indicator_detail_is_not_evaluable_until_certified():
    definition = make_set(crit("1"), crit("2"), crit("3"))
    result = run(
        definition,
        ["BTB", "BTB"],
        certs={
            "s:1": [engine.CERT_MET, engine.CERT_NONE],
            "s:2": [engine.CERT_NOT_MET, engine.CERT_NONE],
        },
    )
    assert result.criterion_status.tolist() == [
        [Status.MET, Status.NOT_MET, Status.NOT_EVALUABLE],
        [Status.NOT_EVALUABLE] * 3,
    ]
    assert result.certified[0].tolist() == [True, True, False]
    assert result.met.tolist() == [1, 0]


def test_certification_overrides_indicator_detail():
    result = run(
        make_set(crit("10", INCOME)), ["BTB"], {"s:10": [30.0]}, certs={"s:10": [engine.CERT_MET]}
    )
    assert result.indicator_status[0, 0] == Status.NOT_MET
    assert result.criterion_status[0, 0] == Status.MET


def test_a_value_observed_after_the_certification_decides_the_criterion():
    # Three units certified not met on day 100; income observed on day 90, 100 and 120.
    definition = make_set(crit("10", INCOME))
    inputs = engine.Inputs(
        {"s:10": np.asarray([40.0, 40.0, 40.0])},
        {},
        {},
        {"s:10": np.asarray([engine.CERT_NOT_MET] * 3, dtype=np.int8)},
        value_days={"s:10": np.asarray([90.0, 100.0, 120.0])},
        certification_days={"s:10": np.asarray([100.0, 100.0, 100.0])},
    )
    units = engine.UnitFrame.build([1, 2, 3], ["BTB"] * 3)
    result = engine.evaluate(definition, units, inputs, date(2021, 12, 31))
    assert result.criterion_status[:, 0].tolist() == [Status.NOT_MET, Status.NOT_MET, Status.MET]
    assert result.certified[:, 0].tolist() == [True, True, False]


def test_without_days_a_certification_always_decides():
    inputs_days = engine.Inputs(
        {"s:10": np.asarray([40.0])}, {}, {}, {"s:10": np.asarray([engine.CERT_NOT_MET], np.int8)}
    )
    result = engine.evaluate(
        make_set(crit("10", INCOME)),
        engine.UnitFrame.build([1], ["BTB"]),
        inputs_days,
        date(2021, 12, 31),
    )
    assert result.criterion_status[0, 0] == Status.NOT_MET


def test_judgement_indicator_uses_the_departments_decision():
    result = run(make_set(crit("1", PLAN)), ["", "", ""], {"s:1.1": [1.0, 0.0, NAN]})
    assert result.indicator_status[:, 0].tolist() == [Status.MET, Status.NOT_MET, Status.MISSING]


def test_ratio_is_computed_from_its_two_numbers():
    result = run(
        make_set(crit("2", ROADS)),
        ["", "", ""],
        nums={"s:2.2": [10, 7.7, 1]},
        dens={"s:2.2": [10, 10, 0]},
    )
    assert result.indicator_value[:2, 0].tolist() == pytest.approx([100.0, 77.0])
    assert result.indicator_status[:, 0].tolist() == [Status.MET, Status.NOT_MET, Status.MISSING]
    assert result.gap[1, 0] == pytest.approx(23.0)


def test_met_total_and_all_met():
    definition = make_set(crit("10", INCOME), crit("11", POVERTY))
    result = run(definition, ["BTB", "BTB"], {"s:10": [40, 40], "s:11": [3, 8]})
    assert result.met.tolist() == [2, 1]
    assert result.total == 2
    assert result.all_met.tolist() == [True, False]


def test_aggregate_children_counts_and_share():
    parent = np.array([0, 0, 0, 1, -1, 1])
    flags = np.array([True, True, False, True, True, True])
    counts, totals = engine.aggregate_children(parent, flags, 3)
    assert counts.tolist() == [2, 2, 0]
    assert totals.tolist() == [3, 2, 0]
    share = engine.share_percent(counts, totals)
    assert share[:2].tolist() == pytest.approx([66.666666, 100.0])
    assert np.isnan(share[2])


def test_aggregate_condition_is_required_for_all_met_but_not_counted():
    communes_at_standard = IndicatorDef(
        key="s:D0", code="D0", name_vi="100% xã đạt chuẩn", kind=IndicatorKind.AGGREGATE, unit="%",
        comparator=Comparator.GE, thresholds=(ThresholdRow(100),),
        aggregate=AggregateSpec("commune", "share_at_tier", Tier.STANDARD),
    )  # fmt: skip
    definition = make_set(crit("1", PLAN), conditions=(communes_at_standard,))
    result = run(definition, ["", ""], {"s:1.1": [1, 1], "s:D0": [100.0, 95.65]})
    assert result.total == 1
    assert result.met.tolist() == [1, 1]
    assert result.conditions_met.tolist() == [True, False]
    assert result.all_met.tolist() == [True, False]
    assert result.gap[1, 1] == pytest.approx(4.35)


@pytest.mark.parametrize(
    ("failed", "total", "key_failed", "due"),
    [
        pytest.param(5, 19, False, False, id="26% failing: kept"),
        pytest.param(6, 19, False, False, id="31.6% without a key criterion: kept"),
        pytest.param(6, 19, True, True, id="31.6% with a key criterion: revoked"),
        pytest.param(9, 19, True, True, id="47% with a key criterion: revoked"),
        pytest.param(9, 19, False, False, id="47% without a key criterion: kept"),
        pytest.param(10, 20, False, True, id="exactly 50%: revoked"),
        pytest.param(3, 10, True, True, id="exactly 30% with a key criterion: revoked"),
        pytest.param(0, 19, False, False, id="nothing failing"),
    ],
)
def test_revocation_rule_of_decision_18_2022(failed, total, key_failed, due):
    result_due, _, share = engine.revocation_rule(np.array([failed]), total, np.array([key_failed]))
    assert bool(result_due[0]) is due
    assert share[0] == pytest.approx(failed / total)


def test_revocation_near_when_one_more_key_failure_triggers():
    due, near, _ = engine.revocation_rule(np.array([4, 5, 6]), 19, np.array([False, False, False]))
    assert due.tolist() == [False, False, False]
    assert near.tolist() == [False, True, True]


def test_district_revocation_when_30_percent_of_communes_lost_recognition():
    due, _, _ = engine.revocation_rule(
        np.array([0, 0]), 9, np.array([False, False]), child_revoked_share=np.array([0.3, 0.29])
    )
    assert due.tolist() == [True, False]


def test_revocation_uses_the_sets_key_criteria():
    definition = make_set(
        *(
            crit(
                str(n),
                PLAN
                if n == 1
                else IndicatorDef(
                    key=f"s:j{n}", code=f"j{n}", name_vi="x", kind=IndicatorKind.JUDGEMENT
                ),
            )
            for n in range(1, 11)
        ),
        key_criteria=("10",),
    )
    values = {f"s:j{n}": [1, 1] for n in range(2, 11)}
    values["s:1.1"] = [0, 0]
    values["s:j2"] = [0, 0]
    values["s:j3"] = [1, 0]
    values["s:j10"] = [0, 1]
    result = run(definition, ["", ""], values)
    assert result.met.tolist() == [7, 7]
    assert result.key_criterion_failed.tolist() == [True, False]
    assert result.revocation_due.tolist() == [True, False]


def test_eligible_tiers_climb_the_ladder_in_order():
    ladder = [
        (Tier.STANDARD, np.array([True, True, False, True])),
        (Tier.ADVANCED, np.array([True, False, True, True])),
        (Tier.MODEL, np.array([True, True, True, False])),
    ]
    result = engine.eligible_tiers(ladder)
    assert result[Tier.STANDARD].tolist() == [True, True, False, True]
    assert result[Tier.ADVANCED].tolist() == [True, False, False, True]
    assert result[Tier.MODEL].tolist() == [True, False, False, False]


def test_district_standard_needs_all_communes_at_standard():
    ladder = [(Tier.STANDARD, np.array([True, True]))]
    result = engine.eligible_tiers(ladder, {Tier.STANDARD: np.array([True, False])})
    assert result[Tier.STANDARD].tolist() == [True, False]


def test_unit_report_names_value_threshold_gap_and_confidence():
    definition = make_set(crit("10", INCOME), crit("2", UNCONFIRMED), key_criteria=("10",))
    result = run(definition, ["BTB"], {"s:10": [30.0], "s:2.1": [80.0]})
    report = result.unit_report(1)
    income = report["criteria"][0]["indicators"][0]
    assert income == {
        "key": "s:10", "code": "10", "name": "Thu nhập", "kind": "number",
        "unit": "triệu đồng/người/năm", "comparator": ">=", "status": "not_met",
        "value": 30.0, "threshold": 36.0, "gap": 6.0, "confidence": "unverified",
        "threshold_confidence": Confidence.VERIFIED.value, "threshold_sources": [],
    }  # fmt: skip
    assert report["criteria"][1]["indicators"][0]["status"] == "not_evaluable"
    assert report["criteria"][1]["indicators"][0]["value"] == 80.0
    assert report["met"] == 0 and report["total"] == 2
    assert report["criteria"][0]["is_key_for_revocation"] is True


def test_national_run_shape_is_evaluated_in_one_pass():
    """10,035 communes × 60 indicators: shapes only (timings come from `make bench`)."""
    from ntm.bench import synthetic_definition, synthetic_inputs

    definition = synthetic_definition()
    n = 10035
    regions = np.array(["TDMNPB", "DBSH", "BTB", "DHNTB", "TN", "DNB", "DBSCL"])[np.arange(n) % 7]
    units = engine.UnitFrame.build(list(range(n)), regions.tolist())
    result = engine.evaluate(definition, units, synthetic_inputs(definition, n), date(2020, 12, 31))
    assert result.indicator_status.shape == (n, 60)
    assert result.criterion_status.shape == (n, 19)
    assert set(np.unique(result.indicator_status).tolist()) <= {Status.MET, Status.NOT_MET}
    assert 0 < result.met.mean() < 19
