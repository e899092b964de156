"""Validation of criteria-set documents and provincial variants."""

import copy

import pytest

from ntm.core.criteria.model import IndicatorKind
from ntm.core.criteria.schema import (
    CriteriaDataError,
    definition_from_dict,
    definition_to_dict,
    parse_document,
)

BASE = {
    "id": "commune-base",
    "version": 1,
    "status": "published",
    "name_vi": "Bộ tiêu chí xã",
    "level": "commune",
    "tier": "standard",
    "period": {"start": 2016, "end": 2020},
    "differentiation": "region",
    "revocation_key_criteria": ["10"],
    "criteria": [
        {
            "number": "10",
            "name_vi": "Thu nhập",
            "confidence": "verified",
            "indicators": [
                {
                    "code": "10",
                    "name_vi": "Thu nhập bình quân đầu người",
                    "kind": "number",
                    "unit": "triệu đồng/người/năm",
                    "comparator": ">=",
                    "confidence": "verified",
                    "sources": ["https://example.org/income"],
                    "thresholds": [
                        {"value": 36, "region": "BTB", "from_year": 2020},
                        {"value": 50, "region": "DBSH", "from_year": 2020},
                    ],
                }
            ],
        },
        {
            "number": "1",
            "name_vi": "Quy hoạch",
            "indicators": [{"code": "1.1", "name_vi": "Có quy hoạch", "kind": "judgement"}],
        },
    ],
}

VARIANT = {
    "id": "province-variant",
    "version": 1,
    "status": "published",
    "name_vi": "Bộ tiêu chí của tỉnh",
    "level": "commune",
    "tier": "standard",
    "extends": {"id": "commune-base", "version": 1},
    "province_code": "42",
    "criteria": [
        {
            "number": "20",
            "name_vi": "Khu dân cư mẫu, vườn mẫu",
            "indicators": [
                {
                    "code": "20.1",
                    "name_vi": "Tỷ lệ thôn đạt chuẩn",
                    "kind": "number",
                    "unit": "%",
                    "comparator": ">=",
                    "thresholds": [],
                }
            ],
        }
    ],
}


def base_resolver():
    base = parse_document(BASE, file="base.yaml")
    return lambda set_id, version: base if (set_id, version) == ("commune-base", 1) else None


def refused(document, file="set.yaml", **kwargs) -> CriteriaDataError:
    with pytest.raises(CriteriaDataError) as caught:
        parse_document(document, file=file, **kwargs)
    return caught.value


def test_valid_set_is_parsed_with_keys_sources_and_confidence():
    definition = parse_document(BASE, file="base.yaml")
    income = definition.criterion("10").indicators[0]
    assert income.key == "commune-base:10"
    assert income.thresholds[0].sources == ("https://example.org/income",)
    assert income.thresholds[0].confidence == "verified"
    assert definition.criterion("1").indicators[0].kind is IndicatorKind.JUDGEMENT


def test_definition_survives_a_round_trip_through_json():
    definition = parse_document(BASE, file="base.yaml")
    assert definition_from_dict(definition_to_dict(definition)) == definition


@pytest.mark.parametrize(
    ("mutate", "path", "reason"),
    [
        pytest.param(
            lambda d: d["criteria"][0]["indicators"][0]["thresholds"][0].update(value="36"),
            "criteria[0].indicators[0].thresholds[0].value",
            "must be a number",
            id="text threshold",
        ),
        pytest.param(
            lambda d: d["criteria"][0]["indicators"][0]["thresholds"][0].update(region="MIEN_TAY"),
            "criteria[0].indicators[0].thresholds[0].region",
            "is not one of",
            id="unknown region",
        ),
        pytest.param(
            lambda d: d["criteria"][0]["indicators"][0]["thresholds"][1].update(region="BTB"),
            "criteria[0].indicators[0].thresholds[1]",
            "duplicate row",
            id="duplicate row",
        ),
        pytest.param(
            lambda d: d["criteria"][0]["indicators"][0]["thresholds"][0].update(
                confidence="unverified"
            ),
            "criteria[0].indicators[0].thresholds[0].confidence",
            "put it in `recalled`",
            id="unverified threshold",
        ),
        pytest.param(
            lambda d: d["criteria"][1]["indicators"][0].update(comparator=">="),
            "criteria[1].indicators[0].comparator",
            "a judgement has no comparator",
            id="judgement with comparator",
        ),
        pytest.param(
            lambda d: d["criteria"][0]["indicators"][0].pop("comparator"),
            "criteria[0].indicators[0].comparator",
            "is required",
            id="number without comparator",
        ),
        pytest.param(
            lambda d: d["criteria"][1].update(number="10"),
            "criteria[1].number",
            "appears twice",
            id="duplicate criterion",
        ),
        pytest.param(
            lambda d: d["criteria"][0].update(threshold=5),
            "criteria[0].threshold",
            "unknown field",
            id="unknown field",
        ),
        pytest.param(
            lambda d: d.update(tier="chuan"), "tier", "is not one of", id="untranslated tier"
        ),
        pytest.param(
            lambda d: d.update(revocation_key_criteria=["17"]),
            "revocation_key_criteria[0]",
            "criterion 17 is not in the set",
            id="unknown key criterion",
        ),
        pytest.param(
            lambda d: d.update(period={"start": 2020, "end": 2016}),
            "period.end",
            "before the start",
            id="period backwards",
        ),
    ],
)
def test_bad_data_is_refused_with_file_place_and_reason(mutate, path, reason):
    document = copy.deepcopy(BASE)
    mutate(document)
    error = refused(document, file="commune-base.yaml")
    assert error.file == "commune-base.yaml"
    assert error.path == path
    assert reason in error.reason
    assert str(error).startswith(f"commune-base.yaml: {path}: ")


def test_variant_inherits_base_criteria_and_adds_its_own():
    variant = parse_document(VARIANT, file="variant.yaml", resolve_base=base_resolver())
    assert [c.number for c in variant.criteria] == ["10", "1", "20"]
    # Inherited indicators keep the base key, so values are shared with the base set.
    assert variant.criterion("10").indicators[0].key == "commune-base:10"
    assert variant.criterion("20").indicators[0].key == "province-variant:20.1"
    assert variant.differentiation == "region"
    assert variant.revocation_key_criteria == ("10",)


def test_variant_may_tighten_a_threshold():
    document = copy.deepcopy(VARIANT)
    document["overrides"] = [
        {"indicator": "10", "thresholds": [{"value": 40, "region": "BTB", "from_year": 2020}]}
    ]
    variant = parse_document(document, file="variant.yaml", resolve_base=base_resolver())
    rows = {
        (r.region, r.from_year): r.value for r in variant.criterion("10").indicators[0].thresholds
    }
    assert rows == {("BTB", 2020): 40, ("DBSH", 2020): 50}


def test_variant_may_not_loosen_a_threshold():
    document = copy.deepcopy(VARIANT)
    document["overrides"] = [
        {"indicator": "10", "thresholds": [{"value": 30, "region": "BTB", "from_year": 2020}]}
    ]
    error = refused(document, file="variant.yaml", resolve_base=base_resolver())
    assert error.path == "overrides[0].thresholds[0].value"
    assert "loosens the base threshold 36" in error.reason


def _with_income_rows(rows):
    base = copy.deepcopy(BASE)
    base["criteria"][0]["indicators"][0]["thresholds"] = rows
    definition = parse_document(base, file="base.yaml")
    return lambda set_id, version: definition if (set_id, version) == ("commune-base", 1) else None


def _override(*rows):
    document = copy.deepcopy(VARIANT)
    document["overrides"] = [{"indicator": "10", "thresholds": list(rows)}]
    return document


def test_variant_may_tighten_a_region_row_below_the_row_for_every_region():
    # Bắc Trung Bộ communes meet 36 under the base, not 45: raising it to 40 tightens.
    resolver = _with_income_rows(
        [{"value": 45, "from_year": 2020}, {"value": 36, "region": "BTB", "from_year": 2020}]
    )
    variant = parse_document(
        _override({"value": 40, "region": "BTB", "from_year": 2020}),
        file="variant.yaml",
        resolve_base=resolver,
    )
    rows = {
        (r.region, r.from_year): r.value for r in variant.criterion("10").indicators[0].thresholds
    }
    assert rows == {(None, 2020): 45, ("BTB", 2020): 40}


def test_variant_may_not_loosen_a_region_by_a_row_for_every_region():
    # A row for every region replaces the base's row for every region: DBSH keeps its 50,
    # but units with no region (and any region without its own row) would drop to 40.
    resolver = _with_income_rows(
        [{"value": 45, "from_year": 2020}, {"value": 50, "region": "DBSH", "from_year": 2020}]
    )
    error = refused(
        _override({"value": 40, "from_year": 2020}), file="variant.yaml", resolve_base=resolver
    )
    assert error.path == "overrides[0].thresholds[0].value"
    assert error.reason == (
        "40 loosens the base threshold 45 (>=) for every unit from 2020; a variant may only tighten"
    )


def test_variant_may_fill_years_before_the_base_threshold_starts():
    resolver = _with_income_rows([{"value": 45, "from_year": 2020}])
    variant = parse_document(
        _override({"value": 30, "from_year": 2017}), file="variant.yaml", resolve_base=resolver
    )
    rows = {r.from_year: r.value for r in variant.criterion("10").indicators[0].thresholds}
    assert rows == {2020: 45, 2017: 30}


def test_variant_may_fill_a_threshold_the_base_leaves_to_confirm():
    resolver = _with_income_rows([])
    variant = parse_document(
        _override({"value": 12, "region": "BTB"}), file="variant.yaml", resolve_base=resolver
    )
    assert [r.value for r in variant.criterion("10").indicators[0].thresholds] == [12]


@pytest.mark.parametrize(
    ("comparator", "value", "is_allowed"),
    [
        pytest.param(">=", 40, True, id=">= raised"),
        pytest.param(">=", 30, False, id=">= lowered"),
        pytest.param("<=", 30, True, id="<= lowered"),
        pytest.param("<=", 40, False, id="<= raised"),
        pytest.param("==", 36, True, id="== same"),
        pytest.param("==", 40, False, id="== changed"),
    ],
)
def test_tightening_follows_the_comparator(comparator, value, is_allowed):
    base = copy.deepcopy(BASE)
    base["criteria"][0]["indicators"][0]["comparator"] = comparator
    definition = parse_document(base, file="base.yaml")
    document = _override({"value": value, "region": "BTB", "from_year": 2020})
    if is_allowed:
        parse_document(document, file="variant.yaml", resolve_base=lambda *_: definition)
    else:
        error = refused(document, file="variant.yaml", resolve_base=lambda *_: definition)
        assert f"loosens the base threshold 36 ({comparator})" in error.reason


def test_variant_may_not_redefine_a_base_criterion():
    document = copy.deepcopy(VARIANT)
    document["criteria"][0]["number"] = "10"
    error = refused(document, file="variant.yaml", resolve_base=base_resolver())
    assert error.path == "criteria[0].number"


def test_variant_needs_a_known_base():
    error = refused(copy.deepcopy(VARIANT), file="variant.yaml", resolve_base=lambda *_: None)
    assert error.path == "extends"
    assert "commune-base@1 is not known" in error.reason
