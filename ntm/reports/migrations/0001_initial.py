"""Moves ReportedFigure here from ``assessments``, in the migration state only.

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
                    name='ReportedFigure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm nhập')),
                        ('metric', models.CharField(help_text='Mã ổn định, ví dụ communes_total, communes_standard, road_km_widened.', max_length=100, verbose_name='chỉ số')),
                        ('label', models.CharField(max_length=300, verbose_name='nội dung')),
                        ('value', models.FloatField(blank=True, null=True, verbose_name='giá trị')),
                        ('value_text', models.CharField(blank=True, max_length=300, verbose_name='giá trị (chữ)')),
                        ('unit_of_measure', models.CharField(blank=True, max_length=50, verbose_name='đơn vị tính')),
                        ('reported_on', models.DateField(verbose_name='ngày báo cáo')),
                        ('period', models.CharField(blank=True, max_length=100, verbose_name='kỳ báo cáo')),
                        ('source', models.CharField(max_length=300, verbose_name='nguồn')),
                        ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reported_figures', to='units.adminunit')),
                    ],
                    options={
                        'verbose_name': 'số liệu báo cáo',
                        'verbose_name_plural': 'số liệu báo cáo',
                        'db_table': 'assessments_reportedfigure',
                        'ordering': ['reported_on', 'id'],
                        'indexes': [models.Index(fields=['unit', 'metric'], name='assessments_unit_id_a8eb87_idx')],
                    },
                ),

            ],
            database_operations=[],
        ),
        migrations.RunPython(*rename_content_types('reports')),
    ]
