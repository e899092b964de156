"""Loading criteria-set files into the database: validate everything, then write it all."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from ntm.core.criteria.model import CriteriaSetDef
from ntm.core.criteria.schema import (
    CriteriaDataError,
    content_hash,
    definition_to_dict,
    parse_document,
)
from ntm.criteria.models import CriteriaSet, SetStatusChoices

DATA_DIR = Path(__file__).resolve().parent / "data"
#: Not a set: the conventional sector of each criterion (ntm.criteria.sectors).
SECTORS_FILE = "sectors.yaml"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(frozen=True)
class _Parsed:
    file: str
    document: dict[str, Any]
    definition: CriteriaSetDef


def read_yaml(path: Path) -> Any:
    """A YAML file's content as JSON-ready data; a syntax error names the file and the line."""
    try:
        with path.open(encoding="utf-8") as handle:
            # Dates become ISO text so the document can be stored and hashed as JSON.
            return json.loads(json.dumps(yaml.safe_load(handle), default=str))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CriteriaDataError(path.name, where, f"YAML syntax error: {error.problem}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CriteriaDataError(path.name, "", f"cannot be read: {error}") from None


def _stored_definition(set_id: str, version: int) -> CriteriaSetDef | None:
    stored = CriteriaSet.objects.filter(set_id=set_id, version=version).first()
    return stored.to_domain() if stored else None


def parse_files(paths: Iterable[Path]) -> list[_Parsed]:
    """Validate files, bases before their variants; the first problem stops everything."""
    pending: dict[str, Any] = {}
    for path in sorted(paths):
        pending[path.name] = read_yaml(path)
    parsed: dict[tuple[str, int], _Parsed] = {}
    order: list[_Parsed] = []

    def resolve(set_id: str, version: int) -> CriteriaSetDef | None:
        found = parsed.get((set_id, version))
        return found.definition if found else _stored_definition(set_id, version)

    # Variants wait until their base is parsed; a pass that makes no progress is an error.
    while pending:
        progressed = False
        for name, document in list(pending.items()):
            extends = document.get("extends") if isinstance(document, dict) else None
            if isinstance(extends, dict):
                base_key = (str(extends.get("id")), extends.get("version"))
                base_waiting = any(
                    isinstance(d, dict) and (d.get("id"), d.get("version")) == base_key
                    for n, d in pending.items()
                    if n != name
                )
                if base_waiting:
                    continue
            definition = parse_document(document, file=name, resolve_base=resolve)
            key = (definition.set_id, definition.version)
            if key in parsed:
                raise CriteriaDataError(
                    name, "id", f"{definition.label} is also defined in {parsed[key].file}"
                )
            parsed[key] = _Parsed(name, document, definition)
            order.append(parsed[key])
            del pending[name]
            progressed = True
        if not progressed:
            name = next(iter(pending))
            raise CriteriaDataError(name, "extends", "the base set forms a cycle or is missing")
    known_ids = {p.definition.set_id for p in order} | set(
        CriteriaSet.objects.values_list("set_id", flat=True)
    )
    for item in order:
        requires = item.definition.requires
        if requires and requires not in known_ids:
            raise CriteriaDataError(item.file, "requires", f"the set {requires!r} is not known")
    return order


@transaction.atomic
def load_criteria_sets(directory: Path = DATA_DIR) -> LoadReport:
    """Load every set file of a directory, all or nothing.

    A published version is never changed: a file whose content differs from the stored
    published version is refused and nothing is written.
    """
    paths = [p for p in directory.glob("*.yaml") if p.name != SECTORS_FILE]
    if not paths:
        raise CriteriaDataError(str(directory), "", "no criteria set files (*.yaml) found")
    report = LoadReport()
    for item in parse_files(paths):
        store_definition(item.definition, item.document, source_file=item.file, report=report)
    return report


def store_definition(
    definition: CriteriaSetDef,
    document: dict[str, Any],
    *,
    source_file: str = "",
    report: LoadReport | None = None,
) -> CriteriaSet:
    """Create or refresh one set version; refuse to change a published one."""
    digest = content_hash(document)
    existing = CriteriaSet.objects.filter(
        set_id=definition.set_id, version=definition.version
    ).first()
    if existing is not None:
        if existing.content_hash == digest:
            if report is not None:
                report.unchanged.append(definition.label)
            return existing
        if existing.status == SetStatusChoices.PUBLISHED:
            raise CriteriaDataError(
                source_file or definition.label,
                "version",
                f"{definition.label} is published and differs from the stored version; "
                "a published version never changes: give the file a new version number",
            )
    base = None
    if definition.extends:
        base = CriteriaSet.objects.get(set_id=definition.extends[0], version=definition.extends[1])
    fields = {
        "status": definition.status,
        "name_vi": definition.name_vi,
        "name_en": definition.name_en,
        "level": definition.level,
        "tier": definition.tier.value,
        "period_start": definition.period_start,
        "period_end": definition.period_end,
        "legal_number": definition.legal_source.number,
        "extends": base,
        "requires_set_id": definition.requires or "",
        "province_code": definition.province_code or "",
        "definition": definition_to_dict(definition),
        "source_document": document,
        "content_hash": digest,
        "source_file": source_file,
        "published_at": timezone.now() if definition.status == "published" else None,
    }
    if existing is None:
        stored = CriteriaSet.objects.create(
            set_id=definition.set_id, version=definition.version, **fields
        )
        if report is not None:
            report.created.append(definition.label)
        return stored
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save()
    if report is not None:
        report.updated.append(definition.label)
    return existing
