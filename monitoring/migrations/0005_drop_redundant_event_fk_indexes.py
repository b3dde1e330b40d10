# Drops monitoring_sessionevent's single-column exam_id and session_id indexes: mon_event_exam_seq_unique
# (exam_id, seq) serves lookups by exam, mon_event_client_seq_unique (session_id, client_seq) and
# mon_event_session_seq_idx (session_id, seq) by session, and MariaDB's foreign keys use them too.
#
# Only the indexes are dropped (found by introspection: a fresh MariaDB install never had them, InnoDB reused the
# composites for the foreign keys). A plain AlterField(db_index=False) would also drop and re-add both foreign keys:
# a full validating scan on PostgreSQL and a table-copying ALTER on MariaDB, for no schema change.

import django.db.models.deletion
from django.db import migrations, models


def drop_single_column_index(app_label, model_name, field_names):
    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for field_name in field_names:
            column = model._meta.get_field(field_name).column
            names = schema_editor._constraint_names(
                model, [column], index=True, unique=False, primary_key=False, type_=models.Index.suffix
            )
            for name in names:
                schema_editor.execute(schema_editor._delete_index_sql(model, name))

    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for field_name in field_names:
            field = model._meta.get_field(field_name)
            if not schema_editor._constraint_names(
                model, [field.column], index=True, unique=False, primary_key=False, type_=models.Index.suffix
            ):
                schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))

    return migrations.RunPython(forwards, backwards)


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
