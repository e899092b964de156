"""Evidence in a period under review or locked is a clear refusal (409 on the API, a
message on the page), and a server that cannot store a file changes nothing (507 on the
API, a message on the page): no row, no file, no half-written file left behind."""

from __future__ import annotations

import errno
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ntm.accounts.services import create_token
from ntm.approvals.tests.approval_world import INCOME, YEAR_END, world
from ntm.approvals.tests.test_locking import lock_ky_lac, locked_message, snapshot
from ntm.audit.services import Actor
from ntm.values.models import EvidenceFile, IndicatorValue

__all__ = ["world"]

STORAGE_FAILED = (
    "Không lưu được tệp trên máy chủ (thư mục lưu trữ đầy hoặc không ghi được); chưa có gì "
    "thay đổi. Hãy báo quản trị hệ thống."
)


def as_token(user) -> Client:
    key = create_token(actor=Actor(user=None, channel="cli"), user=user).key
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _form(world, name: str = "them.pdf") -> dict:
    return {
        "unit_id": world.units["ky_lac"].pk,
        "set": "test-commune",
        "period": "2021",
        "indicator": "10",
        "file": SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n"),
    }


def _files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_api_upload_and_removal_in_a_locked_period_are_409_with_the_reason(world, settings):
    when = lock_ky_lac(world)
    clerk = as_token(world.users["kylac"])
    before, files = snapshot(), _files(settings)
    uploaded = clerk.post("/api/evidence", _form(world))
    assert uploaded.status_code == 409
    assert uploaded.json() == {"detail": locked_message(when)}
    removed = clerk.delete(f"/api/evidence/{EvidenceFile.objects.get().pk}")
    assert removed.status_code == 409
    assert removed.json() == {"detail": locked_message(when)}
    assert (snapshot(), _files(settings)) == (before, files)


def test_page_removal_in_a_locked_period_is_a_message_not_a_500(world, client):
    lock_ky_lac(world)
    before = snapshot()
    client.force_login(world.users["kylac"])
    evidence = EvidenceFile.objects.get()
    back = f"/units/{world.units['ky_lac'].pk}/entry/?set=test-commune&period=2021"
    response = client.post(f"/evidence/{evidence.pk}/remove/", {"next": back}, follow=True)
    assert response.redirect_chain == [(back, 302)]
    page = response.content.decode()
    assert "Không gỡ được tệp “bien-ban.pdf”: Kỳ 2021 của Xã Kỳ Lạc" in page
    assert snapshot() == before


@pytest.fixture(params=["open", "fsync"])
def disk_full(request, monkeypatch, settings):
    """The disk is full: creating a file under MEDIA_ROOT, or flushing it once written,
    fails with ENOSPC at the lowest call."""
    media = str(settings.MEDIA_ROOT)
    real_open = os.open

    def full(*_arguments, **_keywords):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def open_(path, *arguments, **keywords):
        if str(path).startswith(media):
            full()
        return real_open(path, *arguments, **keywords)

    if request.param == "open":
        monkeypatch.setattr(os, "open", open_)
    else:
        monkeypatch.setattr(os, "fsync", full)


def test_api_upload_on_a_full_disk_is_507_and_leaves_nothing(world, settings, disk_full):
    clerk = as_token(world.users["kylac"])
    before = snapshot()
    uploaded = clerk.post("/api/evidence", _form(world))
    assert uploaded.status_code == 507
    assert uploaded.json() == {"detail": STORAGE_FAILED}
    assert snapshot() == before
    assert _files(settings) == []  # no file, no temporary ".part" either


def test_page_upload_into_an_unwritable_media_folder_is_a_message_and_nothing_written(
    world, settings, client, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    before = snapshot()
    client.force_login(world.users["kylac"])
    url = f"/units/{world.units['ky_lac'].pk}/entry/?set=test-commune&period=2021"
    response = client.post(
        url,
        {
            "v-10": "38",
            "ev-10": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n"),
            "action": "draft",
        },
    )
    assert response.status_code == 200
    assert STORAGE_FAILED in response.content.decode()
    assert snapshot() == before
    assert not IndicatorValue.objects.filter(indicator_key=INCOME, observed_on=YEAR_END).exists()
    assert blocker.read_text().startswith("a regular file")
