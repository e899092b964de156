"""Recognitions and targets of a unit, in rows and words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext

from ntm.core.criteria.model import Tier
from ntm.dashboards import below
from ntm.dashboards.selectors import children_at_tier
from ntm.dashboards.unit_status.words import LEVEL_NOUNS, TIER_WORDS
from ntm.presentation.page_words import is_demo, tier_label
from ntm.programme.models import Target
from ntm.recognition.models import Recognition
from ntm.units.models import AdminUnit


@dataclass(frozen=True)
class RecognitionRow:
    recognition: Recognition
    in_force: bool
    is_future: bool

    @property
    def revocation(self):
        return getattr(self.recognition, "revocation", None)

    @property
    def is_demo(self) -> bool:
        return is_demo(self.recognition.source)


def recognition_rows(recognitions: Iterable[Recognition], as_of: date) -> list[RecognitionRow]:
    rows = []
    for recognition in recognitions:
        revocation = getattr(recognition, "revocation", None)
        revoked = revocation is not None and revocation.decision_date <= as_of
        future = recognition.decision_date > as_of
        rows.append(RecognitionRow(recognition, not revoked and not future, future))
    return rows


def _count_text(target: Target) -> str:
    if target.child_count_max and target.child_count_max != target.child_count:
        return f"{target.child_count}–{target.child_count_max}"
    return str(target.child_count)


def target_text(target: Target) -> str:
    """ "8 xã nâng cao đến năm 2023", "1–2 xã kiểu mẫu đến năm 2025", "Đạt chuẩn … năm 2021"."""
    if target.child_count is not None:
        return gettext("%(count)s %(children)s %(tier)s đến năm %(year)s") % {
            "count": _count_text(target),
            "children": LEVEL_NOUNS.get(target.child_level, target.child_level),
            "tier": TIER_WORDS.get(target.tier, target.tier),
            "year": target.year,
        }
    return gettext("%(tier)s năm %(year)s") % {
        "tier": tier_label(target.tier),
        "year": target.year,
    }


@dataclass(frozen=True)
class TargetRow:
    target: Target
    text: str
    fields: list[str]
    #: for a target on children: how many are at the tier on the page's date
    reached: int | None = None
    #: for a target on children: the children's own targets of that tier and year
    children: list[Target] = field(default_factory=list)

    @property
    def is_demo(self) -> bool:
        return is_demo(self.target.source)


def target_rows(unit: AdminUnit, targets: Iterable[Target], as_of: date) -> list[TargetRow]:
    targets = list(targets)
    own = below.children_targets(unit, targets)
    rows = []
    for target in targets:
        reached = None
        if target.child_count is not None and target.child_level:
            reached = children_at_tier(unit, target.child_level, Tier(target.tier), as_of)
        fields = [f.strip() for f in target.fields_of_excellence.split(",") if f.strip()]
        rows.append(TargetRow(target, target_text(target), fields, reached, own.get(target.id, [])))
    return rows
