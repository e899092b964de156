"""The procedure of Decision 18/2022/QĐ-TTg as data (``data/procedure.yaml``), and the
settings a province may fix where that data leaves a value open.

Nothing here invents a number: a deadline or a threshold the data file leaves null has no
value until a province sets one (``ProcedureSetting``) with the document that sets it.
The only defaults are the monitoring band, which is ntm's own convention, not law.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ntm.recognition.models import Stage

DATA_FILE = Path(__file__).resolve().parent / "data" / "procedure.yaml"


@cache
def procedure() -> dict[str, Any]:
    """The data file, read once."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _localized(item: dict[str, Any]) -> str:
    if (get_language() or "").startswith("en") and item.get("name_en"):
        return str(item["name_en"])
    return str(item.get("name_vi", ""))


@dataclass(frozen=True)
class DocumentKind:
    """A kind of case document, from the reference's typical dossier components or named by
    a condition or a step."""

    code: str
    name_vi: str
    name_en: str
    source: str
    confidence: str
    condition: str | None

    @property
    def name(self) -> str:
        return _localized({"name_vi": self.name_vi, "name_en": self.name_en})


@cache
def document_kinds() -> dict[str, DocumentKind]:
    return {
        item["code"]: DocumentKind(
            code=item["code"],
            name_vi=item["name_vi"],
            name_en=item.get("name_en", ""),
            source=str(item.get("source", "")),
            confidence=item.get("confidence", "unverified"),
            condition=item.get("condition"),
        )
        for item in procedure()["documents"]
    }


def document_name(code: str) -> str:
    kind = document_kinds().get(code)
    return kind.name if kind is not None else code


@dataclass(frozen=True)
class ConditionDef:
    code: str
    name_vi: str
    name_en: str
    confidence: str
    document: str | None

    @property
    def name(self) -> str:
        return _localized({"name_vi": self.name_vi, "name_en": self.name_en})


@cache
def conditions() -> list[ConditionDef]:
    return [
        ConditionDef(
            code=item["code"],
            name_vi=item["name_vi"],
            name_en=item.get("name_en", ""),
            confidence=item.get("confidence", "unverified"),
            document=item.get("document"),
        )
        for item in procedure()["conditions"]["items"]
    ]


@dataclass(frozen=True)
class StepDef:
    """A step of the reference procedure with its (unconfirmed) duration."""

    code: str
    reference_step: int
    actor_vi: str
    action_vi: str
    deadline_days: int | None
    recalled_unverified: str | None


@cache
def steps() -> dict[str, StepDef]:
    return {
        item["code"]: StepDef(
            code=item["code"],
            reference_step=int(item["reference_step"]),
            actor_vi=item["actor_vi"],
            action_vi=item["action_vi"],
            deadline_days=item.get("deadline_days"),
            recalled_unverified=item.get("recalled_unverified"),
        )
        for item in procedure()["steps"]["items"]
    }


#: The reference step whose duration bounds each stage of a case (the decision step covers
#: the announcement too: step 6 is "decision; public announcement").
STAGE_STEP = {
    Stage.SELF_ASSESSMENT: "self_assessment",
    Stage.DOSSIER: "dossier",
    Stage.VERIFICATION: "verification",
    Stage.APPRAISAL: "appraisal",
    Stage.DECISION: "decision",
    Stage.ANNOUNCEMENT: "decision",
}


# --- Settings a province fixes -------------------------------------------------------------

SATISFACTION = "satisfaction_min_percent"
CLOSE_SHARE = "monitoring_close_share"
CLOSE_ON_KEY = "monitoring_close_on_key"


def deadline_key(step_code: str) -> str:
    return f"deadline_days.{step_code}"


@dataclass(frozen=True)
class SettingDef:
    """A setting: what it means, its bounds, whether it needs a legal document, and the
    value the data file gives (None: none, until a province sets it)."""

    key: str
    label: Any  # a lazy translation
    unit: Any
    minimum: float
    maximum: float
    is_legal: bool
    default: float | None = None
    is_whole: bool = False
    is_yes_no: bool = False


_STEP_LABELS = {
    "self_assessment": _("Thời hạn tự đánh giá (bước 1)"),
    "public_posting": _("Thời gian niêm yết công khai dự thảo báo cáo (bước 2)"),
    "dossier": _("Thời hạn hoàn thiện, gửi hồ sơ (bước 3)"),
    "verification": _("Thời hạn thẩm tra của huyện (bước 4)"),
    "appraisal": _("Thời hạn thẩm định của tỉnh (bước 5)"),
    "decision": _("Thời hạn quyết định và công bố (bước 6)"),
}


@cache
def setting_defs() -> dict[str, SettingDef]:
    """Every setting: the satisfaction level (C2), one deadline per reference step, and the
    monitoring band."""
    monitoring = procedure()["monitoring"]
    defs = [
        SettingDef(
            SATISFACTION,
            _("Mức hài lòng tối thiểu của người dân (điều kiện C2)"),
            "%",
            0,
            100,
            is_legal=True,
        ),
        *(
            SettingDef(
                deadline_key(code),
                _STEP_LABELS[code],
                _("ngày"),
                1,
                3650,
                is_legal=True,
                default=step.deadline_days,
                is_whole=True,
            )
            for code, step in steps().items()
        ),
        SettingDef(
            CLOSE_SHARE,
            _("Cảnh báo “gần thu hồi” từ tỷ lệ tiêu chí không đạt"),
            "%",
            1,
            49,
            is_legal=False,
            default=round(float(monitoring["close_failed_share"]) * 100, 4),
        ),
        SettingDef(
            CLOSE_ON_KEY,
            _("Cảnh báo “gần thu hồi” khi một tiêu chí then chốt không đạt"),
            "",
            0,
            1,
            is_legal=False,
            default=1.0 if monitoring["close_on_key_criterion"] else 0.0,
            is_yes_no=True,
        ),
    ]
    return {d.key: d for d in defs}


def after_2025_note() -> str:
    note = procedure()["after_2025"]
    return str(
        note["note_en"] if (get_language() or "").startswith("en") else note["note_vi"]
    ).strip()


def legal_number() -> str:
    return str(procedure()["legal_source"]["number"])
