"""Zip-based uploads (evidence, recognition documents) are judged by their central
directory: a zip bomb is refused with the reason, and no member is ever read whole."""

import io
import tracemalloc
import zipfile
from functools import lru_cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ntm.values.archives import ArchiveLimits, ArchiveRefused, check_sizes
from ntm.values.evidence import EvidenceRefused, check_upload

ODT = "application/vnd.oasis.opendocument.text"
OOXML = ("[Content_Types].xml", "<Types/>")


@lru_cache(maxsize=4)
def _bomb(name: str, megabytes: int, *others: tuple[str, str]) -> bytes:
    """A small zip whose member `name` unpacks to `megabytes` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for other, text in others:
            archive.writestr(other, text)
        chunk = b"\x00" * (1024 * 1024)
        with archive.open(name, "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


def _peak_while(call) -> int:
    tracemalloc.start()
    try:
        call()
    except EvidenceRefused:
        pass
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize(
    ("name", "bomb", "says"),
    [
        pytest.param("bom.odt", ("mimetype", 300), "“mimetype” giải nén ra 300 MB", id="odt-size"),
        pytest.param(
            "bom.docx",
            ("word/document.xml", 40, OOXML),
            "“word/document.xml” nén 1",
            id="docx-ratio",
        ),
        pytest.param(
            "bom.xlsx",
            ("xl/sharedStrings.xml", 40, OOXML),
            "“xl/sharedStrings.xml” nén 1",
            id="xlsx-ratio",
        ),
    ],
)
def test_a_zip_bomb_is_refused_by_its_central_directory_without_unpacking(name, bomb, says):
    content = _bomb(*bomb)
    assert len(content) < 400 * 1024  # at most ~300 KB on disk
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(EvidenceRefused) as refused:
        check_upload(upload)
    message = str(refused.value)
    assert message.startswith(f"Tệp “{name}” bị từ chối: ")
    assert says in message
    assert _peak_while(lambda: check_upload(upload)) < 2 * 1024 * 1024


def test_the_mimetype_member_is_read_only_a_few_bytes():
    """A plausible (stored, not packed) 6 MB mimetype member: only its head is read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("mimetype", ODT + " " * (6 * 1024 * 1024))
    upload = SimpleUploadedFile("a.odt", buffer.getvalue())
    assert check_upload(upload).mime == ODT
    assert _peak_while(lambda: check_upload(upload)) < 1024 * 1024


def test_archive_limits_refuse_totals_member_sizes_and_member_counts():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index in range(3):
            archive.writestr(f"part{index}.xml", "x" * 1000)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    check_sizes(archive, ArchiveLimits(total=3000, member=1000, members=3))
    with pytest.raises(ArchiveRefused, match="giải nén ra .* quá giới hạn"):
        check_sizes(archive, ArchiveLimits(total=2999, member=1000))
    with pytest.raises(ArchiveRefused, match="phần “part0.xml” giải nén ra"):
        check_sizes(archive, ArchiveLimits(total=10**6, member=999))
    with pytest.raises(ArchiveRefused, match="gồm 3 phần, quá giới hạn 2 phần"):
        check_sizes(archive, ArchiveLimits(total=10**6, member=10**6, members=2))


@pytest.mark.django_db
def test_a_recognition_document_bomb_is_refused_with_the_same_check(tmp_path, settings):
    from ntm.recognition import services
    from ntm.recognition.models import CaseDocument
    from ntm.recognition.tests.helpers import actor, build_world, case_at

    world = build_world(tmp_path, settings)
    case = case_at(world, "dossier", ready=False)
    bomb = SimpleUploadedFile("to-trinh.odt", _bomb("mimetype", 300))
    with pytest.raises(services.CaseRefused) as refused:
        services.add_document(case=case, kind="request", upload=bomb, actor=actor(world, "kylac"))
    assert "“mimetype” giải nén ra 300 MB" in " ".join(refused.value.problems)
    assert not CaseDocument.objects.filter(original_name="to-trinh.odt").exists()
