"""Login, logout and the layout around every page (the public recognition list is tested in
ntm/recognition/tests/test_public_list.py)."""

import pytest

from ntm.testing import make_ky_anh, make_user
from ntm.units.models import AdminUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    units = make_ky_anh()
    thanh_hoa = AdminUnit.objects.create(
        code="38", name="Tỉnh Thanh Hóa", short_name="Thanh Hóa", kind="province",
        level="province", source="user",
    )  # fmt: skip
    dong_son = AdminUnit.objects.create(
        code="399", name="Huyện Đông Sơn", short_name="Đông Sơn", kind="rural_district",
        level="district", parent=thanh_hoa, source="user",
    )  # fmt: skip
    units["dong_van"] = AdminUnit.objects.create(
        code="16000", name="Xã Đông Văn", short_name="Đông Văn", kind="commune",
        level="commune", parent=dong_son, source="user",
    )  # fmt: skip
    units["thanh_hoa"] = thanh_hoa
    return units


def html(response):
    return response.content.decode()


# --- Login and layout ---------------------------------------------------------------------


def test_login_page_renders_for_anonymous_users(client):
    page = html(client.get("/accounts/login/"))
    assert "Tên đăng nhập" in page and "Mật khẩu" in page
    assert 'name="username"' in page and 'name="password"' in page


def test_protected_page_redirects_anonymous_users_to_login(client):
    response = client.get("/criteria/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/criteria/"


def test_wrong_password_shows_the_error_in_vietnamese(client):
    make_user("alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong-pass"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html(response)
    assert "_auth_user_id" not in client.session


def test_login_goes_to_next_then_shows_name_role_and_unit(client, units):
    make_user("hatinh", role="approver", unit=units["province"])
    response = client.post(
        "/accounts/login/",
        {"username": "hatinh", "password": "demo-pass-123", "next": "/criteria/"},
    )
    assert response.status_code == 302 and response["Location"] == "/criteria/"
    page = html(client.get("/criteria/"))
    assert "hatinh" in page
    assert "Phê duyệt (văn phòng điều phối)" in page and "Tỉnh Hà Tĩnh" in page
    assert 'action="/accounts/logout/"' in page


def test_logout_is_a_post_and_ends_the_session(client):
    client.force_login(make_user("bob"))
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/criteria/").status_code == 302  # logged out: back to the login page


def test_anonymous_nav_shows_only_recognitions_and_login(client):
    page = html(client.get("/recognitions/"))
    nav = page[page.index('<nav class="mainnav"') : page.index("</nav>")]
    assert 'href="/recognitions/"' in nav and 'href="/accounts/login/"' in nav
    assert 'href="/criteria/"' not in nav and "/api/docs" not in nav
    assert "Đăng xuất" not in page


def test_layout_has_htmx_csrf_header_language_switch_and_stylesheets(admin_client):
    page = html(admin_client.get("/criteria/"))
    assert "django_htmx/htmx-2.min.js" in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert "web/app.css" in page and "web/units.css" in page
    assert 'action="/i18n/setlang/"' in page and 'name="language"' in page
    assert '<input type="hidden" name="next" value="/criteria/">' in page
    assert "Tiếng Việt" in page and "English" in page


def test_api_docs_load_swagger_from_our_static_files_not_a_cdn(admin_client):
    page = html(admin_client.get("/api/docs"))
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page and "https://" not in page
