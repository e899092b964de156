"""Criteria sets: versioned data files, stored with their validated definition."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ntm.core.criteria.model import CriteriaSetDef, Tier
from ntm.core.criteria.schema import definition_from_dict


class TierChoices(models.TextChoices):
    STANDARD = Tier.STANDARD.value, _("Đạt chuẩn nông thôn mới")
    ADVANCED = Tier.ADVANCED.value, _("Nông thôn mới nâng cao")
    MODEL = Tier.MODEL.value, _("Nông thôn mới kiểu mẫu")
    MODERN = Tier.MODERN.value, _("Nông thôn mới hiện đại")
    COMPLETION = Tier.COMPLETION.value, _("Hoàn thành nhiệm vụ xây dựng nông thôn mới")


class SetStatusChoices(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã ban hành")


class CriteriaSet(models.Model):
    """One version of a criteria set; a published version never changes."""

    set_id = models.SlugField(_("mã bộ tiêu chí"), max_length=100)
    version = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=SetStatusChoices.choices)
    name_vi = models.CharField(_("tên"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    level = models.CharField(_("cấp"), max_length=16)
    tier = models.CharField(_("mức"), max_length=16, choices=TierChoices.choices)
    period_start = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    legal_number = models.CharField(_("văn bản"), max_length=200, blank=True)
    extends = models.ForeignKey(
        "self",
        verbose_name=_("bộ tiêu chí gốc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
    )
    requires_set_id = models.SlugField(max_length=100, blank=True)
    province_code = models.CharField(max_length=10, blank=True)
    definition = models.JSONField(_("định nghĩa (đã hợp nhất)"))
    source_document = models.JSONField(_("tệp nguồn"))
    content_hash = models.CharField(max_length=64)
    source_file = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lần cuối"), auto_now=True)
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("tạo từ phiên bản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Phiên bản mà bản nháp được tạo ra từ đó: để so sánh và xem trước."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["set_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["set_id", "version"],
                name="criteria_set_unique_version",
                violation_error_message=_("Phiên bản này của bộ tiêu chí đã tồn tại."),
            ),
            models.UniqueConstraint(
                fields=["set_id"],
                condition=models.Q(status="draft"),
                name="criteria_set_one_draft",
                violation_error_message=_("Bộ tiêu chí này đã có một bản nháp."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.set_id}@{self.version}"

    def to_domain(self) -> CriteriaSetDef:
        return definition_from_dict(self.definition)

    @property
    def label(self) -> str:
        """``set_id@version``: how evaluations name the version they used."""
        return f"{self.set_id}@{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == SetStatusChoices.DRAFT
