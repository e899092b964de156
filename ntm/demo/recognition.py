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

Every step goes through the recognition services, as the demo's people, on the day the
story gives it (the services' ``now``): registration, self-assessment, documents,
declarations, sending, verification, appraisal, announcement. The one exception is the
decision of Mai Hoa and Kỳ Châu (``_decision_step``): the service refuses it until the
province sets the satisfaction level, which the demo does not make up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from unidecode import unidecode

from ntm.audit.services import Actor
from ntm.criteria.selectors import get_set
from ntm.dashboards.evaluation import evaluate_units
from ntm.demo import writes
from ntm.demo.seeds import child_named, unit_on
from ntm.programme.models import RegistrationStatusChoices
from ntm.recognition.models import (
    EventAction,
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
    """One case told through the recognition services, step by step on its past days, by the
    demo's people: the commune's steps by the national administrator (the demo has no
    account of these communes), the district's by Kỳ Anh's office, the province's by Hà
    Tĩnh's. Each step runs on the demo's clock (``now``), so its event, its stage time
    and its audit entry carry the step's day."""

    def __init__(self, case: RecognitionCase, actors: dict[str, Actor], last: dt.datetime):
        self.case = case
        self.actors = actors
        self.last = last

    def at(self, day: dt.date, hour: int = 9) -> dt.datetime:
        """The time of the next step on a day: its hour, or just after the step before (the
        steps of one day keep their order)."""
        moment = _at(day, hour)
        if moment <= self.last:
            moment = self.last + dt.timedelta(minutes=5)
        self.last = moment
        return moment

    def document(self, kind: str, day: dt.date, who: str, number: str = "") -> None:
        """A demo PDF added to the case at its stage, as a person would upload it."""
        from ntm.recognition.services import add_document

        name = document_kinds()[kind].name_vi
        upload = SimpleUploadedFile(
            f"{unidecode(name).lower().replace(' ', '-').replace(',', '')[:60]}.pdf",
            _pdf(f"{name} - {self.case.unit.name}"),
            content_type="application/pdf",
        )
        add_document(
            case=self.case, kind=kind, upload=upload, actor=self.actors[who], number=number,
            issued_on=day, now=self.at(day, 8),
        )  # fmt: skip


def _case(
    unit: AdminUnit,
    tier: str,
    year: int,
    set_id: str,
    registered: dt.date,
    actors: dict[str, Actor],
) -> _Story:
    """The commune registers its case (through ``register_case``, on the day it did)."""
    from ntm.recognition.services import register_case

    now = _at(registered)
    case = register_case(
        unit=unit, tier=tier, year=year, actor=actors["commune"], registered_on=registered,
        source=SOURCE, now=now,
    )  # fmt: skip
    if case.set_id != set_id:
        raise writes.DemoDataRefused(
            f"{unit.name}: the case is judged by {case.set_id}, not {set_id}"
        )
    return _Story(case, actors, now)


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


def _declare(story: _Story, survey_day: dt.date) -> None:
    """The survey, debt and security documents, then the declarations of C2-C4."""
    from ntm.recognition.services import Declaration, declare_conditions

    for kind, number in (
        ("comments_summary", "48/BC-UBND"),
        ("satisfaction_survey", "07/BC-MTTQ"),
        ("meeting_minutes", "03/BB-HN"),
        ("debt_report", "50/BC-UBND"),
        ("security_confirmation", "112/CAX"),
    ):
        story.document(kind, survey_day, "commune", number)
    story.case = declare_conditions(
        case=story.case,
        declaration=Declaration(
            satisfaction_percent=Decimal("94.6"), satisfaction_on=survey_day,
            has_construction_debt=False, debt_declared_on=survey_day,
            is_security_complicated=False,
            security_confirmed_by=f"Công an {story.case.unit.name}",
            security_confirmed_on=survey_day,
        ),
        actor=story.actors["commune"],
        comment="Kết quả lấy ý kiến do Ủy ban MTTQ xã thực hiện.",
        now=story.at(survey_day),
    )  # fmt: skip


def _through_dossier(story: _Story, assessed: dt.date, submitted: dt.date | None) -> None:
    """Self-assessment, the dossier's documents and declarations, and sending it up (a
    commune without a district skips verification, with the services' note)."""
    from ntm.recognition.services import complete_self_assessment, submit_dossier

    commune = story.actors["commune"]
    story.case = complete_self_assessment(
        case=story.case, assessed_on=assessed, actor=commune, now=story.at(assessed)
    )
    for kind, number in (("request", "12/TTr-UBND"), ("results_report", "45/BC-UBND")):
        story.document(kind, assessed + dt.timedelta(days=3), "commune", number)
    if submitted is None:
        return
    _declare(story, assessed + dt.timedelta(days=10))
    story.case = submit_dossier(case=story.case, actor=commune, now=story.at(submitted))


def _verify(story: _Story, day: dt.date) -> None:
    """The district's verification report and step (Kỳ Anh's office)."""
    from ntm.recognition.services import verify_case

    number = "88/BC-UBND (demo)"
    story.document("verification_report", day, "kyanh", number)
    story.case = verify_case(
        case=story.case, verified_on=day, report_number=number, actor=story.actors["kyanh"],
        now=story.at(day),
    )  # fmt: skip


def _appraise(story: _Story, day: dt.date) -> None:
    """The province's appraisal documents and step (its registration follows)."""
    from ntm.recognition.services import appraise_case

    number = f"{200 + story.case.pk}/BC-HĐTĐ"
    story.document("appraisal_report", day, "hatinh", number)
    story.document("council_minutes", day, "hatinh", f"{story.case.pk}/BB-HĐTĐ")
    story.case = appraise_case(
        case=story.case, appraised_on=day, report_number=number,
        council_name="Hội đồng thẩm định NTM tỉnh (demo)", council_members=11, votes_for=10,
        actor=story.actors["hatinh"], now=story.at(day),
    )  # fmt: skip


def _decision_step(story: _Story, day: dt.date, recognition: Recognition) -> None:
    """The decide step of a case decided before its province set the satisfaction level.

    ``decide_case`` refuses a decision while condition C2 has no required level, and the
    demo makes up no procedure setting (Đồng Lộc's case waits for it). So the demo records
    the recognition through the recognition service and takes the step with the services'
    own helpers (stage, registration, event, audit entry) on its clock: the one step of a
    demo case not checked by its service.
    """
    from ntm.recognition.services.access import (
        _audit,
        _event,
        _locked,
        _move,
        _registration_status,
    )

    actor, now = story.actors["hatinh"], story.at(day)
    case = _locked(story.case)
    case.recognition = recognition
    left = _move(case, Stage.ANNOUNCEMENT, now)
    case.save()
    _registration_status(case, RegistrationStatusChoices.RECOGNIZED, day, actor, now)
    details = {"decision_number": recognition.decision_number, "decision_date": day.isoformat(),
               "signer": recognition.signer, "issuer": recognition.issuer}  # fmt: skip
    _event(case, EventAction.DECIDE, actor, from_stage=left, to_stage=case.stage,
           details=details, now=now)  # fmt: skip
    _audit(actor, case, "recognition_case.decide", f"{case.unit.name}: {recognition.decision_number}",
           old={"stage": left}, new={"stage": case.stage, "recognition": recognition.pk}, now=now)  # fmt: skip
    story.case = case


def _decide(
    story: _Story, day: dt.date, announced: dt.date, recognition: Recognition | None = None
) -> None:
    """The decision (its document, the recognition, the step) and its announcement."""
    from ntm.recognition.services import announce_case

    case = story.case
    number = recognition.decision_number if recognition else f"DEMO-{case.pk}/QĐ-UBND"
    story.document("decision", day, "hatinh", number)
    if recognition is None:
        recognition = record_recognition(
            unit=case.unit, tier=case.tier, criteria_set=get_set(case.set_id, on=day),
            decision_number=number, decision_date=day, issuer=ISSUER,
            signer=SIGNER, source=SOURCE, note=f"Hồ sơ xét công nhận năm {case.year} (demo)",
            user=story.actors["hatinh"].user, actor=story.actors["hatinh"], now=story.at(day),
        )  # fmt: skip
    _decision_step(story, day, recognition)
    story.case = announce_case(
        case=story.case, announced_on=announced,
        where="Cổng thông tin điện tử tỉnh; hội nghị công bố tại xã (demo)",
        actor=story.actors["hatinh"], now=story.at(announced),
    )  # fmt: skip


def _cases_2026(province: AdminUnit, actors: dict[str, Actor]) -> int:
    today = timezone.localdate()
    mid = D(2026, 6, 30)
    named = {name: child_named(province, name, today) for name in
             ("Thiên Cầm", "Can Lộc", "Cẩm Hưng", "Đồng Lộc", "Mai Hoa")}  # fmt: skip
    for name in ("Đồng Lộc", "Mai Hoa", "Cẩm Hưng"):
        _all_met(named[name], SET_2026, mid)

    _case(named["Thiên Cầm"], "standard", 2026, SET_2026, D(2026, 3, 10), actors)

    can_loc = _case(named["Can Lộc"], "standard", 2026, SET_2026, D(2026, 2, 20), actors)
    _through_dossier(can_loc, mid, None)

    cam_hung = _case(named["Cẩm Hưng"], "standard", 2026, SET_2026, D(2026, 2, 5), actors)
    _through_dossier(cam_hung, mid, D(2026, 8, 12))

    dong_loc = _case(named["Đồng Lộc"], "standard", 2026, SET_2026, D(2026, 1, 25), actors)
    _through_dossier(dong_loc, mid, D(2026, 7, 28))
    _appraise(dong_loc, D(2026, 9, 18))

    mai_hoa = _case(named["Mai Hoa"], "standard", 2026, SET_2026, D(2026, 1, 12), actors)
    _through_dossier(mai_hoa, mid, D(2026, 7, 10))
    _appraise(mai_hoa, D(2026, 8, 20))
    _decide(mai_hoa, D(2026, 9, 15), D(2026, 9, 25))
    return 5


def _historical_case(actors: dict[str, Actor]) -> int:
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
    story = _case(ky_chau, "advanced", day.year, SET_ADVANCED, D(day.year, 1, 20), actors)
    _through_dossier(story, assessed, D(day.year, 10, 20))
    _verify(story, D(day.year, 11, 8))
    _appraise(story, D(day.year, 11, 28))
    _decide(story, day, day + dt.timedelta(days=10), recognition)
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
        u.username: u
        for u in get_user_model().objects.filter(username__in=["admin", "hatinh", "kyanh"])
    }
    actors = {
        "commune": Actor(user=users["admin"], channel="system"),
        "kyanh": Actor(user=users["kyanh"], channel="system"),
        "hatinh": Actor(user=users["hatinh"], channel="system"),
    }
    province = unit_on("42", D(2026, 1, 1), "province")
    return {
        "cases": _cases_2026(province, actors) + _historical_case(actors),
        "reacknowledgements": _reacknowledgements(province, users),
    }
