"""Moves Target, Registration and Sponsorship here from ``assessments``, in the migration state only.

The tables keep their names (``Meta.db_table``), indexes and constraints, so the database
is not touched (``sqlmigrate`` prints no SQL); the content types follow the models.
"""

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
                    name='Sponsorship',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm nhập')),
                        ('start_date', models.DateField(blank=True, null=True, verbose_name='từ ngày')),
                        ('end_date', models.DateField(blank=True, null=True, verbose_name='đến ngày')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='nguồn')),
                        ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
                        ('sponsor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sponsorships', to='units.department', verbose_name='đơn vị đỡ đầu')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sponsorships', to='units.adminunit')),
                    ],
                    options={
                        'verbose_name': 'đơn vị đỡ đầu',
                        'verbose_name_plural': 'đơn vị đỡ đầu',
                        'db_table': 'assessments_sponsorship',
                    },
                ),
                migrations.CreateModel(
                    name='Registration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm nhập')),
                        ('tier', models.CharField(choices=[('standard', 'Đạt chuẩn nông thôn mới'), ('advanced', 'Nông thôn mới nâng cao'), ('model', 'Nông thôn mới kiểu mẫu'), ('modern', 'Nông thôn mới hiện đại'), ('completion', 'Hoàn thành nhiệm vụ xây dựng nông thôn mới')], max_length=16, verbose_name='mức')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='năm')),
                        ('registered_on', models.DateField(blank=True, null=True, verbose_name='ngày đăng ký')),
                        ('status', models.CharField(choices=[('in_progress', 'Đang thực hiện'), ('appraised', 'Đã thẩm định, trình công nhận'), ('recognized', 'Đã công nhận'), ('withdrawn', 'Rút đăng ký')], default='in_progress', max_length=16, verbose_name='tình trạng')),
                        ('status_on', models.DateField(blank=True, null=True, verbose_name='tình trạng tại ngày')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='nguồn')),
                        ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='registrations', to='units.adminunit')),
                    ],
                    options={
                        'verbose_name': 'đăng ký',
                        'verbose_name_plural': 'đăng ký',
                        'db_table': 'assessments_registration',
                        'constraints': [models.UniqueConstraint(fields=('unit', 'tier', 'year'), name='registration_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='Target',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm nhập')),
                        ('tier', models.CharField(choices=[('standard', 'Đạt chuẩn nông thôn mới'), ('advanced', 'Nông thôn mới nâng cao'), ('model', 'Nông thôn mới kiểu mẫu'), ('modern', 'Nông thôn mới hiện đại'), ('completion', 'Hoàn thành nhiệm vụ xây dựng nông thôn mới')], max_length=16, verbose_name='mức')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='năm')),
                        ('child_level', models.CharField(blank=True, choices=[('province', 'Tỉnh'), ('district', 'Huyện'), ('commune', 'Xã'), ('village', 'Thôn')], max_length=16, verbose_name='cấp đơn vị con')),
                        ('child_count', models.PositiveIntegerField(blank=True, help_text='Mục tiêu tổng hợp, ví dụ 8 xã nâng cao đến năm 2023.', null=True, verbose_name='số đơn vị con')),
                        ('child_count_max', models.PositiveIntegerField(blank=True, help_text='Khi mục tiêu là một khoảng, ví dụ 1–2 xã kiểu mẫu.', null=True, verbose_name='số đơn vị con tối đa')),
                        ('fields_of_excellence', models.CharField(blank=True, help_text='Với mục tiêu kiểu mẫu: lĩnh vực nổi trội, cách nhau bởi dấu phẩy.', max_length=300, verbose_name='lĩnh vực nổi trội')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='nguồn')),
                        ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='targets', to='units.adminunit')),
                    ],
                    options={
                        'verbose_name': 'mục tiêu',
                        'verbose_name_plural': 'mục tiêu',
                        'db_table': 'assessments_target',
                        'ordering': ['year'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('child_count__isnull', True), ('child_level', '')), models.Q(('child_count__isnull', False), models.Q(('child_level', ''), _negated=True)), _connector='OR'), name='target_aggregate_needs_level', violation_error_message='Mục tiêu tổng hợp cần cả cấp và số đơn vị con.')],
                    },
                ),

            ],
            database_operations=[],
        ),
        migrations.RunPython(*rename_content_types('programme')),
    ]
