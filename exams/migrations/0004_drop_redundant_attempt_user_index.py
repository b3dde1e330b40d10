# Drops exams_examattempt's single-column user_id index: attempt_user_exam_idx (user_id, exam_id, reset_at),
# attempt_user_status_idx (user_id, status) and unique_attempt_number (user_id, exam_id, attempt_number) lead with
# user_id, so they serve lookups by user and MariaDB's foreign key.
#
# Only the index is dropped (found by introspection: a fresh MariaDB install never had one, InnoDB reused
# unique_attempt_number for the foreign key). A plain AlterField(db_index=False) would also drop and re-add the
# foreign key: a full validating scan on PostgreSQL and a table-copying ALTER on MariaDB, for no schema change.
# The history table (exams_historicalexamattempt) keeps its user_id index: simple_history indexes its foreign keys.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from exams_service.migration_ops import drop_single_column_index


class Migration(migrations.Migration):

    dependencies = [
        ('exams', '0003_user_identity_kind'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='examattempt',
                    name='user',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='exam_attempts', to=settings.AUTH_USER_MODEL),
                ),
            ],
            database_operations=[drop_single_column_index('exams', 'examattempt', ['user'])],
        ),
    ]
