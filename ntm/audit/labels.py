"""What each audit action means, in words for people; unknown actions show as they are.

Other parts of ntm add actions over time (approvals, recognitions): an action missing
here still shows, by its code, and can be filtered on.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "value.create": _("Nhập giá trị"),
    "value.correct": _("Sửa giá trị"),
    "evidence.add": _("Thêm minh chứng"),
    "evidence.remove": _("Gỡ minh chứng"),
    "submission.submit": _("Gửi kỳ nhập"),
    "submission.reopen": _("Đưa kỳ nhập về bản nháp"),
    "submission.create": _("Tạo kỳ nhập"),
    "submission.verify": _("Xác nhận tiêu chí của kỳ nhập"),
    "submission.return": _("Trả lại kỳ nhập"),
    "submission.approve": _("Phê duyệt kỳ nhập"),
    "submission.lock": _("Khóa kỳ nhập"),
    "submission.unlock": _("Mở khóa kỳ nhập"),
    "department.create": _("Thêm sở, ngành"),
    "department.sector": _("Đặt lĩnh vực của sở, ngành"),
    "responsibility.assign": _("Giao tiêu chí cho sở, ngành"),
    "responsibility.clear": _("Bỏ giao tiêu chí"),
    "recognition_case.register": _("Đăng ký xét công nhận"),
    "recognition_case.self_assess": _("Hoàn thành tự đánh giá"),
    "recognition_case.declare": _("Kê khai điều kiện công nhận"),
    "recognition_case.submit": _("Gửi hồ sơ công nhận"),
    "recognition_case.verify": _("Thẩm tra hồ sơ"),
    "recognition_case.appraise": _("Thẩm định hồ sơ"),
    "recognition_case.decide": _("Quyết định công nhận"),
    "recognition_case.announce": _("Công bố công nhận"),
    "recognition_case.start_revocation": _("Bắt đầu xem xét thu hồi"),
    "recognition_case.revoke": _("Thu hồi công nhận"),
    "recognition_case.return": _("Trả lại hồ sơ công nhận"),
    "recognition_case.withdraw": _("Rút hồ sơ công nhận"),
    "recognition_case.document.add": _("Thêm tài liệu hồ sơ"),
    "recognition_case.document.remove": _("Gỡ tài liệu hồ sơ"),
    "recognition.reacknowledge": _("Thừa nhận công nhận sau sáp nhập"),
    "recognition.setting": _("Sửa thời hạn thủ tục"),
    "certification.record": _("Ghi văn bản xác nhận tiêu chí"),
    "recognition.record": _("Ghi quyết định công nhận"),
    "revocation.record": _("Ghi quyết định thu hồi"),
    "target.record": _("Ghi mục tiêu"),
    "registration.record": _("Ghi đăng ký"),
    "registration.status": _("Đổi tình trạng đăng ký"),
    "sponsorship.record": _("Ghi đơn vị đỡ đầu"),
    "figure.record": _("Ghi số liệu báo cáo"),
    "boundaries.upload": _("Tải ranh giới"),
    "criteria_set.create_variant": _("Tạo bộ tiêu chí của tỉnh"),
    "criteria_set.create_version": _("Tạo phiên bản mới"),
    "criteria_set.delete_draft": _("Xóa bản nháp bộ tiêu chí"),
    "criteria_set.edit_details": _("Sửa thông tin bộ tiêu chí"),
    "criteria_set.set_thresholds": _("Sửa ngưỡng"),
    "criteria_set.add_criterion": _("Thêm tiêu chí"),
    "criteria_set.edit_criterion": _("Sửa tiêu chí"),
    "criteria_set.remove_criterion": _("Bỏ tiêu chí"),
    "criteria_set.add_indicator": _("Thêm chỉ tiêu"),
    "criteria_set.edit_indicator": _("Sửa chỉ tiêu"),
    "criteria_set.remove_indicator": _("Bỏ chỉ tiêu"),
    "criteria_set.import": _("Nhập tệp bộ tiêu chí"),
    "criteria_set.publish": _("Ban hành bộ tiêu chí"),
    "unit.merge": _("Sáp nhập đơn vị"),
    "unit.split": _("Chia tách đơn vị"),
    "unit.rename": _("Đổi tên đơn vị"),
    "unit.move": _("Chuyển đơn vị"),
    "unit.create_village": _("Thêm thôn"),
    "unit.set_region": _("Đặt vùng"),
    "unit.set_commune_group": _("Đặt nhóm xã"),
    "user.create": _("Tạo người dùng"),
    "user.update": _("Sửa người dùng"),
    "user.deactivate": _("Khóa tài khoản"),
    "user.activate": _("Mở lại tài khoản"),
    "user.password_link": _("Tạo liên kết đặt mật khẩu"),
    "user.password_set": _("Đặt mật khẩu"),
    "user.unlock": _("Mở khóa đăng nhập"),
    "token.create": _("Tạo mã truy cập API"),
    "token.revoke": _("Thu hồi mã truy cập API"),
}

#: Actions about accounts and permissions: shown to offices only (and to the user concerned).
ACCOUNT_PREFIXES = ("user.", "token.")


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
