"""The numbering function refuses at once when the exam's sequencer is held (NOWAIT: SQLSTATE 55P03) instead of
returning nothing, so the caller can tell "held elsewhere" from "nothing pending" without a second query, and
creates a missing sequencer row instead of skipping (monitoring/sequencer.py)."""

import importlib

from django.db import migrations

NUMBER_PENDING = """
CREATE OR REPLACE FUNCTION monitoring_number_pending(p_exam bigint, p_limit integer)
RETURNS SETOF monitoring_sessionevent LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM 1 FROM monitoring_examsequencer s WHERE s.exam_id = p_exam FOR UPDATE NOWAIT;
    IF NOT FOUND THEN
        INSERT INTO monitoring_examstream (exam_id, last_seq) VALUES (p_exam, 0) ON CONFLICT DO NOTHING;
        INSERT INTO monitoring_examsequencer (exam_id) VALUES (p_exam) ON CONFLICT DO NOTHING;
        PERFORM 1 FROM monitoring_examsequencer s WHERE s.exam_id = p_exam FOR UPDATE NOWAIT;
    END IF;
    RETURN QUERY
        WITH pending AS (
            SELECT e.id, row_number() OVER (ORDER BY e.id) AS rn FROM monitoring_sessionevent e
            WHERE e.exam_id = p_exam AND e.seq IS NULL ORDER BY e.id LIMIT p_limit
        ), bump AS (
            UPDATE monitoring_examstream st SET last_seq = st.last_seq + (SELECT count(*) FROM pending)
            WHERE st.exam_id = p_exam AND EXISTS (SELECT 1 FROM pending)
            RETURNING st.last_seq - (SELECT count(*) FROM pending) AS base
        )
        UPDATE monitoring_sessionevent e SET seq = bump.base + pending.rn
        FROM pending, bump WHERE e.id = pending.id
        RETURNING e.*;
END $$;
"""


def replace_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NUMBER_PENDING)


def restore_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("monitoring.migrations.0003_status_events_numbered_after_commit")
        schema_editor.execute(previous.NUMBER_PENDING)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_status_events_numbered_after_commit")]

    operations = [migrations.RunPython(replace_function, restore_function)]
