from django.contrib.auth import views as auth_views
from django.urls import include, path

from ntm.web import views_shell

app_name = "web"

urlpatterns = [
    # Home and search (views_shell.py)
    path("", views_shell.home, name="home"),
    path("search/", views_shell.search, name="search"),
    # A unit, its children, dashboards, maps and their XLSX exports (ntm/dashboards/urls.py)
    path("", include("ntm.dashboards.urls")),
    # Data entry and certifications (ntm/values/urls.py)
    path("", include("ntm.values.urls")),
    # A province's boundary uploads (ntm/units/urls.py)
    path("", include("ntm.units.urls")),
    # Criteria sets, their authoring and XLSX export (ntm/criteria/urls.py)
    path("", include("ntm.criteria.urls")),
    # Public recognition list and its XLSX export, no login (ntm/recognition/urls_public.py)
    path("", include("ntm.recognition.urls_public")),
    # Excel: a unit's templates and imports (ntm/workbooks/urls.py)
    path("units/<id:unit_id>/excel/", include("ntm.workbooks.urls")),
    # Approval and locking, the queue, departments responsible for criteria
    # (ntm/approvals/urls.py)
    path("", include("ntm.approvals.urls")),
    # Users and roles (offices), one's own account and API tokens (ntm/accounts/urls.py)
    path("", include("ntm.accounts.urls")),
    # The audit trail (ntm/audit/urls.py)
    path("", include("ntm.audit.urls")),
    # Accounts
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
