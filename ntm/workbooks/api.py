"""API: Excel templates to fill, and their import (dry run or write, all or nothing).

Session authentication (the signed-in web user; POST needs the CSRF token). The same
checks as the web pages: a role that enters values, units in the user's scope, and
every problem of a refused file with sheet, row, column, value and why.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from ntm.accounts.api_lookup import api_visible_unit
from ntm.accounts.api_types import Id
from ntm.accounts.permissions import ENTRY_ROLES, role_of
from ntm.audit.services import Actor
from ntm.criteria.selectors import UnknownSet, get_set
from ntm.workbooks.codes import XLSX_TYPE
from ntm.workbooks.importing import import_workbook, preview_workbook
from ntm.workbooks.reading import MAX_UPLOAD_BYTES, Expectation, WorkbookRefused, check_size
from ntm.workbooks.template import TemplateRefused, make_template, read_period

router = Router()


class Message(Schema):
    detail: str


class ProblemOut(Schema):
    where: str
    sheet: str
    row: int | None
    column: str
    value: str
    message: str


class CountsOut(Schema):
    new: int
    changed: int
    unchanged: int
    blank: int
    problems: int
    warnings: int


class ChangeOut(Schema):
    unit_id: int
    unit_name: str
    indicator_key: str
    indicator_code: str
    kind: str
    old: str
    old_on: str | None
    new: str
    row: int | None


class ImportOut(Schema):
    status: str  # preview | applied | refused
    set: str
    set_version: int
    period: str
    observed_on: str
    units: int
    counts: CountsOut
    changes: list[ChangeOut]
    problems: list[ProblemOut]
    #: problems past the first 200 are counted here, not listed
    more_problems: int = 0
    #: "… và N lỗi khác." when problems were left off the list
    more_problems_text: str = ""
    warnings: list[ProblemOut]


def _require_entry_role(request: HttpRequest) -> None:
    if role_of(request.user) not in ENTRY_ROLES:
        raise HttpError(403, "This account's role does not enter values.")


@router.get(
    "/template",
    response={403: Message, 404: Message, 422: Message},
    summary="Download an Excel template to fill for a unit (or its communes), a set, a period",
    openapi_extra={
        "responses": {
            200: {
                "description": "The .xlsx template",
                "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def template(
    request: HttpRequest,
    unit_id: Id,
    set_id: str,
    period: str,
    children: bool = False,
    version: Id | None = None,
) -> Any:
    """`children=true` gives one row block per unit at the set's level under the unit
    (every commune of a district); thresholds are each unit's own, values are those in
    force on the period's last day."""
    _require_entry_role(request)
    unit = api_visible_unit(
        request, unit_id, f"unit_id: there is no administrative unit with id {unit_id}."
    )
    try:
        criteria_set = get_set(set_id, version)
        made = make_template(
            unit=unit,
            criteria_set=criteria_set,
            period=read_period(period),
            for_children=children,
            user=request.user,
        )
    except UnknownSet as error:
        raise HttpError(404, str(error)) from None
    except TemplateRefused as refused:
        raise HttpError(422, refused.message) from None
    response = HttpResponse(made.content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


@router.post(
    "/import",
    response={200: ImportOut, 400: Message, 403: Message, 413: Message, 422: ImportOut},
    summary="Import a filled template: dry run (preview) or write, all or nothing",
)
def import_file(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008 - ninja's way of declaring a file
    dry_run: bool = Form(True),  # noqa: B008
    set_id: str | None = Form(None),  # noqa: B008
    period: str | None = Form(None),  # noqa: B008
) -> Any:
    """With `dry_run` (the default) nothing is written: the answer says what would change.
    `set_id` and `period`, when given, must be those of the file. A file with any
    problem is refused whole (422, every problem listed); a file that is not a template
    at all is a 400 with the reason."""
    _require_entry_role(request)
    try:
        check_size(file.size or 0)
    except WorkbookRefused as refused:
        status = 413 if (file.size or 0) > MAX_UPLOAD_BYTES else 400
        return Status(status, {"detail": refused.message})
    content = file.read()
    expect = Expectation(set_id=set_id or None, period=period or None)
    try:
        if dry_run:
            result = preview_workbook(content, user=request.user, expect=expect)
        else:
            result = import_workbook(
                content,
                actor=Actor.from_request(request, channel="api"),
                filename=file.name or "",
                expect=expect,
            )
    except WorkbookRefused as refused:
        return Status(400, {"detail": refused.message})
    body = _result(result)
    return Status(200 if result.is_valid else 422, body)


def _problem(problem) -> dict[str, Any]:
    location = problem.location
    return {
        "where": problem.where,
        "sheet": location.sheet if location else "",
        "row": location.row if location else None,
        "column": location.column if location else "",
        "value": location.shown if location else "",
        "message": problem.message,
    }


def _result(result) -> dict[str, Any]:
    reading = result.reading
    status = "refused" if not result.is_valid else ("applied" if result.applied else "preview")
    changes = []
    for change, row in zip(result.plan.writes, result.change_rows(), strict=True):
        changes.append(
            {
                "unit_id": change.cell.unit_id,
                "unit_name": row.unit_name,
                "indicator_key": change.cell.indicator_key,
                "indicator_code": row.indicator_code,
                "kind": row.kind,
                "old": row.old,
                "old_on": row.old_on.isoformat() if row.old_on else None,
                "new": row.new,
                "row": row.location.row if row.location else None,
            }
        )
    return {
        "status": status,
        "set": reading.criteria_set.set_id,
        "set_version": reading.criteria_set.version,
        "period": reading.period.label,
        "observed_on": reading.period.observed_on.isoformat(),
        "units": len(reading.codes.units),
        "counts": result.counts,
        "changes": changes,
        "problems": [_problem(p) for p in result.problems],
        "more_problems": result.more_problems,
        "more_problems_text": result.more_problems_text,
        "warnings": [_problem(p) for p in reading.warnings],
    }
