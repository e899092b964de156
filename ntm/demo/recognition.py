"""Demo recognition cases in Hà Tĩnh, made up and labelled as demo data.

- Five 2026 cases of communes formed on 1 July 2025, one at each step the province sees:
  Thiên Cầm registered (self-assessment), Can Lộc preparing its dossier, Cẩm Hưng waiting
  for appraisal (no district any more: verification skipped, with the note), Đồng Lộc
  ready for the decision (every criterion met, C2-C4 documented; the province has not
  set the required satisfaction level, so the decision is refused until it does), Mai Hoa
  decided and announced (in monitoring).
- One historical case with the district's verification: Kỳ Châu (Kỳ Anh), advanced in
  2022 under the demo decision the rest of the demo already holds.
- Re-acknowledgements of three communes formed in 2025 (Hương Đô, Hà Linh, Tứ Mỹ) whose
  predecessors were all recognized; their 2026 data puts Tứ Mỹ under the revocation rule
  and Hà Linh close to it. Xã Kỳ Lạc and the others still await re-acknowledgement.

No procedure setting is made up: deadlines and the satisfaction level stay "cần xác nhận".
Documents are small PDFs saying they are demo documents.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from unidecode import unidecode

from ntm.audit.services import Actor
from ntm.criteria.selectors import get_set
from ntm.dashboards.evaluation import evaluate_units
from ntm.demo import writes
from ntm.demo.seeds import child_named, unit_on
from ntm.programme.models import Registration, RegistrationStatusChoices
from ntm.programme.services import record_registration
from ntm.recognition.models import (
    CaseDocument,
    CaseEvent,
    Recognition,
    RecognitionCase,
    Stage,
)
from ntm.recognition.procedure import document_kinds
from ntm.recognition.selectors import awaiting_for_unit
from ntm.recognition.services import record_recognition
from ntm.units.models import AdminUnit
from ntm.values.bulk_records import CertificationRow

SOURCE = "demo: hồ sơ xét công nhận mô phỏng"
D = dt.date
SET_2026 = "commune-ntm-2026-2030"
SET_ADVANCED = "commune-ntm-nang-cao-2021-2025"
ISSUER = "UBND tỉnh Hà Tĩnh (demo)"
SIGNER = "Phó Chủ tịch UBND tỉnh (demo)"


def _pdf(title: str) -> bytes:
    """A one-page PDF naming itself a demo document (ASCII text, standard font)."""
    text = unidecode(title).replace("\\", "").replace("(", "[").replace(")", "]")[:90]
    stream = f"BT /F1 14 Tf 60 760 Td (Tai lieu demo - ntm) Tj 0 -24 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


class _Story:
    """Writes one case's rows as its people would have made them, on past days."""

    def __init__(self, case: RecognitionCase, users: dict[str, Any]):
        self.case = case
        self.users = users

    def event(self, action: str, day: dt.date, who: str, *, to: str = "", frm: str = "",
              comment: str = "", details: dict[str, Any] | None = None) -> None:  # fmt: skip
        user = self.users.get(who)
        label = {
            "commune": f"Cán bộ {self.case.unit.name} (demo)",
            "kyanh": "Văn phòng NTM huyện Kỳ Anh (demo)",
            "hatinh": "Văn phòng Điều phối NTM tỉnh Hà Tĩnh (demo)",
        }[who]
        CaseEvent.objects.create(
            case=self.case, action=action, from_stage=frm, to_stage=to, at=_at(day),
            actor=user, actor_name=user.get_username() if user else "", actor_label=label,
            comment=comment, details=details or {},
        )  # fmt: skip

    def document(self, kind: str, day: dt.date, stage: str, who: str, number: str = "") -> None:
        name = document_kinds()[kind].name_vi
        content = _pdf(f"{name} - {self.case.unit.name}")
        document = CaseDocument(
            case=self.case, kind=kind, stage=stage, number=number, issued_on=day,
            original_name=f"{unidecode(name).lower().replace(' ', '-').replace(',', '')[:60]}.pdf",
            content_type="application/pdf", size=len(content), uploaded_by=self.users.get(who),
            uploaded_at=_at(day, 10),
        )  # fmt: skip
        document.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
        document.save()


def _case(
    unit: AdminUnit, tier: str, year: int, set_id: str, registered: dt.date
) -> RecognitionCase:
    registration = Registration.objects.filter(unit=unit, tier=tier, year=year).first()
    if registration is None:
        registration = record_registration(
            unit=unit, tier=tier, year=year, registered_on=registered, status_on=registered,
            source=SOURCE, actor=writes.ACTOR,
        )  # fmt: skip
    return RecognitionCase.objects.create(
        unit=unit, tier=tier, year=year, set_id=set_id, registration=registration,
        stage=Stage.SELF_ASSESSMENT, stage_since=_at(registered), source=SOURCE,
        created_at=_at(registered),
    )  # fmt: skip


def _met(unit: AdminUnit, set_id: str, on: dt.date) -> tuple[int, int, str]:
    stored = get_set(set_id, on=on)
    evaluation = evaluate_units(stored, [unit], on)
    return int(evaluation.met[0]), evaluation.total, stored.label


def _all_met(unit: AdminUnit, set_id: str, on: dt.date) -> None:
    """Certify, as demo data, any criterion of the set not met on a day, so a case said to
    be ready is ready."""
    stored = get_set(set_id, on=on)
    evaluation = evaluate_units(stored, [unit], on)
    keys = [
        c.key
        for c, status in zip(
            stored.to_domain().criteria, evaluation.criterion_status[0], strict=True
        )
        if status != 1
    ]
    writes.certifications(
        [
            CertificationRow(unit.pk, key, True, on, source=SOURCE,
                             note="Dữ liệu demo: xác nhận bổ sung cho hồ sơ.")
            for key in keys
        ]
    )  # fmt: skip


def _through_dossier(
    story: _Story, registered: dt.date, assessed: dt.date, submitted: dt.date | None
) -> None:
    case = story.case
    story.event("register", registered, "commune", to=Stage.SELF_ASSESSMENT,
                details={"registered_on": registered.isoformat(), "set": case.set_id})  # fmt: skip
    met, total, label = _met(case.unit, case.set_id, assessed)
    case.assessed_on, case.assessed_met, case.assessed_total, case.assessed_set = (
        assessed,
        met,
        total,
        label,
    )
    story.event("self_assess", assessed, "commune", frm=Stage.SELF_ASSESSMENT, to=Stage.DOSSIER,
                details={"assessed_on": assessed.isoformat(), "met": met, "total": total, "set": label})  # fmt: skip
    case.stage, case.stage_since = Stage.DOSSIER, _at(assessed)
    for kind, number in (("request", "12/TTr-UBND"), ("results_report", "45/BC-UBND")):
        story.document(kind, assessed + dt.timedelta(days=3), Stage.DOSSIER, "commune", number)
    if submitted is None:
        return
    survey_day = assessed + dt.timedelta(days=10)
    for kind, number in (
        ("comments_summary", "48/BC-UBND"),
        ("satisfaction_survey", "07/BC-MTTQ"),
        ("meeting_minutes", "03/BB-HN"),
        ("debt_report", "50/BC-UBND"),
        ("security_confirmation", "112/CAX"),
    ):
        story.document(kind, survey_day, Stage.DOSSIER, "commune", number)
    case.satisfaction_percent, case.satisfaction_on = 94.6, survey_day
    case.has_construction_debt, case.debt_declared_on = False, survey_day
    case.is_security_complicated = False
    case.security_confirmed_by, case.security_confirmed_on = f"Công an {case.unit.name}", survey_day
    story.event("declare", survey_day, "commune", comment="Kết quả lấy ý kiến do Ủy ban MTTQ xã thực hiện.",
                details={"satisfaction_percent": "94.60", "satisfaction_on": survey_day.isoformat(),
                         "has_construction_debt": False, "is_security_complicated": False,
                         "security_confirmed_by": case.security_confirmed_by})  # fmt: skip
    story.event("submit", submitted, "commune", frm=Stage.DOSSIER, to=Stage.VERIFICATION)


def _skip_verification(story: _Story, day: dt.date) -> None:
    from ntm.recognition.services import skip_note

    story.case.is_verification_skipped = True
    story.event("skip_verification", day, "commune", frm=Stage.VERIFICATION, to=Stage.APPRAISAL,
                comment=str(skip_note(story.case.unit)))  # fmt: skip
    story.case.stage, story.case.stage_since = Stage.APPRAISAL, _at(day)


def _appraise(story: _Story, day: dt.date) -> None:
    case = story.case
    case.appraised_on, case.appraisal_number = day, f"{200 + case.pk}/BC-HĐTĐ"
    case.council_name, case.council_members, case.votes_for = (
        "Hội đồng thẩm định NTM tỉnh (demo)",
        11,
        10,
    )
    story.document("appraisal_report", day, Stage.APPRAISAL, "hatinh", case.appraisal_number)
    story.document("council_minutes", day, Stage.APPRAISAL, "hatinh", f"{case.pk}/BB-HĐTĐ")
    story.event("appraise", day, "hatinh", frm=Stage.APPRAISAL, to=Stage.DECISION,
                details={"appraised_on": day.isoformat(), "report_number": case.appraisal_number,
                         "council": case.council_name, "members": 11, "votes_for": 10})  # fmt: skip
    case.stage, case.stage_since = Stage.DECISION, _at(day)
    _registration_status(case, RegistrationStatusChoices.APPRAISED, day)


def _registration_status(case: RecognitionCase, status: str, day: dt.date) -> None:
    """The case's registration moves on with it (through the service, with its entry)."""
    registration = case.registration
    record_registration(
        unit=registration.unit, tier=registration.tier, year=registration.year,
        registered_on=registration.registered_on, status=status, status_on=day,
        source=registration.source, note=registration.note, actor=writes.ACTOR,
    )  # fmt: skip


def _decide(
    story: _Story, day: dt.date, announced: dt.date, recognition: Recognition | None = None
) -> None:
    case = story.case
    if recognition is None:
        recognition = record_recognition(
            unit=case.unit, tier=case.tier, criteria_set=get_set(case.set_id, on=day),
            decision_number=f"DEMO-{case.pk}/QĐ-UBND", decision_date=day, issuer=ISSUER,
            signer=SIGNER, source=SOURCE, note=f"Hồ sơ xét công nhận năm {case.year} (demo)",
            actor=writes.ACTOR,
        )  # fmt: skip
    case.recognition = recognition
    story.event("decide", day, "hatinh", frm=Stage.DECISION, to=Stage.ANNOUNCEMENT,
                details={"decision_number": recognition.decision_number, "decision_date": day.isoformat(),
                         "signer": recognition.signer, "issuer": recognition.issuer})  # fmt: skip
    story.document("decision", day, Stage.DECISION, "hatinh", recognition.decision_number)
    case.announced_on, case.announced_where = (
        announced,
        "Cổng thông tin điện tử tỉnh; hội nghị công bố tại xã (demo)",
    )
    story.event("announce", announced, "hatinh", frm=Stage.ANNOUNCEMENT, to=Stage.MONITORING,
                details={"announced_on": announced.isoformat(), "where": case.announced_where})  # fmt: skip
    case.stage, case.stage_since = Stage.MONITORING, _at(announced)
    _registration_status(case, RegistrationStatusChoices.RECOGNIZED, day)


def _cases_2026(province: AdminUnit, users: dict[str, Any]) -> int:
    today = timezone.localdate()
    mid = D(2026, 6, 30)
    named = {name: child_named(province, name, today) for name in
             ("Thiên Cầm", "Can Lộc", "Cẩm Hưng", "Đồng Lộc", "Mai Hoa")}  # fmt: skip
    for name in ("Đồng Lộc", "Mai Hoa", "Cẩm Hưng"):
        _all_met(named[name], SET_2026, mid)

    thien_cam = _Story(_case(named["Thiên Cầm"], "standard", 2026, SET_2026, D(2026, 3, 10)), users)
    thien_cam.event("register", D(2026, 3, 10), "commune", to=Stage.SELF_ASSESSMENT,
                    details={"registered_on": "2026-03-10", "set": SET_2026})  # fmt: skip

    can_loc = _Story(_case(named["Can Lộc"], "standard", 2026, SET_2026, D(2026, 2, 20)), users)
    _through_dossier(can_loc, D(2026, 2, 20), mid, None)

    cam_hung = _Story(_case(named["Cẩm Hưng"], "standard", 2026, SET_2026, D(2026, 2, 5)), users)
    _through_dossier(cam_hung, D(2026, 2, 5), mid, D(2026, 8, 12))
    _skip_verification(cam_hung, D(2026, 8, 12))

    dong_loc = _Story(_case(named["Đồng Lộc"], "standard", 2026, SET_2026, D(2026, 1, 25)), users)
    _through_dossier(dong_loc, D(2026, 1, 25), mid, D(2026, 7, 28))
    _skip_verification(dong_loc, D(2026, 7, 28))
    _appraise(dong_loc, D(2026, 9, 18))

    mai_hoa = _Story(_case(named["Mai Hoa"], "standard", 2026, SET_2026, D(2026, 1, 12)), users)
    _through_dossier(mai_hoa, D(2026, 1, 12), mid, D(2026, 7, 10))
    _skip_verification(mai_hoa, D(2026, 7, 10))
    _appraise(mai_hoa, D(2026, 8, 20))
    _decide(mai_hoa, D(2026, 9, 15), D(2026, 9, 25))

    for story in (thien_cam, can_loc, cam_hung, dong_loc, mai_hoa):
        story.case.save()
    return 5


def _historical_case(users: dict[str, Any]) -> int:
    """Kỳ Châu's 2022 advanced recognition (already in the demo) with the case behind it,
    verified by the Kỳ Anh district office."""
    ky_anh = unit_on("447", D(2022, 4, 15), "district")
    ky_chau = child_named(ky_anh, "Kỳ Châu", D(2022, 4, 15))
    recognition = (
        Recognition.objects.filter(unit=ky_chau, tier="advanced").order_by("decision_date").first()
    )
    if recognition is None:
        return 0
    day = recognition.decision_date
    assessed = D(day.year, 9, 30)
    # The case says Kỳ Châu met both sets of the ladder when it assessed itself.
    _all_met(ky_chau, "commune-ntm-2021-2025", assessed)
    _all_met(ky_chau, SET_ADVANCED, assessed)
    story = _Story(_case(ky_chau, "advanced", day.year, SET_ADVANCED, D(day.year, 1, 20)), users)
    story.case.created_at = _at(D(day.year, 1, 20))
    _through_dossier(story, D(day.year, 1, 20), assessed, D(day.year, 10, 20))
    case = story.case
    case.stage, case.stage_since = Stage.VERIFICATION, _at(D(day.year, 10, 20))
    verified = D(day.year, 11, 8)
    case.verified_on, case.verification_number = verified, "88/BC-UBND (demo)"
    story.document(
        "verification_report", verified, Stage.VERIFICATION, "kyanh", case.verification_number
    )
    story.event("verify", verified, "kyanh", frm=Stage.VERIFICATION, to=Stage.APPRAISAL,
                details={"verified_on": verified.isoformat(), "report_number": case.verification_number})  # fmt: skip
    case.stage, case.stage_since = Stage.APPRAISAL, _at(verified)
    _appraise(story, D(day.year, 11, 28))
    _decide(story, day, day + dt.timedelta(days=10), recognition)
    case.save()
    return 1


def _reacknowledgements(province: AdminUnit, users: dict[str, Any]) -> int:
    """Through the province's service, as the Hà Tĩnh office, on the decision's day."""
    from ntm.recognition.services import reacknowledge

    today = timezone.localdate()
    made = 0
    for name, day in (
        ("Hương Đô", D(2025, 10, 15)),
        ("Hà Linh", D(2025, 10, 15)),
        ("Tứ Mỹ", D(2025, 11, 5)),
    ):
        unit = child_named(province, name, today)
        awaiting = awaiting_for_unit(unit)
        tier = awaiting.lowest_tier_of_all() if awaiting else None
        if tier is None:
            continue
        acknowledged = [
            r for group in awaiting.recognitions.values() for r in group if r.tier == tier
        ]
        reacknowledge(
            unit=unit, tier=tier, recognition_ids=[r.pk for r in acknowledged],
            decision_number=f"DEMO-TN-{unit.pk}/QĐ-UBND", decision_date=day, issuer=ISSUER,
            signer=SIGNER, source=SOURCE, note="Dữ liệu demo.", now=_at(day),
            actor=Actor(user=users["hatinh"], channel="system"),
        )  # fmt: skip
        made += 1
    return made


def load_recognition_demo() -> dict[str, int]:
    """Write the demo cases, documents and re-acknowledgements (first demo load only)."""
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["hatinh", "kyanh"])
    }
    province = unit_on("42", D(2026, 1, 1), "province")
    return {
        "cases": _cases_2026(province, users) + _historical_case(users),
        "reacknowledgements": _reacknowledgements(province, users),
    }
