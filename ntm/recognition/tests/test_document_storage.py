"""A case document the server cannot store (disk full, media folder not writable) is a
clear refusal: 507 on the API, a message on the page; no row, no file left behind."""

from __future__ import annotations

import errno
import os

import pytest

from ntm.recognition.models import CaseDocument
from ntm.recognition.tests.helpers import case_at, pdf

pytestmark = pytest.mark.django_db

STORAGE_FAILED = (
    "Không lưu được tệp trên máy chủ (thư mục lưu trữ đầy hoặc không ghi được); chưa có gì "
    "thay đổi. Hãy báo quản trị hệ thống."
)


@pytest.fixture
def disk_full(monkeypatch, settings):
    media, real_open = str(settings.MEDIA_ROOT), os.open

    def open_(path, *arguments, **keywords):
        if str(path).startswith(media):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, *arguments, **keywords)

    monkeypatch.setattr(os, "open", open_)


def _left(settings) -> list:
    return [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_api_upload_on_a_full_disk_is_507_and_nothing_is_kept(client, world, settings, disk_full):
    case = case_at(world, "dossier", ready=False)
    before = CaseDocument.objects.count()
    client.force_login(world["users"]["kylac"])
    response = client.post(
        f"/api/recognition/cases/{case.pk}/documents",
        {"kind": "debt_report", "number": "1/BC", "file": pdf("no.pdf")},
    )
    assert response.status_code == 507
    assert response.json() == {"detail": STORAGE_FAILED}
    assert CaseDocument.objects.count() == before
    assert not CaseDocument.objects.filter(original_name="no.pdf").exists()
    assert not any(p.name.endswith(".part") for p in _left(settings))


def test_page_upload_on_a_full_disk_shows_the_message(client, world, settings, disk_full):
    case = case_at(world, "dossier", ready=False)
    before = CaseDocument.objects.count()
    client.force_login(world["users"]["kylac"])
    response = client.post(
        f"/recognition/cases/{case.pk}/document/",
        {"kind": "debt_report", "number": "1/BC", "file": pdf("no.pdf")},
    )
    assert response.status_code == 200
    assert STORAGE_FAILED in response.content.decode()
    assert CaseDocument.objects.count() == before
