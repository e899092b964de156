"""One answer for refused input and refused actions, on the pages and in the API.

``REFUSALS`` maps an exception class to its HTTP status and message: domain refusals keep
their own message (it says what, where, why and what to do); overflow, encoding, recursion
and database data errors get a generic but honest one. The first matching row wins, so a
subclass comes before its base. Anything else stays a 500 (logged by Django).

``ErrorPagesMiddleware`` refuses a request whose path, query string or form fields hold a
lone surrogate, NUL or a control character before any view runs, and turns an exception in
the table into a page (or a JSON answer under /api/) with the right status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ntm.accounts.api_types import BadInput
from ntm.accounts.permissions import WriteDenied
from ntm.accounts.services import UserAdminError
from ntm.approvals.approval import CommentRequired, TransitionRefused
from ntm.core.criteria.schema import CriteriaDataError
from ntm.core.hierarchy import HierarchyError, UnknownUnit
from ntm.core.numbers import NumberError
from ntm.core.periods import PeriodError
from ntm.core.text import BadText, find_bad_text
from ntm.criteria.authoring import AuthoringError, DraftExists
from ntm.criteria.selectors import UnknownSet
from ntm.recognition.services import CaseRefused
from ntm.units.boundaries import BoundaryRefused
from ntm.units.wording import bad_text_message
from ntm.values.bulk import ValuesRefused
from ntm.values.evidence import EvidenceRefused
from ntm.values.validation import AssessmentError
from ntm.workbooks.importing import StalePreview
from ntm.workbooks.reading import WorkbookRefused
from ntm.workbooks.template import TemplateRefused

logger = logging.getLogger(__name__)


def _own(error: BaseException) -> str:
    return str(error)


def _validation(error: BaseException) -> str:
    return " ".join(getattr(error, "messages", [])) or str(error)


def _number(error: BaseException) -> str:
    return _(
        "Một số trong yêu cầu quá lớn hoặc một ngày nằm ngoài khoảng xử lý được; "
        "hãy kiểm tra lại các số và ngày đã nhập."
    )


def _encoding(error: BaseException) -> str:
    return _(
        "Văn bản gửi lên chứa ký tự không mã hóa được (UTF-8); "
        "hãy xóa ký tự lạ (thường do sao chép từ phần mềm khác) rồi gửi lại."
    )


def _depth(error: BaseException) -> str:
    return _("Dữ liệu gửi lên lồng nhau quá sâu để xử lý; hãy gửi dữ liệu phẳng hơn.")


def _data(error: BaseException) -> str:
    return _(
        "Cơ sở dữ liệu không lưu được giá trị gửi lên (quá dài, quá lớn hoặc chứa ký tự "
        "không hợp lệ); không có gì được ghi. Hãy kiểm tra lại dữ liệu."
    )


#: (exception class, HTTP status, message for the user); the first match wins.
REFUSALS: tuple[tuple[type[BaseException], int, Callable[[BaseException], str]], ...] = (
    (WriteDenied, 403, _own),
    (UnknownSet, 404, _own),
    (UnknownUnit, 404, _own),
    (CommentRequired, 422, _own),
    (TransitionRefused, 409, _own),  # PeriodFrozen too: the period is under review
    (StalePreview, 409, _own),
    (DraftExists, 409, _own),
    (BadInput, 422, _own),
    (AssessmentError, 422, _own),
    (ValuesRefused, 422, _own),
    (PeriodError, 422, _own),
    (NumberError, 422, _own),
    (HierarchyError, 422, _own),
    (UserAdminError, 422, _own),
    (AuthoringError, 422, _own),
    (CriteriaDataError, 422, _own),
    (CaseRefused, 422, _own),
    (EvidenceRefused, 422, _own),
    (BoundaryRefused, 422, _own),
    (WorkbookRefused, 422, _own),
    (TemplateRefused, 422, _own),
    (ValidationError, 422, _validation),  # a model's own checks (full_clean)
    (OverflowError, 422, _number),
    (UnicodeError, 422, _encoding),
    (RecursionError, 422, _depth),
    (DataError, 422, _data),
)


def refusal(error: BaseException) -> tuple[int, str] | None:
    """(status, message) for an exception of the table, or None for a real server error."""
    for kind, status, message in REFUSALS:
        if isinstance(error, kind):
            return status, message(error) or _("Yêu cầu bị từ chối.")
    return None


def bad_request_text(request: HttpRequest) -> BadText | None:
    """The first refused character in the path, the query string or (pages) form fields."""
    found = find_bad_text(request.path_info, _("đường dẫn"))
    if found is None:
        found = find_bad_text(_fields(request.GET))
    if found is None and request.method == "POST" and not _is_api(request):
        # The API parser checks API bodies and forms; file contents are checked by importers.
        found = find_bad_text(_fields(request.POST))
    return found


def _fields(data) -> dict:
    return {key: values[0] if len(values) == 1 else values for key, values in data.lists()}


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def error_response(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": message}, status=status)
    # A page of its own, without the user menu: it must render even when the database
    # just refused a statement.
    html = render_to_string("web/error.html", {"status": status, "message": message}, request=None)
    return HttpResponse(html, status=status)


class ErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = bad_request_text(request)
        if found is not None:
            return error_response(request, 422, bad_text_message(found))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        answer = refusal(exception)
        if answer is None:
            return None
        status, message = answer
        logger.warning(
            "%s %s refused with %s: %s", request.method, request.path, status,
            type(exception).__name__,
        )  # fmt: skip
        return error_response(request, status, message)
