"""Moves IndicatorValue, EvidenceFile and CriterionCertification here from ``assessments``, in the migration state only.

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
                    name='CriterionCertification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm nhập')),
                        ('criterion_key', models.CharField(max_length=150, verbose_name='tiêu chí')),
                        ('is_met', models.BooleanField(verbose_name='đạt')),
                        ('certified_on', models.DateField(verbose_name='ngày xác nhận')),
                        ('document_number', models.CharField(blank=True, max_length=200, verbose_name='số văn bản')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='nguồn')),
                        ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                        ('is_current', models.BooleanField(default=True)),
                        ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='units.department', verbose_name='sở, ngành')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
                        ('supersedes', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='values.criterioncertification')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certifications', to='units.adminunit')),
                    ],
                    options={
                        'verbose_name': 'xác nhận tiêu chí',
                        'verbose_name_plural': 'xác nhận tiêu chí',
                        'db_table': 'assessments_criterioncertification',
                        'constraints': [models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('unit', 'criterion_key', 'certified_on'), name='certification_one_current_per_date')],
                    },
                ),
                migrations.CreateModel(
                    name='EvidenceFile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm nhập')),
                        ('key', models.CharField(help_text='Mã chỉ tiêu (SET:CODE) hoặc tiêu chí (SET:NUMBER).', max_length=150, verbose_name='chỉ tiêu hoặc tiêu chí')),
                        ('observed_on', models.DateField(verbose_name='số liệu tại ngày')),
                        ('file', models.FileField(upload_to='evidence/%Y/%m/', verbose_name='tệp')),
                        ('original_name', models.CharField(max_length=255, verbose_name='tên tệp')),
                        ('content_type', models.CharField(max_length=100, verbose_name='loại tệp')),
                        ('size', models.PositiveBigIntegerField(verbose_name='dung lượng (byte)')),
                        ('is_removed', models.BooleanField(default=False, verbose_name='đã gỡ')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evidence_files', to='units.adminunit')),
                    ],
                    options={
                        'verbose_name': 'tệp minh chứng',
                        'verbose_name_plural': 'tệp minh chứng',
                        'db_table': 'assessments_evidencefile',
                        'indexes': [models.Index(fields=['unit', 'key', 'observed_on'], name='evidence_cell')],
                    },
                ),
                migrations.CreateModel(
                    name='IndicatorValue',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm nhập')),
                        ('indicator_key', models.CharField(max_length=150, verbose_name='chỉ tiêu')),
                        ('observed_on', models.DateField(verbose_name='số liệu tại ngày')),
                        ('value', models.FloatField(blank=True, null=True, verbose_name='giá trị')),
                        ('numerator', models.FloatField(blank=True, null=True, verbose_name='tử số')),
                        ('denominator', models.FloatField(blank=True, null=True, verbose_name='mẫu số')),
                        ('is_met', models.BooleanField(blank=True, null=True, verbose_name='đạt (đánh giá)')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='nguồn số liệu')),
                        ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                        ('is_current', models.BooleanField(default=True)),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
                        ('supersedes', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='values.indicatorvalue')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='indicator_values', to='units.adminunit')),
                    ],
                    options={
                        'verbose_name': 'giá trị chỉ tiêu',
                        'verbose_name_plural': 'giá trị chỉ tiêu',
                        'db_table': 'assessments_indicatorvalue',
                        'indexes': [models.Index(fields=['indicator_key', 'observed_on'], name='value_key_date')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('unit', 'indicator_key', 'observed_on'), name='value_one_current_per_date', violation_error_message='Đã có giá trị cho chỉ tiêu này tại ngày này.')],
                    },
                ),

            ],
            database_operations=[],
        ),
        migrations.RunPython(*rename_content_types('values')),
    ]
