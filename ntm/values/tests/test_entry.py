"""Entry services: evidence accepted by content, the preview overlay, saving all or
nothing with files and submission, submission status changes."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ntm.accounts.permissions import WriteDenied
from ntm.approvals.models import Submission
from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.core.periods import parse_period
from ntm.criteria.selectors import get_set
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.values import services
from ntm.values.bulk import CellInput, ValuesRefused
from ntm.values.entry import (
    evaluate_with_cells,
    record_submission,
    save_entry,
    values_in_force,
)
from ntm.values.evidence import CheckedUpload, EvidenceRefused, check_upload, size_text
from ntm.values.models import EvidenceFile, IndicatorValue

D = dt.date
INCOME = "test-commune:10"


def _zip(*entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


OOXML = ("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        pytest.param("a.pdf", b"%PDF-1.4\n%%EOF", "application/pdf", id="pdf"),
        pytest.param("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png", id="png"),
        pytest.param(
            "a.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg", id="jpeg"
        ),  # fmt: skip
        pytest.param(
            "a.docx",
            _zip(*OOXML, ("word/document.xml", "<w/>")),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            id="docx",
        ),  # fmt: skip
        pytest.param(
            "a.xlsx",
            _zip(*OOXML, ("xl/workbook.xml", "<w/>")),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            id="xlsx",
        ),  # fmt: skip
        pytest.param(
            "a.odt",
            _zip(("mimetype", "application/vnd.oasis.opendocument.text")),
            "application/vnd.oasis.opendocument.text",
            id="odt",
        ),  # fmt: skip
        pytest.param(
            "a.doc",
            OLE + "WordDocument".encode("utf-16-le"),
            "application/msword",
            id="legacy-word",
        ),  # fmt: skip
        pytest.param("scan.pdf.jpg", b"%PDF-1.7\n", "application/pdf", id="name-does-not-count"),
    ],
)
def test_accepted_evidence_is_recognized_by_its_content(name, content, mime):
    assert check_upload(SimpleUploadedFile(name, content)).mime == mime


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 64, id="executable-named-pdf"),
        pytest.param("bao-cao.pdf", b"<html><script>alert(1)</script></html>", id="html"),
        pytest.param("bang.xlsx", _zip(("a.txt", "x")), id="plain-zip-named-xlsx"),
        pytest.param(
            "macro.docx",
            _zip(*OOXML, ("word/document.xml", "<w/>"), ("word/vbaProject.bin", "x")),
            id="macro-enabled",
        ),  # fmt: skip
        pytest.param("msi.doc", OLE + b"\x00" * 64, id="compound-file-not-office"),
        pytest.param("broken.docx", b"PK\x03\x04" + b"\x00" * 40, id="broken-zip"),
    ],
)
def test_other_content_is_refused_naming_the_file(name, content):
    with pytest.raises(EvidenceRefused, match=f"Tệp “{name}” không phải là loại được nhận"):
        check_upload(SimpleUploadedFile(name, content))


def test_an_empty_file_is_refused():
    with pytest.raises(EvidenceRefused, match="Tệp “a.pdf” rỗng."):
        check_upload(SimpleUploadedFile("a.pdf", b""))


@pytest.mark.parametrize(
    ("size", "text"), [(512, "512 B"), (1536, "1,5 KB"), (10 * 1024 * 1024, "10 MB")]
)
def test_size_text(size, text):
    assert size_text(size) == text


@pytest.fixture
def units(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_criteria_sets(write_sets(tmp_path / "sets", COMMUNE_SET))
    return make_ky_anh()


@pytest.fixture
def actor(units):
    return Actor(make_user("kylac", role="data_entry", unit=units["ky_lac"]), channel="web")


def test_values_in_force_are_the_latest_on_or_before_the_day(units):
    ky_lac = units["ky_lac"]
    for day, value in ((D(2021, 3, 31), 30.0), (D(2021, 6, 30), 31.5), (D(2022, 1, 31), 40.0)):
        services.record_value(unit=ky_lac, indicator_key=INCOME, observed_on=day, value=value)
    found = values_in_force([ky_lac.pk], [INCOME], D(2021, 12, 31))
    assert found[(ky_lac.pk, INCOME)].value == 31.5


def test_typed_cells_are_evaluated_as_the_newest_evidence(units):
    ky_lac, stored = units["ky_lac"], get_set("test-commune")
    services.certify_criterion(
        unit=ky_lac, criterion_key=INCOME, is_met=False, certified_on=D(2021, 9, 25)
    )
    typed = [CellInput(ky_lac.pk, INCOME, D(2021, 12, 31), value=38.0)]
    assert int(evaluate_with_cells(stored, [ky_lac], D(2021, 12, 31)).met[0]) == 0
    assert int(evaluate_with_cells(stored, [ky_lac], D(2021, 12, 31), typed).met[0]) == 1
    assert IndicatorValue.objects.count() == 0


def _pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n%%EOF")


def test_a_refused_value_leaves_no_file_and_no_submission(units, actor, settings):
    ky_lac = units["ky_lac"]
    upload = _pdf()
    checked = CheckedUpload(upload, check_upload(upload), ky_lac.pk, INCOME, D(2021, 12, 31))
    with pytest.raises(ValuesRefused):
        save_entry(
            unit=ky_lac,
            criteria_set=get_set("test-commune"),
            period=parse_period("2021"),
            cells=[CellInput(ky_lac.pk, INCOME, D(2021, 12, 31), value=-1.0)],
            uploads=[checked],
            actor=actor,
        )
    assert (EvidenceFile.objects.count(), Submission.objects.count()) == (0, 0)
    assert AuditEntry.objects.count() == 0
    assert not any((settings.MEDIA_ROOT).rglob("*.pdf"))


def test_saving_writes_values_files_and_submission_together(units, actor):
    ky_lac = units["ky_lac"]
    upload = _pdf()
    checked = CheckedUpload(upload, check_upload(upload), ky_lac.pk, INCOME, D(2021, 12, 31))
    result = save_entry(
        unit=ky_lac,
        criteria_set=get_set("test-commune"),
        period=parse_period("2021"),
        cells=[CellInput(ky_lac.pk, INCOME, D(2021, 12, 31), value=38.0)],
        uploads=[checked],
        submit=True,
        actor=actor,
    )
    assert (len(result.plan.writes), len(result.evidence), result.status_changed) == (1, 1, True)
    assert result.submission.status == "submitted"
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == [
        "evidence.add",
        "submission.create",
        "submission.submit",
        "value.create",
    ]


def test_an_untouched_draft_is_not_created_and_a_status_change_is_audited(units, actor):
    args = {"unit": units["ky_lac"], "criteria_set": get_set("test-commune"),
            "period": parse_period("2021-H2"), "actor": actor}  # fmt: skip
    assert record_submission(status="draft", touched=False, **args) == (None, False)
    submission, changed = record_submission(status="submitted", **args)
    assert changed and submission.submitted_by == actor.user and submission.period == "2021-H2"
    assert record_submission(status="submitted", **args)[1] is False
    submission, changed = record_submission(status="draft", **args)
    assert changed and submission.status == "draft"
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["submission.create", "submission.submit", "submission.reopen"]


def test_a_user_of_another_commune_cannot_submit_it(units):
    other = Actor(make_user("kytay", role="data_entry", unit=units["ky_tay"]))
    with pytest.raises(WriteDenied):
        record_submission(
            unit=units["ky_lac"],
            criteria_set=get_set("test-commune"),
            period=parse_period("2021"),
            status="submitted",
            actor=other,
        )
    assert Submission.objects.count() == 0
