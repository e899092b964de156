"""The one HTTP API (django-ninja); OpenAPI schema at /api/openapi.json, docs at /api/docs."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError

from ntm.accounts.api import router as accounts_router
from ntm.accounts.api_auth import api_auth
from ntm.accounts.api_types import ApiParser, BadInput
from ntm.approvals.api import router as approvals_router
from ntm.criteria.api import router as criteria_router
from ntm.dashboards.api_dashboard import router as dashboards_router
from ntm.recognition.api import router as recognition_router
from ntm.units.api import router as units_router
from ntm.units.api_boundaries import router as boundaries_router
from ntm.values.api import router as values_router
from ntm.values.api_certification import router as certifications_router
from ntm.values.api_evidence import router as evidence_router
from ntm.web.errors import REFUSALS, refusal
from ntm.workbooks.api import router as workbook_router

api = NinjaAPI(
    title="ntm API",
    version="1",
    description=(
        "Đơn vị hành chính, bộ tiêu chí và kết quả đánh giá nông thôn mới.\n\n"
        "Authentication: `Authorization: Bearer <token>` (a token from `ntm token create` "
        "or the account page), or the web session with the CSRF token in `X-CSRFToken` "
        "for writes. Units, criteria sets and published recognitions are public; "
        "everything else needs authentication and is limited to the user's scope and role."
    ),
    urls_namespace="api",
    # Every operation needs a token or the session unless it says otherwise.
    auth=api_auth,
    # Refuses lone surrogates, NUL, control characters and integers beyond 2^63-1 in bodies.
    parser=ApiParser(),
)
api.add_router("/units", units_router, tags=["units"])
api.add_router("/criteria", criteria_router, tags=["criteria", "evaluations"])
api.add_router("/values", values_router, tags=["values"])
api.add_router("/dashboards", dashboards_router, tags=["dashboards"])
api.add_router("/workbooks", workbook_router, tags=["workbooks"])
api.add_router("/approvals", approvals_router, tags=["approvals"])
api.add_router("/certifications", certifications_router, tags=["certifications"])
api.add_router("/recognition", recognition_router, tags=["recognition"])
api.add_router("/evidence", evidence_router, tags=["evidence"])
api.add_router("/boundaries", boundaries_router, tags=["boundaries"])
# Users, roles and tokens (tags per operation), and the audit trail.
api.add_router("", accounts_router)


# --------------------------------------------------------------------------- errors


def _refused(request: HttpRequest, error: Exception) -> HttpResponse:
    """A domain refusal not caught by its operation, or input the database cannot take:
    the status and message of ``ntm.web.errors.REFUSALS``; anything else stays a 500."""
    answer = refusal(error)
    if answer is None:
        raise error
    status, message = answer
    return api.create_response(request, {"detail": message}, status=status)


def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """Ninja's own answer, except a body the parser refused: 422 with the parser's reason."""
    if isinstance(error.__cause__, BadInput):
        return _refused(request, error.__cause__)
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)


for _kind, _status, _message in REFUSALS:
    api.add_exception_handler(_kind, _refused)
api.add_exception_handler(HttpError, _http_error)
