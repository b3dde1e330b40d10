# Drops monitoring_sessionevent's single-column exam_id and session_id indexes: mon_event_exam_seq_unique
# (exam_id, seq) serves lookups by exam, mon_event_client_seq_unique (session_id, client_seq) and
# mon_event_session_seq_idx (session_id, seq) by session, and MariaDB's foreign keys use them too.
#
# Only the indexes are dropped (found by introspection: a fresh MariaDB install never had them, InnoDB reused the
# composites for the foreign keys). A plain AlterField(db_index=False) would also drop and re-add both foreign keys:
# a full validating scan on PostgreSQL and a table-copying ALTER on MariaDB, for no schema change.

import django.db.models.deletion
from django.db import migrations, models

from exams_service.migration_ops import drop_single_column_index


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0004_number_pending_nowait'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='sessionevent',
                    name='exam',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='exams.exam'),
                ),
                migrations.AlterField(
                    model_name='sessionevent',
                    name='session',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='monitoring.proctoringsession'),
                ),
            ],
            database_operations=[drop_single_column_index('monitoring', 'sessionevent', ['exam', 'session'])],
        ),
    ]
