"""Schema operations shared by migrations of several apps (kept stable: applied migrations import them)."""

from django.db import migrations, models


def _single_column_indexes(schema_editor, model, column: str) -> list[str]:
    """Names of the plain (non-unique, non-primary) indexes on exactly `column`."""
    return schema_editor._constraint_names(
        model, [column], index=True, unique=False, primary_key=False, type_=models.Index.suffix
    )


def drop_single_column_index(app_label: str, model_name: str, field_names: list[str]) -> migrations.RunPython:
    """Drop each field's own index if the database has one (a foreign key whose lookups a composite index
    serves); reversed, recreate it. Unlike `AlterField(db_index=False)` the foreign keys are left untouched."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for field_name in field_names:
            column = model._meta.get_field(field_name).column
            for name in _single_column_indexes(schema_editor, model, column):
                schema_editor.execute(schema_editor._delete_index_sql(model, name))

    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for field_name in field_names:
            field = model._meta.get_field(field_name)
            if not _single_column_indexes(schema_editor, model, field.column):
                schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))

    return migrations.RunPython(forwards, backwards)
