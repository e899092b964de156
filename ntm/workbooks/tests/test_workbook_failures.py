"""Excel uploads when things break: a media folder that cannot be written is a message
and leaves nothing; a job whose worker crashed or was killed reads as failed at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ntm.audit.services import Actor
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, make_ky_anh, make_user, write_sets
from ntm.workbooks import jobs
from ntm.workbooks.tests.workbook_helpers import template_bytes

pytestmark = pytest.mark.django_db

STORAGE_FAILED = (
    "Không lưu được tệp trên máy chủ (thư mục lưu trữ đầy hoặc không ghi được); chưa có gì "
    "thay đổi. Hãy báo quản trị hệ thống."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.NTM_WORKBOOK_JOBS = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ky_anh(tmp_path):
    load_criteria_sets(write_sets(tmp_path / "sets", COMMUNE_SET))
    return make_ky_anh()


def test_an_upload_into_an_unwritable_media_folder_is_a_message_and_leaves_nothing(
    client, ky_anh, settings, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    client.force_login(make_user("hatinh", role="approver", unit=ky_anh["province"]))
    district = ky_anh["district"]
    content = template_bytes([ky_anh["ky_lac"]], parent=district)
    response = client.post(
        reverse("web:workbook-upload-file", args=[district.id]),
        {
            "file": SimpleUploadedFile("mau.xlsx", content, content_type=XLSX),
            "set": "test-commune",
            "period": "2020",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith(
        reverse("web:unit-workbook", args=[district.id])
    )
    assert STORAGE_FAILED in response.content.decode()
    assert blocker.read_text().startswith("a regular file")


def _busy_upload(owner: dict, *, phase: str = "preview") -> jobs.Upload:
    upload = jobs.save_upload(user_id=7, content=b"PK", original_name="mau.xlsx", context={})
    upload.save(status=jobs.RUNNING, phase=phase, owner=owner)
    return upload


def _seen(upload: jobs.Upload) -> jobs.Upload:
    return jobs.find_upload(user_id=7, token=upload.token)


def test_a_job_whose_thread_died_in_this_process_reads_as_failed_at_once():
    upload = _busy_upload({"host": jobs._HOST, "pid": os.getpid()})
    seen = _seen(upload)
    assert seen.status == jobs.FAILED
    assert seen.state["message"] == (
        "Việc đọc tệp bị gián đoạn (tiến trình xử lý đã dừng); không có số liệu nào được ghi. "
        "Hãy tải tệp lên lại."
    )
    assert _seen(upload).status == jobs.FAILED  # recorded, not only shown


def test_a_job_whose_process_was_killed_reads_as_failed_at_once():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    upload = _busy_upload({"host": jobs._HOST, "pid": gone.pid}, phase="apply")
    seen = _seen(upload)
    assert seen.status == jobs.FAILED
    assert seen.state["message"].startswith("Việc ghi số liệu bị gián đoạn")


def test_a_job_on_another_machine_fails_when_its_heartbeat_stops():
    upload = _busy_upload({"host": "another-machine", "pid": 1})
    upload.heartbeat.touch()
    assert _seen(upload).status == jobs.RUNNING
    old = (timezone.now() - jobs.STALE_AFTER - timedelta(seconds=5)).timestamp()
    os.utime(upload.heartbeat, (old, old))
    assert _seen(upload).status == jobs.FAILED


@pytest.mark.django_db(transaction=True)
def test_an_exception_in_the_worker_thread_is_recorded_as_failed(settings):
    settings.NTM_WORKBOOK_JOBS = "thread"
    upload = jobs.save_upload(user_id=7, content=b"PK", original_name="mau.xlsx", context={})
    upload.save(status=jobs.PREVIEWED, cells=[{"not": "a cell"}])
    jobs.start(
        upload, phase="apply", actor=Actor(user=None, channel="web"), expect=jobs.Expectation()
    )
    seen = _seen(upload)
    for _ in range(200):  # wait for the worker (not a timing assertion)
        if not seen.is_busy:
            break
        time.sleep(0.05)
        seen = _seen(upload)
    assert seen.status == jobs.FAILED
    assert (seen.state["error"], seen.state["message"]) == (
        "KeyError",
        "Lỗi hệ thống khi xử lý tệp; không có số liệu nào được ghi. Hãy thử lại hoặc báo quản trị.",
    )
