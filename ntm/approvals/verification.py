"""Which criteria a verification confirms: the ones asked for (or every one pending for the
user), each checked to be the user's department's and not yet verified, and the basis the
office must give when it confirms criteria on a department's behalf. The step itself is
``ntm.approvals.approval.verify_criteria``."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from ntm.accounts.permissions import WriteDenied
from ntm.approvals.approval_words import TransitionRefused, period_text, when_text, who_text
from ntm.approvals.models import CriterionVerification, Submission


class CommentRequired(TransitionRefused):
    """A step that needs a comment or reason, given none."""


def chosen_criteria(
    submission: Submission,
    rows: Sequence[CriterionVerification],
    numbers: Sequence[str] | None,
    office: bool,
    department_id: int | None,
) -> list[CriterionVerification]:
    """The rows of the current round to confirm (None: every one pending for the user)."""
    by_number = {r.number: r for r in rows}
    if numbers is None:
        targets = [
            r for r in rows if not r.is_verified and (office or r.department_id == department_id)
        ]
        if not targets:
            raise TransitionRefused(
                _("%(what)s không còn tiêu chí nào chờ tài khoản này xác nhận.")
                % {"what": period_text(submission)}
            )
        return targets
    targets = []
    for number in dict.fromkeys(str(n).strip() for n in numbers):
        row = by_number.get(number)
        if row is None:
            raise TransitionRefused(
                _("Bộ tiêu chí %(set)s không có tiêu chí “%(number)s”.")
                % {"set": submission.set_id, "number": number}
            )
        if not office and row.department_id != department_id:
            raise WriteDenied(not_yours(row))
        if row.is_verified:
            raise TransitionRefused(
                _("Tiêu chí %(number)s đã được xác nhận lúc %(when)s (%(who)s).")
                % {
                    "number": row.number,
                    "when": when_text(row.verified_at),
                    "who": who_text(row.verified_by),
                }
            )
        targets.append(row)
    if not targets:
        raise TransitionRefused(_("Chọn ít nhất một tiêu chí để xác nhận."))
    return targets


def require_basis(
    targets: Sequence[CriterionVerification], department_id: int | None, comment: str
) -> list[CriterionVerification]:
    """The rows confirmed on another department's behalf; then a comment saying on what
    basis is required."""
    on_behalf = [
        r for r in targets if r.department_id is not None and r.department_id != department_id
    ]
    if on_behalf and not comment:
        names = ", ".join(sorted({r.department.name for r in on_behalf}))
        raise CommentRequired(
            _(
                "Văn phòng điều phối xác nhận thay %(departments)s: cần ghi ý kiến nêu căn "
                "cứ (ví dụ số văn bản xác nhận của sở, ngành)."
            )
            % {"departments": names}
        )
    return on_behalf


def not_yours(row: CriterionVerification) -> str:
    if row.department is None:
        return _(
            "Tiêu chí %(number)s không giao cho sở, ngành nào: văn phòng điều phối thẩm tra "
            "tiêu chí này."
        ) % {"number": row.number}
    return _(
        "Tiêu chí %(number)s do %(department)s thẩm tra; tài khoản này không thuộc sở, ngành đó."
    ) % {"number": row.number, "department": row.department.name}
