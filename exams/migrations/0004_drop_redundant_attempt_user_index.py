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
