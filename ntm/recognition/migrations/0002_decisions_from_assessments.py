"""Moves Recognition and Revocation here from ``assessments``, in the migration state only.

The tables keep their names (``Meta.db_table``), indexes and constraints, so the database
is not touched (``sqlmigrate`` prints no SQL); the content types follow the models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from ntm.core.moves import rename_content_types


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0005_approval_and_locking'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('criteria', '0002_authoring'),
        ('programme', '0001_initial'),
        ('recognition', '0001_initial'),
        ('units', '0003_boundaries'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='recognitioncase',
                    name='registration',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='programme.registration', verbose_name='đăng ký'),
                ),
                migrations.CreateModel(
                    name='Recognition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm nhập')),
                        ('tier', models.CharField(choices=[('standard', 'Đạt chuẩn nông thôn mới'), ('advanced', 'Nông thôn mới nâng cao'), ('model', 'Nông thôn mới kiểu mẫu'), ('modern', 'Nông thôn mới hiện đại'), ('completion', 'Hoàn thành nhiệm vụ xây dựng nông thôn mới')], max_length=16, verbose_name='mức')),
                        ('decision_number', models.CharField(max_length=100, verbose_name='số quyết định')),
                        ('decision_date', models.DateField(verbose_name='ngày quyết định')),
                        ('issuer', models.CharField(blank=True, max_length=200, verbose_name='cơ quan ban hành')),
                        ('signer', models.CharField(blank=True, max_length=200, verbose_name='người ký')),
                        ('source', models.CharField(blank=True, max_length=300, verbose_name='nguồn')),
                        ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                        ('criteria_set', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='criteria.criteriaset', verbose_name='bộ tiêu chí')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recognitions', to='units.adminunit')),
                    ],
                    options={
                        'verbose_name': 'quyết định công nhận',
                        'verbose_name_plural': 'quyết định công nhận',
                        'db_table': 'assessments_recognition',
                        'ordering': ['decision_date'],
                    },
                ),
                migrations.AlterField(
                    model_name='reacknowledgement',
                    name='acknowledged',
                    field=models.ManyToManyField(related_name='acknowledged_by', to='recognition.recognition', verbose_name='công nhận của đơn vị trước sắp xếp được thừa nhận'),
                ),
                migrations.AlterField(
                    model_name='reacknowledgement',
                    name='recognition',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='reacknowledgement', to='recognition.recognition', verbose_name='công nhận của xã mới'),
                ),
                migrations.AlterField(
                    model_name='recognitioncase',
                    name='recognition',
                    field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='case', to='recognition.recognition', verbose_name='quyết định công nhận'),
                ),
                migrations.CreateModel(
                    name='Revocation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entered_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm nhập')),
                        ('decision_number', models.CharField(max_length=100, verbose_name='số quyết định')),
                        ('decision_date', models.DateField(verbose_name='ngày quyết định')),
                        ('issuer', models.CharField(blank=True, max_length=200, verbose_name='cơ quan ban hành')),
                        ('reason', models.TextField(blank=True, verbose_name='lý do')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
                        ('recognition', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='revocation', to='recognition.recognition')),
                    ],
                    options={
                        'verbose_name': 'quyết định thu hồi',
                        'verbose_name_plural': 'quyết định thu hồi',
                        'db_table': 'assessments_revocation',
                    },
                ),
                migrations.AddConstraint(
                    model_name='recognition',
                    constraint=models.UniqueConstraint(fields=('unit', 'tier', 'decision_number'), name='recognition_unique_decision'),
                ),

            ],
            database_operations=[],
        ),
        migrations.RunPython(*rename_content_types('recognition')),
    ]
