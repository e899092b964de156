"""An entry's time is the present unless the writing service is given its clock.

``auto_now_add`` overwrote any time given; a default of ``timezone.now`` keeps one. Django
keeps defaults in Python, so the table is not touched: the state changes only (altering
the column would rebuild the table on SQLite and drop its append-only trigger).
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_actor_kept"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="at",
                    field=models.DateTimeField(
                        db_index=True,
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="thời điểm",
                    ),
                ),
            ],
        )
    ]
