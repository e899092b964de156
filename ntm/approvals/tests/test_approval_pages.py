"""Approval pages: a period's panel and its steps (htmx and plain posts), the queue and its
badge, the departments page, the entry form of a frozen period; scope and refusals."""

from __future__ import annotations

import re

import pytest

from ntm.approvals import approval
from ntm.approvals.models import CriterionResponsibility, CriterionVerification, Submission
from ntm.approvals.tests.approval_world import PERIOD, World, world
from ntm.audit.models import AuditEntry
from ntm.units.models import Department
from ntm.values.models import IndicatorValue

__all__ = ["world"]

QUERY = "set=test-commune&period=2021"
#: Most queries of the queue (session, user, counts per kind, rows, set names) and of a
#: period's page (session, unit, set, evaluation, round, history, responsibilities).
QUEUE_QUERIES = 17
PAGE_QUERIES = 16


def page_url(w: World, unit: str = "ky_lac") -> str:
    return f"/units/{w.units[unit].pk}/approval/?{QUERY}"


def step_url(w: World, step: str, unit: str = "ky_lac") -> str:
    return f"/units/{w.units[unit].pk}/approval/{step}/?{QUERY}"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def as_user(client, w: World, username: str):
    client.force_login(w.users[username])
    return client


def submit(w: World) -> Submission:
    return approval.submit_period(
        unit=w.units["ky_lac"], criteria_set=w.criteria_set, period=PERIOD, actor=w.actor("kylac")
    )


def test_the_commune_submits_from_its_approval_page_with_htmx(client, world):
    as_user(client, world, "kylac")
    page = client.get(page_url(world))
    assert page.status_code == 200
    assert 'data-testid="step-submit"' in page.content.decode()
    assert "Sở Giao thông Vận tải Hà Tĩnh" in text(page)  # who will verify criterion 2
    response = client.post(step_url(world, "submit"), HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Trigger"]) == (200, "ntm-queue-changed")
    body = text(response)
    assert "Đã gửi kỳ này lên để thẩm tra" in body
    assert "Đã gửi, chờ thẩm tra" in body
    assert 'data-testid="step-submit"' not in response.content.decode()
    assert world.submission().status == "submitted"
    assert AuditEntry.objects.get(action="submission.submit").channel == "web"


def test_a_department_sees_and_verifies_only_its_criteria(client, world):
    submit(world)
    as_user(client, world, "sogtvt")
    page = client.get(page_url(world)).content.decode()
    assert re.findall(r'data-testid="verify-(\w+)"', page) == ["2"]
    response = client.post(step_url(world, "verify"), {"criteria": ["1", "2"]},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert "Tiêu chí 1 do Sở Y tế Hà Tĩnh thẩm tra" in text(response)
    assert not CriterionVerification.objects.filter(verified_at__isnull=False).exists()
    response = client.post(step_url(world, "verify"), {"criteria": ["2"], "comment": "Đủ"},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert "Đã xác nhận tiêu chí 2." in text(response)
    assert 'data-testid="verified-2"' in response.content.decode()


def test_verifying_with_nothing_chosen_verifies_nothing(client, world):
    submit(world)
    as_user(client, world, "kyanh")
    response = client.post(step_url(world, "verify"), {"comment": "x"}, HTTP_HX_REQUEST="true")
    assert "Chọn ít nhất một tiêu chí để xác nhận." in text(response)
    assert not CriterionVerification.objects.filter(verified_at__isnull=False).exists()


def test_the_office_verifies_everything_left_then_approves_and_locks(client, world):
    submit(world)
    as_user(client, world, "kyanh")
    refused = client.post(step_url(world, "verify"), {"all": "1"}, HTTP_HX_REQUEST="true")
    assert "cần ghi ý kiến nêu căn cứ" in text(refused)
    done = client.post(step_url(world, "verify"), {"all": "1", "comment": "Theo văn bản các sở"},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    assert "Đã xác nhận tiêu chí 1, 2, 10, 19." in text(done)
    assert world.submission().status == "verified"
    client.post(step_url(world, "approve"), HTTP_HX_REQUEST="true")
    locked = client.post(step_url(world, "lock"), HTTP_HX_REQUEST="true")
    assert "Đã khóa số liệu kỳ này." in text(locked)
    assert 'data-testid="step-unlock"' in locked.content.decode()
    assert world.submission().status == "locked"


def test_a_plain_post_redirects_back_with_the_outcome(client, world):
    submit(world)
    as_user(client, world, "kyanh")
    response = client.post(step_url(world, "return"), {"comment": ""})
    assert response.status_code == 302 and response.url == page_url(world)
    assert "Trả lại cần ý kiến" in text(client.get(response.url))
    response = client.post(step_url(world, "return"), {"comment": "Thiếu minh chứng tiêu chí 2",
                                                       "next": "/queue/"})  # fmt: skip
    assert response.url == "/queue/"
    assert world.submission().status == "draft"
    response = client.post(
        step_url(world, "return"), {"comment": "x", "next": "https://evil.example/"}
    )
    assert response.url == page_url(world)  # never to another site


def test_another_commune_sees_neither_the_page_nor_can_take_a_step(client, world):
    submit(world)
    as_user(client, world, "kytay")
    before = list(Submission.objects.values())
    assert client.get(page_url(world)).status_code == 404
    for step in ("withdraw", "verify", "return", "approve", "lock", "unlock", "submit"):
        assert client.post(step_url(world, step), {"comment": "x"}).status_code == 404
    assert list(Submission.objects.values()) == before


def test_an_unknown_step_is_a_404(client, world):
    as_user(client, world, "kylac")
    assert client.post(step_url(world, "delete")).status_code == 404


def test_a_frozen_entry_form_disables_its_fields_and_offers_to_withdraw(client, world):
    submit(world)
    as_user(client, world, "kylac")
    url = f"/units/{world.units['ky_lac'].pk}/entry/?{QUERY}"
    page = client.get(url).content.decode()
    assert '<fieldset class="entry-fieldset" disabled>' in page
    assert "số liệu không sửa được trong khi xét duyệt" in page
    assert 'data-testid="entry-withdraw"' in page
    response = client.post(step_url(world, "withdraw"), {"next": url})
    assert response.url == url
    page = client.get(url).content.decode()
    assert '<fieldset class="entry-fieldset">' in page and "Bản nháp" in page


def test_a_submitted_form_refuses_a_posted_value_and_says_why(client, world):
    submit(world)
    as_user(client, world, "kylac")
    response = client.post(f"/units/{world.units['ky_lac'].pk}/entry/?{QUERY}",
                           {"v-10": "44", "action": "submit"})  # fmt: skip
    assert response.status_code == 200
    assert "đang được xét duyệt" in text(response)
    assert IndicatorValue.objects.count() == 0


def test_the_unit_page_lists_its_periods_and_links_offices_to_responsibilities(client, world):
    submit(world)
    as_user(client, world, "kylac")
    page = client.get(f"/units/{world.units['ky_lac'].pk}/")
    assert "Xét duyệt số liệu" in text(page) and "0/4" in text(page)
    assert 'data-testid="responsibilities-link"' not in page.content.decode()
    as_user(client, world, "hatinh")
    page = client.get(f"/units/{world.units['province'].pk}/").content.decode()
    assert 'data-testid="responsibilities-link"' in page


# --------------------------------------------------------------------------- queue


def test_each_persona_sees_its_own_queue_with_counts(client, world):
    submit(world)
    as_user(client, world, "sogtvt")
    page = client.get("/queue/")
    assert 'data-testid="count-verify">1<' in page.content.decode()
    assert "2. Giao thông" in text(page)
    badge = client.get("/queue/count/").content.decode()
    assert 'data-testid="queue-count"' in badge and ">1</span>" in badge
    assert 'hx-trigger="ntm-queue-changed from:body"' in badge  # refreshed after each step
    as_user(client, world, "kyanh")
    assert "10. Thu nhập 19. Quốc phòng và An ninh" in text(client.get("/queue/"))
    as_user(client, world, "kytay")
    assert 'data-testid="queue-empty"' in client.get("/queue/").content.decode()
    assert 'data-testid="queue-count"' not in client.get("/queue/count/").content.decode()


def test_a_returned_period_waits_for_the_commune_with_the_comment(client, world):
    submit(world)
    approval.return_submission(submission=world.submission(), actor=world.actor("sogtvt"),
                               comment="Thiếu biên bản nghiệm thu đường")  # fmt: skip
    as_user(client, world, "kylac")
    page = text(client.get("/queue/"))
    assert "Bị trả lại" in page and "“Thiếu biên bản nghiệm thu đường” — sogtvt" in page


# --------------------------------------------------------------------------- responsibilities


def test_the_province_assigns_a_criterion_and_adds_a_department(client, world):
    as_user(client, world, "hatinh")
    url = f"/units/{world.units['province'].pk}/responsibilities/?set=test-commune"
    page = client.get(url)
    assert page.status_code == 200
    assert "Theo lĩnh vực: Sở Giao thông Vận tải Hà Tĩnh" in text(page)
    response = client.post(url, {"action": "assign", "dept-10": str(world.yte.pk), "dept-2": ""})
    assert response.status_code == 302
    row = CriterionResponsibility.objects.get()
    assert (row.criterion_key, row.department) == ("test-commune:10", world.yte)
    client.post(
        url, {"action": "department", "name": "Cục Thống kê Hà Tĩnh", "sector": "statistics"}
    )
    assert Department.objects.filter(name="Cục Thống kê Hà Tĩnh", sector="statistics").exists()
    refused = client.post(url, {"action": "department", "name": "", "sector": ""}, follow=True)
    assert "Cần tên sở, ngành." in text(refused)


@pytest.mark.parametrize(
    ("username", "unit", "status", "match"),
    [
        ("kylac", "province", 404, None),
        ("kyanh", "province", 404, None),
        ("sogtvt", "province", 403, "Vai trò “Thẩm tra (sở, ngành)” không được làm việc này"),
        ("hatinh", "ky_lac", 403, "Chỉ tỉnh hoặc huyện giao sở, ngành phụ trách tiêu chí."),
    ],
)
def test_the_responsibilities_page_is_for_offices_only(
    client, world, username, unit, status, match
):
    as_user(client, world, username)
    response = client.get(f"/units/{world.units[unit].pk}/responsibilities/")
    assert response.status_code == status
    if match:
        assert match in text(response)
    before = CriterionResponsibility.objects.count()
    client.post(f"/units/{world.units[unit].pk}/responsibilities/",
                {"action": "assign", "dept-2": str(world.yte.pk)})  # fmt: skip
    assert CriterionResponsibility.objects.count() == before


def test_the_pages_answer_in_english(client, world):
    submit(world)
    as_user(client, world, "sogtvt")
    client.cookies["django_language"] = "en"
    page = text(client.get(page_url(world)))
    assert "Submitted, awaiting verification" in page
    assert "Verify the selected criteria" in page
    assert "Draft created — kylac" in page and "Submitted — kylac" in page
    queue = text(client.get("/queue/"))
    assert "Waiting for me" in queue and "2. Giao thông" in queue


def test_the_queue_and_approval_pages_take_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    from ntm.units.models import AdminUnit

    units = [world.units["ky_lac"], world.units["ky_tay"]] + [
        AdminUnit.objects.create(
            code=f"9{n:04d}", name=f"Xã Thử {n:02d}", short_name=f"Thử {n:02d}",
            kind="commune", level="commune", parent=world.units["district"],
            valid_to=world.units["ky_lac"].valid_to, region="BTB", source="user",
        )
        for n in range(25)
    ]  # fmt: skip
    for unit in units:
        approval.submit_period(unit=unit, criteria_set=world.criteria_set, period=PERIOD,
                               actor=world.actor("hatinh"))  # fmt: skip
    as_user(client, world, "kyanh")
    client.get("/queue/")  # the session is read once before counting
    with django_assert_max_num_queries(QUEUE_QUERIES):
        page = client.get("/queue/")
    assert page.content.decode().count('data-testid="queue-row"') == 27
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(page_url(world)).status_code == 200
