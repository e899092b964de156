"""Forms of the criteria-set authoring pages: they parse what people type; the rules live in
``ntm.criteria.authoring`` and come back as errors on the field they concern."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ntm.core.criteria.model import REGIONS, Differentiation, IndicatorDef
from ntm.core.numbers import NumberError
from ntm.criteria.authoring import AuthoringError, Decision, SetDetails, ThresholdCell
from ntm.presentation.labels import group_label, region_label
from ntm.values import entry_cells

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def attach(form: forms.Form, error: AuthoringError) -> None:
    """Show a service's refusal on the field it names, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class NumberField(forms.FloatField):
    """A number typed as the entry form reads it ("1.234,5", "100"), not Python's "1234.5"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 10})

    def to_python(self, value: Any) -> float | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, int | float):
            return float(value)
        try:
            return entry_cells.parse_number(str(value))
        except NumberError as error:
            raise forms.ValidationError(entry_cells.number_problem("", str(value), error)) from None

    def prepare_value(self, value: Any) -> Any:
        return entry_cells.number_text(value) if isinstance(value, int | float) else value


class VariantForm(forms.Form):
    province_code = forms.ChoiceField(label=gettext_lazy("Tỉnh ban hành"))
    set_id = forms.SlugField(
        label=gettext_lazy("Mã bộ tiêu chí"),
        max_length=100,
        help_text=gettext_lazy("Chữ thường không dấu, chữ số và dấu gạch ngang; không đổi được."),
    )
    name_vi = forms.CharField(label=gettext_lazy("Tên bộ tiêu chí"), max_length=300)

    def __init__(self, *args: Any, provinces: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["province_code"].choices = [(p.code, p.name) for p in provinces]


class DetailsForm(forms.Form):
    name_vi = forms.CharField(label=gettext_lazy("Tên bộ tiêu chí"), max_length=300)
    name_en = forms.CharField(label=gettext_lazy("Tên tiếng Anh"), max_length=300, required=False)
    period_start = forms.IntegerField(
        label=gettext_lazy("Từ năm"), required=False, min_value=1990, max_value=2100
    )
    period_end = forms.IntegerField(
        label=gettext_lazy("Đến năm"), required=False, min_value=1990, max_value=2100
    )
    legal_number = forms.CharField(
        label=gettext_lazy("Số văn bản ban hành"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "123/QĐ-UBND"}),
    )
    legal_date = forms.DateField(
        label=gettext_lazy("Ngày ban hành"), required=False, widget=DATE_WIDGET
    )
    legal_effective = forms.DateField(
        label=gettext_lazy("Ngày hiệu lực"), required=False, widget=DATE_WIDGET
    )
    legal_issuer = forms.CharField(
        label=gettext_lazy("Cơ quan ban hành"), max_length=300, required=False
    )

    @classmethod
    def initial_from(cls, details: SetDetails) -> dict[str, Any]:
        return dict(details.__dict__)

    def details(self) -> SetDetails:
        return SetDetails(**{name: self.cleaned_data[name] for name in SetDetails.__annotations__})


class CriterionForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Số"),
        max_length=20,
        widget=forms.TextInput(attrs={"size": 5, "placeholder": "20"}),
    )
    name_vi = forms.CharField(label=gettext_lazy("Tên tiêu chí"), max_length=300)
    name_en = forms.CharField(label=gettext_lazy("Tên tiếng Anh"), max_length=300, required=False)
    group = forms.ChoiceField(label=gettext_lazy("Nhóm"), required=False)

    def __init__(self, *args: Any, groups: tuple[tuple[str, str, str], ...] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        if groups:
            self.fields["group"].choices = [("", _("(không thuộc nhóm)"))] + [
                (code, f"{code}. {name}") for code, name, _en in groups
            ]
        else:
            del self.fields["group"]


class RenameForm(forms.Form):
    name_vi = forms.CharField(label=gettext_lazy("Tên"), max_length=300)
    name_en = forms.CharField(label=gettext_lazy("Tên tiếng Anh"), max_length=300, required=False)


KIND_CHOICES = [
    ("number", gettext_lazy("Số (so với ngưỡng)")),
    ("ratio", gettext_lazy("Tỷ lệ (nhập tử số và mẫu số)")),
    ("judgement", gettext_lazy("Đánh giá đạt/chưa đạt")),
]
COMPARATOR_CHOICES = [
    ("", "—"),
    (">=", gettext_lazy("≥ từ … trở lên")),
    ("<=", gettext_lazy("≤ không quá …")),
    (">", gettext_lazy("> lớn hơn …")),
    ("<", gettext_lazy("< nhỏ hơn …")),
    ("==", gettext_lazy("= bằng …")),
]


class IndicatorForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã"), max_length=20, widget=forms.TextInput(attrs={"size": 6})
    )
    name_vi = forms.CharField(label=gettext_lazy("Nội dung chỉ tiêu"), max_length=300)
    name_en = forms.CharField(label=gettext_lazy("Tên tiếng Anh"), max_length=300, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=KIND_CHOICES)
    unit = forms.CharField(
        label=gettext_lazy("Đơn vị tính"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"size": 10, "placeholder": "%"}),
    )
    comparator = forms.ChoiceField(
        label=gettext_lazy("Phép so sánh"), choices=COMPARATOR_CHOICES, required=False
    )
    numerator = forms.CharField(label=gettext_lazy("Tử số"), max_length=300, required=False)
    denominator = forms.CharField(label=gettext_lazy("Mẫu số"), max_length=300, required=False)
    scale = NumberField(
        label=gettext_lazy("Hệ số"),
        required=False,
        initial=100,
        help_text=gettext_lazy("Giá trị = tử số / mẫu số × hệ số (100 cho phần trăm)."),
    )

    def __init__(self, *args: Any, fixed_kind: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        if fixed_kind:
            # The kind of an existing indicator stays: remove it and add another instead.
            self.fields["kind"].disabled = True
            self.fields["kind"].initial = fixed_kind
            self.fields["code"].disabled = True

    @classmethod
    def initial_from(cls, indicator: IndicatorDef) -> dict[str, Any]:
        return {
            "code": indicator.code,
            "name_vi": indicator.name_vi,
            "name_en": indicator.name_en,
            "kind": indicator.kind.value,
            "unit": indicator.unit,
            "comparator": indicator.comparator.value if indicator.comparator else "",
            "numerator": indicator.ratio.numerator if indicator.ratio else "",
            "denominator": indicator.ratio.denominator if indicator.ratio else "",
            "scale": indicator.ratio.scale if indicator.ratio else 100,
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp YAML của bộ tiêu chí"),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,text/yaml"}),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Ban hành ngay sau khi nhập (nếu không có vấn đề gì)"), required=False
    )


# --- The threshold table -------------------------------------------------------------------


def parse_number(text: str) -> float | None:
    """'36' -> 36.0, '2,5' -> 2.5, '1.234' -> 1234.0, '' -> None, by the rules of
    ``ntm.core.numbers`` (the same as the entry form); anything else raises NumberError."""
    if not text.strip():
        return None
    return entry_cells.parse_number(text)


def number_text(value: float | None) -> str:
    """A threshold as its input shows it: exact, the language's decimal mark, no grouping."""
    return entry_cells.number_text(value)


@dataclass
class GridCell:
    name: str
    text: str
    hint: str = ""
    error: bool = False


@dataclass
class GridLine:
    label: str
    region: str | None
    group: int | None
    cells: list[GridCell]


@dataclass
class ThresholdGrid:
    """The editable threshold table of one indicator: lines (every unit, a region or a
    commune group) by columns (every year, the years of existing rows, one new year)."""

    years: list[int | None]
    lines: list[GridLine]
    new_year: str = ""
    errors: list[str] | None = None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def grid_lines(
    differentiation: str, rows: list[dict[str, Any]], province_region: str | None
) -> list[tuple[str | None, int | None]]:
    """Which lines the table offers: every unit, then the regions or groups that matter."""
    keys: list[tuple[str | None, int | None]] = [(None, None)]
    if differentiation == Differentiation.REGION:
        regions = [province_region] if province_region else list(REGIONS)
        regions += [r.get("region") for r in rows if r.get("region")]
        keys += [(r, None) for r in REGIONS if r in regions]
    elif differentiation == Differentiation.COMMUNE_GROUP:
        keys += [(None, g) for g in (1, 2, 3)]
    return keys


def build_grid(
    *,
    differentiation: str,
    rows: list[dict[str, Any]],
    inherited: list[dict[str, Any]],
    province_region: str | None,
    comparator: str,
    data: Any = None,
) -> ThresholdGrid:
    """The table for a form: values of the editable rows, the national ones as hints."""
    every_row = [*rows, *inherited]
    # National rows for other regions do not apply to the province's units: not offered.
    lines = grid_lines(differentiation, rows, province_region)
    years = sorted({r.get("from_year") for r in every_row if r.get("from_year") is not None})
    columns: list[int | None] = [None, *years]
    editable = {(r.get("region"), r.get("group"), r.get("from_year")): r for r in rows}
    national = {(r.get("region"), r.get("group"), r.get("from_year")): r for r in inherited}
    symbol = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}.get(comparator, comparator)
    grid_lines_out = []
    for i, (region, group) in enumerate(lines):
        label = region_label(region) if region else (group_label(group) if group else "")
        cells = []
        for j, year in enumerate([*columns, "new"]):
            name = f"cell-{i}-{j if year != 'new' else 'new'}"
            key = (region, group, year)
            if data is not None:
                text = data.get(name, "")
            elif year != "new" and key in editable:
                text = number_text(editable[key].get("value"))
            else:
                text = ""
            hint = ""
            if year != "new" and key in national:
                hint = _("quốc gia %(symbol)s %(value)s") % {
                    "symbol": symbol,
                    "value": number_text(national[key].get("value")),
                }
            cells.append(GridCell(name=name, text=text, hint=hint))
        grid_lines_out.append(
            GridLine(label=label or _("Mọi đơn vị"), region=region, group=group, cells=cells)
        )
    return ThresholdGrid(
        years=columns,
        lines=grid_lines_out,
        new_year=(data.get("new_year", "") if data is not None else ""),
    )


def read_grid(grid: ThresholdGrid) -> list[ThresholdCell]:
    """The cells of a posted table; a bad number or year is marked and listed in errors."""
    errors: list[str] = []
    new_year: int | None = None
    if grid.new_year.strip():
        try:
            new_year = int(grid.new_year.strip())
        except ValueError:
            errors.append(_("Năm “%(text)s” không hợp lệ.") % {"text": grid.new_year})
    cells: list[ThresholdCell] = []
    for line in grid.lines:
        for j, cell in enumerate(line.cells):
            is_new = j == len(line.cells) - 1
            year = new_year if is_new else grid.years[j]
            try:
                value = parse_number(cell.text)
            except NumberError as error:
                cell.error = True
                errors.append(entry_cells.number_problem(f"{line.label}: ", cell.text, error))
                continue
            if value is None:
                continue
            if is_new and new_year is None:
                cell.error = True
                errors.append(
                    _("Cột năm mới: cần nhập năm áp dụng cho ngưỡng %(value)s.")
                    % {"value": cell.text}
                )
                continue
            cells.append(
                ThresholdCell(value=value, region=line.region, group=line.group, from_year=year)
            )
    grid.errors = errors
    return cells


class DecisionForm(forms.Form):
    decision_number = forms.CharField(
        label=gettext_lazy("Số văn bản đặt ngưỡng"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "123/QĐ-UBND"}),
    )
    decision_date = forms.DateField(
        label=gettext_lazy("Ngày ban hành"), required=False, widget=DATE_WIDGET
    )
    decision_issuer = forms.CharField(
        label=gettext_lazy("Cơ quan ban hành"), max_length=300, required=False
    )
    confirm_all = forms.BooleanField(
        label=gettext_lazy("Xác nhận cả các ngưỡng không đổi theo văn bản này"), required=False
    )

    def decision(self) -> Decision | None:
        data = self.cleaned_data
        if not (data["decision_number"] or data["decision_date"] or data["decision_issuer"]):
            return None
        return Decision(
            number=data["decision_number"].strip(),
            date=data["decision_date"],
            issuer=data["decision_issuer"].strip(),
        )


def decision_initial(document: dict[str, Any]) -> dict[str, Any]:
    """Thresholds are usually set by the decision that issues the set: offer it."""
    legal = document.get("legal_source") or {}
    day = None
    if legal.get("date"):
        try:
            day = dt.date.fromisoformat(str(legal["date"]))
        except ValueError:
            day = None
    return {
        "decision_number": legal.get("number") or "",
        "decision_date": day,
        "decision_issuer": legal.get("issuer") or "",
    }
