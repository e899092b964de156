"""The models of ``assessments`` now live in the apps owning their domain (issue 10).

Removes them from the migration state only, after the new apps created them in theirs and
recognition pointed its foreign keys at them; the tables stay as they are.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0005_approval_and_locking'),
        ('values', '0001_initial'),
        ('approvals', '0001_initial'),
        ('programme', '0001_initial'),
        ('reports', '0001_initial'),
        ('recognition', '0002_decisions_from_assessments'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # Models pointed at by others go after the ones pointing at them.
                migrations.DeleteModel(name='CriterionVerification'),
                migrations.DeleteModel(name='SubmissionEvent'),
                migrations.DeleteModel(name='CriterionResponsibility'),
                migrations.DeleteModel(name='Submission'),
                migrations.DeleteModel(name='Revocation'),
                migrations.DeleteModel(name='Recognition'),
                migrations.DeleteModel(name='Registration'),
                migrations.DeleteModel(name='Target'),
                migrations.DeleteModel(name='Sponsorship'),
                migrations.DeleteModel(name='ReportedFigure'),
                migrations.DeleteModel(name='CriterionCertification'),
                migrations.DeleteModel(name='EvidenceFile'),
                migrations.DeleteModel(name='IndicatorValue'),
            ],
            database_operations=[],
        ),
    ]
