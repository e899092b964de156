"""The loader's refusals in the user's language: the place in words and the reason.

The loader (``ntm.core.criteria.schema``) stays framework-free and reports in English for
the data files and the command line (``criteria[3].indicators[1].thresholds[0].value:
must be a number``). People who author sets in the web pages read Vietnamese: this module
names the place by criterion number and indicator code ("tiêu chí 20 › chỉ tiêu 20.1 ›
ngưỡng thứ 1 › giá trị") and translates the reason. A reason with no translation here is
shown as the loader wrote it, so nothing is ever hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ntm.core.criteria.schema import CriteriaDataError

FIELD_LABELS: dict[str, Any] = {
    "id": gettext_lazy("mã bộ tiêu chí"),
    "version": gettext_lazy("phiên bản"),
    "status": gettext_lazy("trạng thái"),
    "name_vi": gettext_lazy("tên"),
    "name_en": gettext_lazy("tên tiếng Anh"),
    "level": gettext_lazy("cấp"),
    "tier": gettext_lazy("mức"),
    "period": gettext_lazy("giai đoạn"),
    "start": gettext_lazy("năm bắt đầu"),
    "end": gettext_lazy("năm kết thúc"),
    "differentiation": gettext_lazy("cách phân hóa ngưỡng"),
    "requires": gettext_lazy("bộ phải đạt trước"),
    "extends": gettext_lazy("bộ gốc"),
    "province_code": gettext_lazy("mã tỉnh"),
    "confidence": gettext_lazy("mức độ xác minh"),
    "legal_source": gettext_lazy("văn bản ban hành"),
    "number": gettext_lazy("số"),
    "date": gettext_lazy("ngày ban hành"),
    "effective": gettext_lazy("ngày hiệu lực"),
    "issuer": gettext_lazy("cơ quan ban hành"),
    "sources": gettext_lazy("nguồn"),
    "note": gettext_lazy("ghi chú"),
    "code": gettext_lazy("mã"),
    "kind": gettext_lazy("loại"),
    "unit": gettext_lazy("đơn vị tính"),
    "comparator": gettext_lazy("phép so sánh"),
    "national": gettext_lazy("mức chung cả nước"),
    "thresholds": gettext_lazy("ngưỡng"),
    "recalled": gettext_lazy("ghi nhớ chưa kiểm chứng"),
    "ratio": gettext_lazy("cách tính tỷ lệ"),
    "numerator": gettext_lazy("tử số"),
    "denominator": gettext_lazy("mẫu số"),
    "scale": gettext_lazy("hệ số"),
    "aggregate": gettext_lazy("cách tổng hợp"),
    "value": gettext_lazy("giá trị"),
    "region": gettext_lazy("vùng"),
    "group": gettext_lazy("nhóm"),
    "from_year": gettext_lazy("từ năm"),
    "indicator": gettext_lazy("chỉ tiêu"),
    "revocation_key_criteria": gettext_lazy("tiêu chí then chốt khi thu hồi"),
    "groups": gettext_lazy("nhóm tiêu chí"),
    "criteria": gettext_lazy("tiêu chí"),
    "conditions": gettext_lazy("điều kiện của mức"),
    "overrides": gettext_lazy("ngưỡng tỉnh nâng"),
}

_STEP = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?")


def _item(document: Any, key: str, index: int) -> Any:
    if isinstance(document, Mapping):
        items = document.get(key)
        if isinstance(items, list) and 0 <= index < len(items):
            return items[index]
    return None


def describe_path(path: str, document: Any) -> str:
    """``criteria[0].indicators[1].thresholds[0].value`` -> "tiêu chí 20 › chỉ tiêu 20.2 ›
    ngưỡng thứ 1 › giá trị", reading numbers and codes from the document."""
    if not path:
        return ""
    words: list[str] = []
    current: Any = document
    for name, index_text in _STEP.findall(path):
        if index_text == "":
            current = current.get(name) if isinstance(current, Mapping) else None
            words.append(str(FIELD_LABELS.get(name, name)))
            continue
        index = int(index_text)
        item = _item(current, name, index)
        label = _step_label(name, index, item)
        words.append(label)
        current = item
    return " › ".join(words)


def _step_label(name: str, index: int, item: Any) -> str:
    def value(key: str) -> str:
        return str(item.get(key)) if isinstance(item, Mapping) and item.get(key) else ""

    position = index + 1
    if name == "criteria":
        number = value("number")
        if number:
            return _("tiêu chí %(number)s") % {"number": number}
        return _("tiêu chí thứ %(position)d") % {"position": position}
    if name in ("indicators", "conditions"):
        code = value("code")
        if code:
            return _("chỉ tiêu %(code)s") % {"code": code}
        return _("chỉ tiêu thứ %(position)d") % {"position": position}
    if name == "thresholds":
        return _("ngưỡng thứ %(position)d") % {"position": position}
    if name == "overrides":
        code = value("indicator")
        if code:
            return _("ngưỡng tỉnh nâng cho chỉ tiêu %(code)s") % {"code": code}
        return _("ngưỡng tỉnh nâng thứ %(position)d") % {"position": position}
    if name == "groups":
        return _("nhóm tiêu chí thứ %(position)d") % {"position": position}
    label = FIELD_LABELS.get(name, name)
    return f"{label} [{position}]"


def _scope_words(scope: str) -> str:
    """'region BTB from 2020' -> 'vùng BTB, từ năm 2020'."""
    match = re.fullmatch(r"(region (\S+)|commune group (\d)|every unit)(?: from (\d+))?", scope)
    if match is None:
        return scope
    if match.group(2):
        words = _("vùng %(region)s") % {"region": match.group(2)}
    elif match.group(3):
        words = _("nhóm xã %(group)s") % {"group": match.group(3)}
    else:
        words = _("mọi đơn vị")
    if match.group(4):
        words += ", " + _("từ năm %(year)s") % {"year": match.group(4)}
    return words


def _kind_words(kind: str) -> str:
    return {"number": _("số"), "ratio": _("tỷ lệ"), "aggregate": _("tổng hợp đơn vị con")}.get(
        kind, kind
    )


#: (pattern, translation) in order: the first pattern that matches the whole reason wins.
_REASONS: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (
        r"is required \(a row exists only for a value seen in a source\)",
        lambda m: _("bắt buộc phải có (một dòng ngưỡng chỉ có khi đã thấy giá trị trong văn bản)"),
    ),
    (
        r"is required for a (\w+) indicator",
        lambda m: _("bắt buộc với chỉ tiêu loại %(kind)s") % {"kind": _kind_words(m[1])},
    ),
    (r"is required", lambda m: _("bắt buộc phải có")),
    (
        r"must be a number, got (.*)",
        lambda m: _("phải là một số, nhận được %(value)s") % {"value": m[1]},
    ),
    (
        r"must be a whole number, got (.*)",
        lambda m: _("phải là số nguyên, nhận được %(value)s") % {"value": m[1]},
    ),
    (
        r"must be at least (\S+), got (.*)",
        lambda m: (
            _("phải từ %(minimum)s trở lên, nhận được %(value)s") % {"minimum": m[1], "value": m[2]}
        ),
    ),
    (
        r"must be at most (\S+), got (.*)",
        lambda m: (
            _("không được lớn hơn %(maximum)s, nhận được %(value)s")
            % {"maximum": m[1], "value": m[2]}
        ),
    ),
    (
        r"must be text, got (\w+)",
        lambda m: _("phải là chữ, nhận được kiểu %(type)s") % {"type": m[1]},
    ),
    (
        r"must be a mapping, got (\w+)",
        lambda m: _("phải là một bảng “khóa: giá trị”, nhận được kiểu %(type)s") % {"type": m[1]},
    ),
    (
        r"must be a list of URLs or document references",
        lambda m: _("phải là danh sách địa chỉ URL hoặc tên văn bản"),
    ),
    (
        r"must be a list of threshold rows \(\[\] when no value was seen\)",
        lambda m: _("phải là danh sách dòng ngưỡng ([] khi chưa thấy giá trị trong văn bản)"),
    ),
    (r"must be a list", lambda m: _("phải là một danh sách")),
    (
        r"must be a date YYYY-MM-DD or null, got (.*)",
        lambda m: (
            _("phải là ngày dạng YYYY-MM-DD hoặc để trống, nhận được %(value)s") % {"value": m[1]}
        ),
    ),
    (r"must be a positive number", lambda m: _("phải là số dương")),
    (
        r"must be a number, text or mapping",
        lambda m: _("phải là số, chữ hoặc bảng “khóa: giá trị”"),
    ),
    (
        r"unknown field \(allowed: (.*)\)",
        lambda m: (
            _("trường không có trong định dạng (các trường được dùng: %(allowed)s)")
            % {"allowed": m[1]}
        ),
    ),
    (
        r"duplicate row for region=(\S+) group=(\S+) from_year=(\S+)",
        lambda m: (
            _("trùng dòng ngưỡng: cùng vùng %(region)s, nhóm %(group)s, từ năm %(year)s")
            % {"region": m[1], "group": m[2], "year": m[3]}
        ),
    ),
    (
        r"an unverified value is never evaluated: put it in `recalled` instead",
        lambda m: _(
            "giá trị chưa xác minh không bao giờ được dùng để đánh giá: ghi vào “recalled”"
        ),
    ),
    (
        r"the set is differentiated by (\w+), not region",
        lambda m: (
            _("bộ tiêu chí không phân hóa ngưỡng theo vùng (cách phân hóa: %(how)s)")
            % {"how": m[1]}
        ),
    ),
    (
        r"the set is differentiated by (\w+), not commune group",
        lambda m: (
            _("bộ tiêu chí không phân hóa ngưỡng theo nhóm xã (cách phân hóa: %(how)s)")
            % {"how": m[1]}
        ),
    ),
    (
        r"a judgement has no comparator",
        lambda m: _("chỉ tiêu đánh giá đạt/chưa đạt không có phép so sánh"),
    ),
    (
        r"a judgement has no threshold rows",
        lambda m: _("chỉ tiêu đánh giá đạt/chưa đạt không có dòng ngưỡng"),
    ),
    (
        r"only a ratio indicator has a ratio",
        lambda m: _("chỉ chỉ tiêu tỷ lệ mới có cách tính tỷ lệ"),
    ),
    (
        r"only an aggregate indicator has an aggregate",
        lambda m: _("chỉ chỉ tiêu tổng hợp đơn vị con mới có cách tổng hợp"),
    ),
    (
        r"criterion (\S+) appears twice",
        lambda m: _("tiêu chí %(number)s xuất hiện hai lần") % {"number": m[1]},
    ),
    (
        r"indicator (\S+) appears twice",
        lambda m: _("chỉ tiêu %(code)s xuất hiện hai lần") % {"code": m[1]},
    ),
    (
        r"(.*) must be lower-case letters, digits and hyphens",
        lambda m: (
            _("%(value)s: mã bộ chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang")
            % {"value": m[1]}
        ),
    ),
    (
        r"(\S+) is before the start (\S+)",
        lambda m: _("năm %(end)s trước năm bắt đầu %(start)s") % {"end": m[1], "start": m[2]},
    ),
    (
        r"(.*) is not one of the set's groups",
        lambda m: _("%(value)s không phải là một nhóm tiêu chí của bộ") % {"value": m[1]},
    ),
    (
        r"(.*) is not one of: (.*)",
        lambda m: (
            _("%(value)s không phải là một trong các giá trị: %(choices)s")
            % {"value": m[1], "choices": m[2]}
        ),
    ),
    (
        r"a set needs at least one criterion",
        lambda m: _("bộ tiêu chí cần ít nhất một tiêu chí"),
    ),
    (
        r"only a variant \(with extends\) can override thresholds",
        lambda m: _("chỉ bộ của tỉnh (có bộ gốc) mới được nâng ngưỡng của bộ gốc"),
    ),
    (
        r"a variant can only be loaded together with its base set",
        lambda m: _("bộ của tỉnh chỉ nạp được cùng với bộ gốc"),
    ),
    (
        r"the base set (\S+) is not known",
        lambda m: _("không có bộ gốc %(label)s (đã ban hành)") % {"label": m[1]},
    ),
    (
        r"the set (.*) is not known",
        lambda m: _("không có bộ tiêu chí %(label)s") % {"label": m[1]},
    ),
    (
        r"criterion (\S+) is not in the set",
        lambda m: _("tiêu chí %(number)s không có trong bộ") % {"number": m[1]},
    ),
    (
        r"a variant must keep the base level (.*)",
        lambda m: _("bộ của tỉnh phải cùng cấp với bộ gốc (%(level)s)") % {"level": m[1]},
    ),
    (
        r"criterion (\S+) is already in (\S+); use overrides to tighten it",
        lambda m: (
            _("tiêu chí %(number)s đã có trong bộ gốc %(label)s; chỉ được nâng ngưỡng của nó")
            % {"number": m[1], "label": m[2]}
        ),
    ),
    (
        r"indicator (\S+) is already in (\S+)",
        lambda m: (
            _("chỉ tiêu %(code)s đã có trong bộ gốc %(label)s") % {"code": m[1], "label": m[2]}
        ),
    ),
    (
        r"indicator (\S+) is not in (\S+)",
        lambda m: (
            _("chỉ tiêu %(code)s không có trong bộ gốc %(label)s") % {"code": m[1], "label": m[2]}
        ),
    ),
    (
        r"indicator (\S+) is overridden twice",
        lambda m: _("ngưỡng của chỉ tiêu %(code)s được nâng hai lần") % {"code": m[1]},
    ),
    (
        r"indicator (\S+) is a judgement and has no threshold",
        lambda m: _("chỉ tiêu %(code)s là đánh giá đạt/chưa đạt, không có ngưỡng") % {"code": m[1]},
    ),
    (
        r"an override needs at least one row",
        lambda m: _("cần ít nhất một dòng ngưỡng"),
    ),
    (
        r"(\S+) loosens the base threshold (\S+) \((\S+)\) for (.*); a variant may only tighten",
        lambda m: (
            _(
                "%(value)s nới lỏng ngưỡng %(comparator)s %(base)s của bộ gốc (%(scope)s); "
                "bộ của tỉnh chỉ được nâng ngưỡng, không được hạ"
            )
            % {
                "value": m[1],
                "comparator": m[3],
                "base": m[2],
                "scope": _scope_words(m[4]),
            }
        ),
    ),
    (
        r"YAML syntax error: (.*)",
        lambda m: _("lỗi cú pháp YAML: %(problem)s") % {"problem": m[1]},
    ),
    (r"cannot be read: (.*)", lambda m: _("không đọc được tệp: %(error)s") % {"error": m[1]}),
    (
        r"the base set forms a cycle or is missing",
        lambda m: _("bộ gốc bị thiếu hoặc các bộ mở rộng lẫn nhau thành vòng"),
    ),
    (
        r"(\S+) is also defined in (\S+)",
        lambda m: (
            _("%(label)s cũng được định nghĩa trong tệp %(file)s") % {"label": m[1], "file": m[2]}
        ),
    ),
    (
        r"(\S+) is published and differs from the stored version; .*",
        lambda m: (
            _(
                "%(label)s đã ban hành và khác với phiên bản đã lưu; phiên bản đã ban hành không "
                "bao giờ thay đổi: hãy dùng số phiên bản mới"
            )
            % {"label": m[1]}
        ),
    ),
]
_COMPILED = [(re.compile(pattern, re.DOTALL), words) for pattern, words in _REASONS]


def translate_reason(reason: str) -> str:
    """The loader's reason in the active language; untranslated reasons are kept as they are."""
    for pattern, words in _COMPILED:
        match = pattern.fullmatch(reason)
        if match is not None:
            return words(match)
    return reason


def explain(error: CriteriaDataError, document: Any = None) -> tuple[str, str]:
    """(place in words, reason) for a loader refusal of a document."""
    return describe_path(error.path, document), translate_reason(error.reason)
