"""Forms of the recognition pages: they read and type the input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ntm.criteria.models import TierChoices
from ntm.recognition.models import Stage
from ntm.recognition.procedure import document_kinds, procedure
from ntm.values.evidence import ACCEPT


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label, required: bool = True, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


def _comment(label=None, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label or _("Ý kiến"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )


def tier_choices() -> list[tuple[str, str]]:
    tiers = procedure()["scope"]["tiers"]
    return [(value, label) for value, label in TierChoices.choices if value in tiers]


class RegisterForm(forms.Form):
    tier = forms.ChoiceField(label=_("Mức đăng ký"), choices=tier_choices)
    year = forms.IntegerField(label=_("Năm phấn đấu đạt"), min_value=2010, max_value=2100)
    registered_on = _date(_("Ngày đăng ký"), initial=timezone.localdate)
    comment = _comment(_("Ghi chú"))


class SelfAssessmentForm(forms.Form):
    assessed_on = _date(_("Số liệu tự đánh giá tại ngày"))
    comment = _comment()


YES_NO = [("", "—"), ("no", _("Không")), ("yes", _("Có"))]


class DeclarationForm(forms.Form):
    satisfaction_percent = forms.DecimalField(
        label=_("Tỷ lệ người dân hài lòng (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
    )
    satisfaction_on = _date(_("Ngày khảo sát"), required=False)
    has_construction_debt = forms.ChoiceField(
        label=_("Còn nợ đọng xây dựng cơ bản?"), choices=YES_NO, required=False
    )
    debt_declared_on = _date(_("Ngày báo cáo nợ đọng"), required=False)
    is_security_complicated = forms.ChoiceField(
        label=_("An ninh, trật tự phức tạp?"), choices=YES_NO, required=False
    )
    security_confirmed_by = forms.CharField(
        label=_("Cơ quan công an xác nhận"), required=False, max_length=200
    )
    security_confirmed_on = _date(_("Ngày xác nhận"), required=False)
    comment = _comment()

    @staticmethod
    def yes_no(value: str) -> bool | None:
        return {"yes": True, "no": False}.get(value)


def document_choices() -> list[tuple[str, str]]:
    return [(code, kind.name) for code, kind in document_kinds().items()]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=document_choices)
    number = forms.CharField(label=_("Số, ký hiệu văn bản"), required=False, max_length=100)
    issued_on = _date(_("Ngày văn bản"), required=False)
    file = forms.FileField(
        label=_("Tệp"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )


class VerifyForm(forms.Form):
    verified_on = _date(_("Ngày thẩm tra"))
    report_number = forms.CharField(label=_("Số báo cáo thẩm tra"), max_length=100)
    comment = _comment()


class AppraiseForm(forms.Form):
    appraised_on = _date(_("Ngày thẩm định"))
    report_number = forms.CharField(label=_("Số báo cáo thẩm định"), max_length=100)
    council_name = forms.CharField(label=_("Hội đồng thẩm định"), max_length=200)
    council_members = forms.IntegerField(label=_("Số thành viên hội đồng"), min_value=1)
    votes_for = forms.IntegerField(label=_("Số phiếu đồng ý công nhận"), min_value=0)
    comment = _comment()


class DecideForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=100)
    decision_date = _date(_("Ngày quyết định"))
    signer = forms.CharField(label=_("Người ký"), max_length=200)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    comment = _comment()


class AnnounceForm(forms.Form):
    announced_on = _date(_("Ngày công bố"))
    where = forms.CharField(
        label=_("Nơi, hình thức công bố"),
        max_length=300,
        help_text=_("Ví dụ: Cổng thông tin điện tử tỉnh; hội nghị công bố tại xã."),
    )
    comment = _comment()


class StartRevocationForm(forms.Form):
    comment = _comment(_("Lý do xem xét thu hồi"), required=True)


class RevokeForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định thu hồi"), max_length=100)
    decision_date = _date(_("Ngày quyết định"))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    reason = _comment(_("Lý do thu hồi"), required=True)


class ReturnForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Trả về bước"), choices=Stage.choices)
    comment = _comment(_("Ý kiến: cần sửa, bổ sung gì"), required=True)


class WithdrawForm(forms.Form):
    comment = _comment(_("Lý do rút hồ sơ"), required=True)


class ReacknowledgeForm(forms.Form):
    tier = forms.ChoiceField(label=_("Mức thừa nhận"), choices=tier_choices)
    recognitions = forms.TypedMultipleChoiceField(
        label=_("Công nhận của đơn vị trước sắp xếp được thừa nhận"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=100)
    decision_date = _date(_("Ngày quyết định"))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    signer = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    note = _comment(_("Ghi chú"))

    def __init__(self, *args, recognition_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recognitions"].choices = list(recognition_choices)


class SettingForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    value = forms.FloatField(label=_("Giá trị"))
    decision_number = forms.CharField(
        label=_("Số văn bản quy định"), max_length=100, required=False
    )
    decision_date = _date(_("Áp dụng từ ngày"))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    note = _comment(_("Ghi chú"))


def form_errors(form: forms.Form) -> list[str]:
    """Every error of a bound form, each naming its field."""
    found = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            found.append(f"{label}: {error}" if label else str(error))
    return found


def today() -> dt.date:
    return timezone.localdate()
