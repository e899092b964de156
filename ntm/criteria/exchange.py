"""Criteria sets as YAML files: export any version, import a file as a draft (or version).

The file format is the data-file format (docs/criteria-format.md), so an exported file can
be put in ``ntm/criteria/data/``, sent to another province, edited and imported back. An
import is checked by the same loader as the data files; a refusal names the file, the line,
the place in words and the reason, and writes nothing.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from ntm.audit.services import Actor, Change, record_change
from ntm.core.criteria.schema import content_hash
from ntm.core.text import BadText, bad_character, printable
from ntm.criteria.authoring import (
    RESERVED_IDS,
    AuthoringError,
    _check_author,
    _unit_fields,
    publish_draft,
    validate_document,
)
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.criteria.services import store_definition
from ntm.units.nesting import TooDeep, check_yaml_depth
from ntm.units.wording import bad_text_message

#: Larger files are refused before they are read (the largest shipped set is ~60 kB).
MAX_FILE_BYTES = 2_000_000

# The order of keys in an exported file, as in docs/criteria-format.md.
SET_ORDER = (
    "id", "version", "status", "name_vi", "name_en", "level", "tier", "period",
    "differentiation", "requires", "extends", "province_code", "region", "confidence",
    "legal_source", "revocation_key_criteria", "note", "groups", "criteria", "conditions",
    "overrides",
)  # fmt: skip
LEGAL_ORDER = ("number", "date", "effective", "issuer", "annex", "confidence", "sources", "note")
CRITERION_ORDER = (
    "number", "group", "name_vi", "name_en", "confidence", "sources", "note", "indicators",
)  # fmt: skip
INDICATOR_ORDER = (
    "code", "name_vi", "name_en", "kind", "unit", "comparator", "confidence", "sources",
    "national", "thresholds", "recalled", "note", "ratio", "aggregate",
)  # fmt: skip
ROW_ORDER = ("value", "region", "group", "from_year", "confidence", "sources", "note")


class ImportRefused(AuthoringError):
    """A file that cannot be imported: file, line, place in words and reason."""

    def __init__(self, message: str, *, file: str, line: int | None = None, place: str = ""):
        self.file, self.line = file, line
        where = [file]
        if line:
            where.append(_("dòng %(line)d") % {"line": line})
        if place:
            where.append(place)
        super().__init__(message, place=", ".join(where))


@dataclass(frozen=True)
class ImportResult:
    stored: CriteriaSet
    outcome: str  # created | updated | unchanged | published
    note: str = ""


# --- Export --------------------------------------------------------------------------------


class _Flow(dict):
    """A mapping written on one line ({value: 36, region: BTB})."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, True)
)


def _ordered(mapping: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    keys = [k for k in order if k in mapping] + sorted(k for k in mapping if k not in order)
    return {k: mapping[k] for k in keys}


def _indicator(raw: dict[str, Any]) -> dict[str, Any]:
    indicator = _ordered(raw, INDICATOR_ORDER)
    if isinstance(indicator.get("thresholds"), list):
        indicator["thresholds"] = [
            _Flow(_ordered(row, ROW_ORDER)) if isinstance(row, dict) else row
            for row in indicator["thresholds"]
        ]
    return indicator


def canonical_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document with keys in the documented order (PostgreSQL does not keep it)."""
    result = _ordered(copy.deepcopy(document), SET_ORDER)
    for key in ("period", "extends"):
        if isinstance(result.get(key), dict):
            result[key] = _Flow(result[key])
    if isinstance(result.get("legal_source"), dict):
        result["legal_source"] = _ordered(result["legal_source"], LEGAL_ORDER)
    if isinstance(result.get("groups"), list):
        result["groups"] = [_Flow(g) if isinstance(g, dict) else g for g in result["groups"]]
    criteria = []
    for criterion in result.get("criteria") or []:
        if isinstance(criterion, dict):
            criterion = _ordered(criterion, CRITERION_ORDER)
            criterion["indicators"] = [
                _indicator(i) if isinstance(i, dict) else i
                for i in criterion.get("indicators") or []
            ]
        criteria.append(criterion)
    if "criteria" in result:
        result["criteria"] = criteria
    if isinstance(result.get("conditions"), list):
        result["conditions"] = [
            _indicator(i) if isinstance(i, dict) else i for i in result["conditions"]
        ]
    if isinstance(result.get("overrides"), list):
        result["overrides"] = [
            {
                **_ordered(o, ("indicator", "thresholds", "note")),
                "thresholds": [
                    _Flow(_ordered(r, ROW_ORDER)) if isinstance(r, dict) else r
                    for r in o.get("thresholds") or []
                ],
            }
            if isinstance(o, dict)
            else o
            for o in result["overrides"]
        ]
    return result


def export_yaml(stored: CriteriaSet) -> str:
    """The set version as a data file; importing it back changes nothing."""
    status = _("đã ban hành") if stored.status == SetStatusChoices.PUBLISHED else _("bản nháp")
    header = (
        f"# {stored.label} ({status}). "
        + _("Định dạng: docs/criteria-format.md; nhập lại: ntm criteria import TỆP.yaml")
        + "\n"
    )
    body = yaml.dump(
        canonical_document(stored.source_document),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
    return header + body


def export_filename(stored: CriteriaSet) -> str:
    return f"{stored.set_id}@{stored.version}.yaml"


# --- Reading a file ------------------------------------------------------------------------


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


def _tokens(path: str) -> list[str | int]:
    tokens: list[str | int] = []
    for part in path.split("."):
        name, _sep, rest = part.partition("[")
        if name:
            tokens.append(name)
        while rest:
            index, _sep, rest = rest.partition("]")
            tokens.append(int(index))
            rest = rest.removeprefix("[")
    return tokens


def line_of(root: yaml.Node | None, path: str) -> int | None:
    """The line of the node at a loader path (``criteria[0].indicators[1].code``), or of the
    deepest node on the way there."""
    node = root
    line = _line(root.start_mark) if root is not None else None
    for token in _tokens(path):
        found = None
        if isinstance(token, int) and isinstance(node, yaml.SequenceNode):
            found = node.value[token] if 0 <= token < len(node.value) else None
        elif isinstance(token, str) and isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == token:
                    found = value
                    break
        if found is None:
            break
        node = found
        line = _line(node.start_mark)
    return line


def _check_keys(node: yaml.Node, file: str) -> None:
    """Refuse a mapping with a key written twice (YAML would silently keep the last)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        raise ImportRefused(
                            _("khóa “%(key)s” được ghi hai lần trong cùng một mục")
                            % {"key": key.value},
                            file=file,
                            line=_line(key.start_mark),
                        )
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def read_file(data: bytes, *, filename: str) -> tuple[dict[str, Any], yaml.Node]:
    """The document of an uploaded file, and its node tree for line numbers."""
    file = PurePath(filename or "tệp.yaml").name
    if len(data) > MAX_FILE_BYTES:
        raise ImportRefused(
            _("tệp lớn %(size)d kB, quá giới hạn %(limit)d kB của một bộ tiêu chí")
            % {"size": len(data) // 1000, "limit": MAX_FILE_BYTES // 1000},
            file=file,
        )
    if not data.strip():
        raise ImportRefused(_("tệp rỗng"), file=file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            _("không phải văn bản UTF-8 (byte lạ ở vị trí %(position)d): có phải tệp YAML?")
            % {"position": error.start},
            file=file,
        ) from None
    try:
        # Before parsing: PyYAML slows down quadratically on deep nesting, then recurses.
        check_yaml_depth(text)
    except TooDeep as deep:
        raise ImportRefused(
            _(
                "tệp lồng nhau quá sâu (hơn %(limit)d cấp): một bộ tiêu chí chỉ có khoảng 10 "
                "cấp; hãy kiểm tra các dấu ngoặc [ ] { } và thụt lề"
            )
            % {"limit": deep.limit},
            file=file,
            line=deep.line,
        ) from None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ImportRefused(
                    _("tệp dùng tham chiếu YAML (*%(alias)s): hãy ghi đầy đủ giá trị")
                    % {"alias": event.anchor},
                    file=file,
                    line=_line(event.start_mark),
                )
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        raise ImportRefused(
            _("lỗi cú pháp YAML: %(problem)s") % {"problem": error.problem or error.context},
            file=file,
            line=_line(error.problem_mark),
        ) from None
    except yaml.YAMLError as error:
        raise ImportRefused(
            _("lỗi cú pháp YAML: %(problem)s") % {"problem": error}, file=file
        ) from None
    except RecursionError:
        raise ImportRefused(
            _("tệp lồng nhau quá sâu: hãy kiểm tra các dấu ngoặc [ ] { } và thụt lề"), file=file
        ) from None
    except (ValueError, TypeError, OverflowError) as error:
        # A value the YAML types cannot hold, e.g. the date 2021-13-45.
        raise ImportRefused(
            _("giá trị không đọc được (%(problem)s): hãy viết ngày dạng 2021-12-31")
            % {"problem": error},
            file=file,
        ) from None
    if root is None or not isinstance(raw, dict):
        raise ImportRefused(
            _(
                "tệp phải là một bộ tiêu chí (các trường id, version, criteria...), không phải %(type)s"
            )
            % {"type": type(raw).__name__},
            file=file,
            line=1,
        )
    _check_keys(root, file)
    _check_text(root, file)
    # Dates become ISO text, as the data-file loader stores them.
    document = json.loads(json.dumps(raw, default=str))
    return document, root


def _check_text(root: yaml.Node, file: str) -> None:
    """Refuse a value the database cannot store: a lone surrogate, NUL or control character
    (YAML escapes such as "\\ud800" or "\\0" make them), naming its line."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            char = bad_character(node.value)
            if char is not None:
                found = BadText(printable(node.value)[:60], char)
                raise ImportRefused(bad_text_message(found), file=file, line=_line(node.start_mark))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


# --- Import --------------------------------------------------------------------------------


def _province_code(document: dict[str, Any]) -> str:
    code = document.get("province_code")
    return "" if code is None else str(code).strip()


def _target_version(
    document: dict[str, Any], *, file: str, root: yaml.Node
) -> tuple[int, CriteriaSet | None, CriteriaSet | None, str]:
    """(version to write, the draft to replace or None, the version it derives from, note)."""
    set_id = str(document.get("id") or "")
    version = document.get("version")
    versions = list(CriteriaSet.objects.filter(set_id=set_id).order_by("version"))
    if not versions:
        if set_id in RESERVED_IDS:
            raise ImportRefused(
                _("“%(id)s” là tên một trang, không dùng làm mã bộ") % {"id": set_id},
                file=file,
                line=line_of(root, "id"),
                place=_("mã bộ tiêu chí"),
            )
        base = document.get("extends") if isinstance(document.get("extends"), dict) else None
        derived = (
            CriteriaSet.objects.filter(
                set_id=str(base.get("id")), version=base.get("version")
            ).first()
            if base
            else None
        )
        return (version if isinstance(version, int) else 1), None, derived, ""
    draft = next((v for v in versions if v.status == SetStatusChoices.DRAFT), None)
    latest_published = next(
        (v for v in reversed(versions) if v.status == SetStatusChoices.PUBLISHED), None
    )
    if draft is not None:
        if version != draft.version:
            raise ImportRefused(
                _(
                    "bộ %(set)s đang có bản nháp phiên bản %(draft)d, còn tệp ghi phiên bản "
                    "%(version)s: hãy sửa số phiên bản trong tệp thành %(draft)d để thay nội "
                    "dung bản nháp, hoặc xóa bản nháp trước"
                )
                % {"set": set_id, "draft": draft.version, "version": version},
                file=file,
                line=line_of(root, "version"),
                place=_("phiên bản"),
            )
        return draft.version, draft, draft.derived_from or latest_published, ""
    next_version = versions[-1].version + 1
    note = ""
    if version != next_version:
        note = _(
            "Tệp ghi phiên bản %(version)s; phiên bản này đã có, nên tệp được nhập thành "
            "phiên bản %(next)d."
        ) % {"version": version, "next": next_version}
    return next_version, None, latest_published, note


def _same_as_published(document: dict[str, Any]) -> CriteriaSet | None:
    """The published version whose content the file repeats exactly, if any."""
    stored = CriteriaSet.objects.filter(
        set_id=str(document.get("id") or ""),
        version=document.get("version") if isinstance(document.get("version"), int) else -1,
        status=SetStatusChoices.PUBLISHED,
    ).first()
    if stored is not None and stored.content_hash == content_hash(document):
        return stored
    return None


@transaction.atomic
def import_yaml(data: bytes, *, filename: str, actor: Actor, publish: bool = False) -> ImportResult:
    """Import a set file as a draft: a new set, a new version of a set, or the new content
    of the set's draft. With ``publish`` the draft is published at once. All or nothing."""
    document, root = read_file(data, filename=filename)
    file = PurePath(filename or "tệp.yaml").name
    # Validate the file as written first, so places and lines match what the user sees.
    try:
        validate_document(document, file=file)
    except AuthoringError as error:
        raise ImportRefused(
            error.message, file=file, line=line_of(root, error.field), place=error.place
        ) from None
    province_code = _province_code(document)
    period = document.get("period") if isinstance(document.get("period"), dict) else {}
    year = period.get("start") if isinstance(period.get("start"), int) else None
    province = _check_author(actor, province_code=province_code, year=year)
    unchanged = _same_as_published(document)
    if unchanged is not None:
        return ImportResult(
            unchanged,
            "unchanged",
            _("%(label)s đã ban hành với đúng nội dung này: không có gì thay đổi.")
            % {"label": unchanged.label},
        )
    set_id = str(document["id"])
    existing = CriteriaSet.objects.filter(set_id=set_id).first()
    if existing is not None and existing.province_code != province_code:
        raise ImportRefused(
            _("bộ %(set)s thuộc %(owner)s; tệp ghi mã tỉnh “%(code)s”")
            % {
                "set": set_id,
                "owner": _("tỉnh mã %(code)s") % {"code": existing.province_code}
                if existing.province_code
                else _("cấp quốc gia"),
                "code": province_code,
            },
            file=file,
            line=line_of(root, "province_code"),
            place=_("mã tỉnh"),
        )
    version, draft, derived, note = _target_version(document, file=file, root=root)
    document["version"] = version
    document["status"] = SetStatusChoices.DRAFT.value
    try:
        definition = validate_document(document, file=file)
    except AuthoringError as error:
        raise ImportRefused(
            error.message, file=file, line=line_of(root, error.field), place=error.place
        ) from None
    before = draft.content_hash if draft is not None else None
    stored = store_definition(definition, document, source_file=file)
    if draft is None:
        stored.derived_from = derived
        stored.created_by = actor.user
        stored.save(update_fields=["derived_from", "created_by", "updated_at"])
    outcome = "created" if draft is None else "updated"
    if stored.content_hash != before:
        record_change(
            actor,
            Change(
                action="criteria_set.import",
                obj=stored,
                summary=f"{stored.label}: {_('nhập từ tệp')} {file}",
                new={"file": file, "version": version},
                **_unit_fields(province),
            ),
        )
    elif not publish:
        outcome = "unchanged"
    if publish:
        stored = publish_draft(stored, actor=actor)
        outcome = "published"
    return ImportResult(stored, outcome, note)
