"""Administrative units with validity periods, and the reorganization events between them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ntm.core import hierarchy
from ntm.core.hierarchy import Era, Level


class LevelChoices(models.TextChoices):
    PROVINCE = Level.PROVINCE.value, _("Tỉnh")
    DISTRICT = Level.DISTRICT.value, _("Huyện")
    COMMUNE = Level.COMMUNE.value, _("Xã")
    VILLAGE = Level.VILLAGE.value, _("Thôn")


class KindChoices(models.TextChoices):
    """The Vietnamese unit type, with stable English values."""

    PROVINCE = "province", _("Tỉnh")
    CENTRAL_CITY = "central_city", _("Thành phố trực thuộc trung ương")
    RURAL_DISTRICT = "rural_district", _("Huyện")
    URBAN_DISTRICT = "urban_district", _("Quận")
    DISTRICT_TOWN = "district_town", _("Thị xã")
    PROVINCIAL_CITY = "provincial_city", _("Thành phố thuộc tỉnh")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    TOWNSHIP = "township", _("Thị trấn")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    VILLAGE = "village", _("Thôn")
    HAMLET = "hamlet", _("Xóm")
    ETHNIC_VILLAGE = "ethnic_village", _("Bản")
    RESIDENTIAL_AREA = "residential_area", _("Khu dân cư")
    RESIDENTIAL_GROUP = "residential_group", _("Tổ dân phố")


KIND_LEVEL = {
    KindChoices.PROVINCE: Level.PROVINCE,
    KindChoices.CENTRAL_CITY: Level.PROVINCE,
    KindChoices.RURAL_DISTRICT: Level.DISTRICT,
    KindChoices.URBAN_DISTRICT: Level.DISTRICT,
    KindChoices.DISTRICT_TOWN: Level.DISTRICT,
    KindChoices.PROVINCIAL_CITY: Level.DISTRICT,
    KindChoices.COMMUNE: Level.COMMUNE,
    KindChoices.WARD: Level.COMMUNE,
    KindChoices.TOWNSHIP: Level.COMMUNE,
    KindChoices.SPECIAL_ZONE: Level.COMMUNE,
    KindChoices.VILLAGE: Level.VILLAGE,
    KindChoices.HAMLET: Level.VILLAGE,
    KindChoices.ETHNIC_VILLAGE: Level.VILLAGE,
    KindChoices.RESIDENTIAL_AREA: Level.VILLAGE,
    KindChoices.RESIDENTIAL_GROUP: Level.VILLAGE,
}


class RegionChoices(models.TextChoices):
    """The 7 socio-economic regions of the 2016-2025 thresholds (QĐ 1980/2016, QĐ 318/2022)."""

    TDMNPB = "TDMNPB", _("Trung du và miền núi phía Bắc")
    DBSH = "DBSH", _("Đồng bằng sông Hồng")
    BTB = "BTB", _("Bắc Trung Bộ")
    DHNTB = "DHNTB", _("Duyên hải Nam Trung Bộ")
    TN = "TN", _("Tây Nguyên")
    DNB = "DNB", _("Đông Nam Bộ")
    DBSCL = "DBSCL", _("Đồng bằng sông Cửu Long")


class CommuneGroupChoices(models.IntegerChoices):
    """Commune groups of the 2026-2030 set (QĐ 51/2025/QĐ-TTg)."""

    GROUP_1 = 1, _("Nhóm 1")
    GROUP_2 = 2, _("Nhóm 2")
    GROUP_3 = 3, _("Nhóm 3")


class SourceChoices(models.TextChoices):
    PACKAGE = "package", _("Danh mục đơn vị hành chính (gói vietnamadminunits)")
    EVENT = "event", _("Sự kiện sắp xếp ghi nhận thủ công")
    USER = "user", _("Người dùng tạo")
    IMPORT = "import", _("Nhập từ tệp")


class AdminUnit(models.Model):
    """One administrative unit in one shape over one period (valid_to exclusive)."""

    code = models.CharField(_("mã"), max_length=20, db_index=True, blank=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=200)
    kind = models.CharField(_("loại"), max_length=32, choices=KindChoices.choices)
    level = models.CharField(_("cấp"), max_length=16, choices=LevelChoices.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(
        _("hết hiệu lực từ"), null=True, blank=True, help_text=_("Ngày đơn vị không còn tồn tại.")
    )
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    region = models.CharField(
        _("vùng"), max_length=8, choices=RegionChoices.choices, blank=True, default=""
    )
    region_source = models.CharField(
        _("nguồn xác định vùng"), max_length=200, blank=True, default=""
    )
    commune_group = models.PositiveSmallIntegerField(
        _("nhóm xã"), choices=CommuneGroupChoices.choices, null=True, blank=True
    )
    source = models.CharField(_("nguồn"), max_length=16, choices=SourceChoices.choices)
    source_key = models.CharField(
        _("khóa nguồn"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Khóa của đơn vị trong nguồn dữ liệu, để nạp lại không tạo trùng."),
    )
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code", models.F("valid_from").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~models.Q(source_key=""),
                name="unit_unique_source_key",
                violation_error_message=_("Đơn vị này đã được nạp từ nguồn."),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="unit_valid_period",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày hiệu lực."),
            ),
        ]
        indexes = [
            models.Index(fields=["level", "valid_from", "valid_to"], name="unit_level_period")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = hierarchy.search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def era(self) -> Era:
        return hierarchy.era_of(self.valid_from, self.valid_to)

    def to_domain(self) -> hierarchy.UnitRecord:
        return hierarchy.UnitRecord(
            id=self.pk,
            code=self.code,
            name=self.name,
            level=Level(self.level),
            parent_id=self.parent_id,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
        )


class EventKindChoices(models.TextChoices):
    MERGE = hierarchy.EventKind.MERGE.value, _("Sáp nhập")
    SPLIT = hierarchy.EventKind.SPLIT.value, _("Chia tách")
    RENAME = hierarchy.EventKind.RENAME.value, _("Đổi tên")
    MOVE = hierarchy.EventKind.MOVE.value, _("Chuyển đơn vị cấp trên")
    REORGANIZE = hierarchy.EventKind.REORGANIZE.value, _("Sắp xếp lại, giữ nguyên địa giới")
    ESTABLISH = hierarchy.EventKind.ESTABLISH.value, _("Thành lập")
    DISSOLVE = hierarchy.EventKind.DISSOLVE.value, _("Giải thể")


class ConfidenceChoices(models.TextChoices):
    VERIFIED = "verified", _("Đã xác minh")
    PARTIAL = "partial", _("Xác minh một phần")
    UNVERIFIED = "unverified", _("Chưa xác minh")


class ReorganizationEvent(models.Model):
    """A dated merge, split, rename or move, with its legal act."""

    kind = models.CharField(_("loại"), max_length=16, choices=EventKindChoices.choices)
    effective_date = models.DateField(_("ngày có hiệu lực"))
    legal_act_number = models.CharField(_("số văn bản"), max_length=100, blank=True)
    legal_act_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    confidence = models.CharField(
        _("độ tin cậy"), max_length=16, choices=ConfidenceChoices.choices, default="verified"
    )
    note = models.TextField(_("ghi chú"), blank=True)
    source = models.CharField(_("nguồn"), max_length=16, choices=SourceChoices.choices)
    source_key = models.CharField(max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện sắp xếp đơn vị hành chính")
        verbose_name_plural = _("sự kiện sắp xếp đơn vị hành chính")
        ordering = ["effective_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~models.Q(source_key=""),
                name="event_unique_source_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date} {self.legal_act_number}".strip()


class Succession(models.Model):
    """One link of an event: the predecessor leads, wholly or partly, to the successor."""

    event = models.ForeignKey(
        ReorganizationEvent, on_delete=models.CASCADE, related_name="successions"
    )
    predecessor = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="successor_links"
    )
    successor = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="predecessor_links"
    )
    is_partial = models.BooleanField(
        _("một phần"), default=False, help_text=_("Chỉ một phần địa bàn chuyển sang đơn vị mới.")
    )

    class Meta:
        verbose_name = _("liên kết kế thừa")
        verbose_name_plural = _("liên kết kế thừa")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="succession_unique_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="succession_not_self",
            ),
        ]

    def __str__(self) -> str:
        partly = " (một phần)" if self.is_partial else ""
        return f"{self.predecessor} → {self.successor}{partly}"

    def to_domain(self) -> hierarchy.Succession:
        return hierarchy.Succession(self.predecessor_id, self.successor_id, self.is_partial)


class Department(models.Model):
    """A department (sở, ngành) or other organisation, e.g. a sponsor of a commune."""

    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("thuộc đơn vị"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    sector = models.CharField(
        _("lĩnh vực"), max_length=50, blank=True, help_text=_("Ví dụ: giao thông, y tế.")
    )

    class Meta:
        verbose_name = _("sở, ngành")
        verbose_name_plural = _("sở, ngành")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class BoundaryUpload(models.Model):
    """A boundary GeoJSON uploaded for a province: the file, who sent it, when, and the
    date its unit codes refer to (codes are reused across eras)."""

    province = models.ForeignKey(
        AdminUnit,
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        related_name="boundary_uploads",
    )
    codes_on = models.DateField(
        _("mã đơn vị tại ngày"),
        help_text=_("Mã xã trong tệp được đối chiếu với các đơn vị có hiệu lực vào ngày này."),
    )
    file_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    features = models.PositiveIntegerField(_("số đối tượng"))
    is_current = models.BooleanField(_("đang dùng"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp ranh giới")
        verbose_name_plural = _("tệp ranh giới")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province"],
                condition=models.Q(is_current=True),
                name="boundary_one_current_per_province",
                violation_error_message=_("Mỗi tỉnh chỉ có một tệp ranh giới đang dùng."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.file_name} ({self.uploaded_at:%Y-%m-%d})"


class UnitBoundary(models.Model):
    """The outline of one unit from an upload: a GeoJSON Polygon or MultiPolygon (WGS 84)."""

    upload = models.ForeignKey(BoundaryUpload, on_delete=models.CASCADE, related_name="shapes")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="boundaries")
    geometry = models.JSONField(_("hình"))

    class Meta:
        verbose_name = _("ranh giới đơn vị")
        verbose_name_plural = _("ranh giới đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["upload", "unit"], name="boundary_one_shape_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.upload_id})"
