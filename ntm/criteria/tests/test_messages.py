"""The loader's refusals in words: places named by criterion and indicator, reasons translated."""

import pytest

from ntm.criteria.messages import describe_path, translate_reason

DOCUMENT = {
    "criteria": [
        {"number": "20", "indicators": [{"code": "20.1", "thresholds": [{"value": "x"}]}]},
        {"number": "21"},
    ],
    "overrides": [{"indicator": "10", "thresholds": [{"value": 30}]}],
}


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("criteria[0].indicators[0].thresholds[0].value", "tiêu chí 20 › chỉ tiêu 20.1 › ngưỡng thứ 1 › giá trị"),
        ("criteria[1].name_vi", "tiêu chí 21 › tên"),
        ("criteria[5].number", "tiêu chí thứ 6 › số"),
        ("overrides[0].thresholds[0].value", "ngưỡng tỉnh nâng cho chỉ tiêu 10 › ngưỡng thứ 1 › giá trị"),
        ("period.end", "giai đoạn › năm kết thúc"),
        ("", ""),
    ],
)  # fmt: skip
def test_a_place_is_named_by_numbers_and_codes(path, words):
    assert describe_path(path, DOCUMENT) == words


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("must be a number, got 'năm mươi'", "phải là một số, nhận được 'năm mươi'"),
        ("is required", "bắt buộc phải có"),
        ("is required for a ratio indicator", "bắt buộc với chỉ tiêu loại tỷ lệ"),
        ("'chuan' is not one of: standard, advanced", "'chuan' không phải là một trong các giá trị: standard, advanced"),
        ("criterion 20 is already in commune-ntm@1; use overrides to tighten it", "tiêu chí 20 đã có trong bộ gốc commune-ntm@1; chỉ được nâng ngưỡng của nó"),
        (
            "30 loosens the base threshold 36 (>=) for region BTB from 2020; a variant may only tighten",
            "30 nới lỏng ngưỡng >= 36 của bộ gốc (vùng BTB, từ năm 2020); bộ của tỉnh chỉ được nâng ngưỡng, không được hạ",
        ),
        ("duplicate row for region=BTB group=None from_year=2020", "trùng dòng ngưỡng: cùng vùng BTB, nhóm None, từ năm 2020"),
        ("a reason nobody foresaw", "a reason nobody foresaw"),
    ],
)  # fmt: skip
def test_a_reason_is_translated_or_kept_as_written(reason, words):
    assert translate_reason(reason) == words
