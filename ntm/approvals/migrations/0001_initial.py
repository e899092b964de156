"""Moves Submission, CriterionResponsibility, CriterionVerification and SubmissionEvent here from ``assessments``, in the migration state only.

The tables keep their names (``Meta.db_table``), indexes and constraints, so the database
is not touched (``sqlmigrate`` prints no SQL); the content types follow the models.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from ntm.core.moves import rename_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('assessments', '0005_approval_and_locking'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('units', '0003_boundaries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Submission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('set_id', models.CharField(max_length=100, verbose_name='bộ tiêu chí')),
                        ('period', models.CharField(help_text='2024, 2024-H1, 2024-Q3, 2024-06 hoặc ngày.', max_length=20, verbose_name='kỳ báo cáo')),
                        ('observed_on', models.DateField(verbose_name='số liệu tại ngày')),
                        ('status', models.CharField(choices=[('draft', 'Bản nháp'), ('submitted', 'Đã gửi, chờ thẩm tra'), ('verified', 'Đã thẩm tra, chờ phê duyệt'), ('approved', 'Đã phê duyệt'), ('locked', 'Đã khóa')], default='draft', max_length=16, verbose_name='tình trạng')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm tạo')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='thời điểm cập nhật')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm gửi')),
                        ('status_changed_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='tình trạng từ lúc')),
                        ('last_action', models.CharField(blank=True, max_length=16, verbose_name='thao tác gần nhất')),
                        ('set_version', models.PositiveIntegerField(blank=True, null=True, verbose_name='phiên bản bộ tiêu chí')),
                        ('keys', models.JSONField(blank=True, default=list, help_text='Các chỉ tiêu và tiêu chí của phiên bản bộ tiêu chí khi gửi: phần bị khóa.', verbose_name='mã chỉ tiêu và tiêu chí')),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm phê duyệt')),
                        ('locked_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm khóa')),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người phê duyệt')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người tạo')),
                        ('locked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người khóa')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người gửi')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='units.adminunit')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người cập nhật')),
                    ],
                    options={
                        'verbose_name': 'kỳ nhập số liệu',
                        'verbose_name_plural': 'kỳ nhập số liệu',
                        'db_table': 'assessments_submission',
                    },
                ),
                migrations.CreateModel(
                    name='CriterionVerification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('criterion_key', models.CharField(max_length=150, verbose_name='tiêu chí')),
                        ('number', models.CharField(max_length=20, verbose_name='số tiêu chí')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='thứ tự')),
                        ('is_current', models.BooleanField(default=True, verbose_name='thuộc lượt xét hiện tại')),
                        ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm xác nhận')),
                        ('on_behalf', models.BooleanField(default=False, help_text='Văn phòng điều phối xác nhận theo văn bản của sở, ngành phụ trách.', verbose_name='văn phòng xác nhận thay sở, ngành')),
                        ('comment', models.TextField(blank=True, verbose_name='ý kiến')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm tạo')),
                        ('department', models.ForeignKey(blank=True, help_text='Để trống: văn phòng điều phối thẩm tra.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='verifications', to='units.department', verbose_name='sở, ngành thẩm tra')),
                        ('verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người xác nhận')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='verifications', to='approvals.submission')),
                    ],
                    options={
                        'verbose_name': 'thẩm tra tiêu chí',
                        'verbose_name_plural': 'thẩm tra tiêu chí',
                        'db_table': 'assessments_criterionverification',
                        'ordering': ['position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SubmissionEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('create', 'Tạo bản nháp'), ('submit', 'Gửi lên'), ('withdraw', 'Rút về bản nháp'), ('verify', 'Xác nhận tiêu chí'), ('return', 'Trả lại'), ('approve', 'Phê duyệt'), ('lock', 'Khóa'), ('unlock', 'Mở khóa')], max_length=16, verbose_name='thao tác')),
                        ('from_status', models.CharField(blank=True, max_length=16, verbose_name='từ tình trạng')),
                        ('to_status', models.CharField(max_length=16, verbose_name='sang tình trạng')),
                        ('actor_name', models.CharField(blank=True, max_length=150, verbose_name='tên đăng nhập')),
                        ('at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm')),
                        ('comment', models.TextField(blank=True, verbose_name='ý kiến, lý do')),
                        ('data', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='chi tiết')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người thực hiện')),
                        ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='units.department', verbose_name='sở, ngành')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='approvals.submission')),
                    ],
                    options={
                        'verbose_name': 'bước xét duyệt',
                        'verbose_name_plural': 'lịch sử xét duyệt',
                        'db_table': 'assessments_submissionevent',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='CriterionResponsibility',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('criterion_key', models.CharField(max_length=150, verbose_name='tiêu chí')),
                        ('assigned_at', models.DateTimeField(auto_now=True, verbose_name='thời điểm giao')),
                        ('assigned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người giao')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='criterion_responsibilities', to='units.department', verbose_name='sở, ngành phụ trách')),
                        ('unit', models.ForeignKey(help_text='Tỉnh (hoặc huyện) giao trách nhiệm cho các đơn vị trực thuộc.', on_delete=django.db.models.deletion.PROTECT, related_name='criterion_responsibilities', to='units.adminunit', verbose_name='đơn vị giao')),
                    ],
                    options={
                        'verbose_name': 'sở, ngành phụ trách tiêu chí',
                        'verbose_name_plural': 'sở, ngành phụ trách tiêu chí',
                        'db_table': 'assessments_criterionresponsibility',
                        'constraints': [models.UniqueConstraint(fields=('unit', 'criterion_key'), name='responsibility_one_per_criterion', violation_error_message='Tiêu chí này đã được giao cho một sở, ngành.')],
                    },
                ),
                migrations.AddIndex(
                    model_name='submission',
                    index=models.Index(fields=['set_id', 'period', 'status'], name='submission_set_period'),
                ),
                migrations.AddIndex(
                    model_name='submission',
                    index=models.Index(fields=['unit', 'observed_on'], name='submission_unit_day'),
                ),
                migrations.AddConstraint(
                    model_name='submission',
                    constraint=models.UniqueConstraint(fields=('unit', 'set_id', 'period'), name='submission_one_per_unit_set_period', violation_error_message='Đơn vị đã có một kỳ nhập cho bộ tiêu chí và kỳ này.'),
                ),
                migrations.AddIndex(
                    model_name='criterionverification',
                    index=models.Index(fields=['department', 'is_current', 'verified_at'], name='verification_queue'),
                ),
                migrations.AddConstraint(
                    model_name='criterionverification',
                    constraint=models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('submission', 'criterion_key'), name='verification_one_current_per_criterion'),
                ),

            ],
            database_operations=[],
        ),
        migrations.RunPython(*rename_content_types('approvals')),
    ]
