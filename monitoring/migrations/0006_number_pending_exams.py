# PostgreSQL: number the pending status events of many exams in one call, for the process's numbering thread
# (monitoring/late_numbering.py), which gathers the exams of every status change committed in a short window.
#
# The sequencer rows are locked in exam order and waited for (the thread is off the request path; every other
# holder keeps one sequencer for one statement or one short transaction, and ordered locking keeps two callers
# of this function from deadlocking). The numbering statement runs after the locks with a fresh snapshot (a
# VOLATILE function takes one per statement), so it sees every event a previous holder numbered. At most
# `p_limit` events per exam are numbered; the caller calls again for an exam that returned that many.

from django.db import migrations

NUMBER_PENDING_EXAMS = """
CREATE OR REPLACE FUNCTION monitoring_number_pending_exams(p_exams bigint[], p_limit integer)
RETURNS SETOF monitoring_sessionevent LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_locked integer;
BEGIN
    SELECT count(*) INTO v_locked FROM (
        SELECT s.exam_id FROM monitoring_examsequencer s WHERE s.exam_id = ANY(p_exams) ORDER BY s.exam_id FOR UPDATE
    ) claimed;
    IF v_locked < cardinality(p_exams) THEN  -- an exam without its rows yet (made with its first session)
        INSERT INTO monitoring_examstream (exam_id, last_seq)
            SELECT x.id, 0 FROM exams_exam x WHERE x.id = ANY(p_exams) ON CONFLICT DO NOTHING;
        INSERT INTO monitoring_examsequencer (exam_id)
            SELECT x.id FROM exams_exam x WHERE x.id = ANY(p_exams) ON CONFLICT DO NOTHING;
        PERFORM 1 FROM monitoring_examsequencer s WHERE s.exam_id = ANY(p_exams) ORDER BY s.exam_id FOR UPDATE;
    END IF;
    RETURN QUERY
        WITH ranked AS (
            SELECT e.id, e.exam_id, row_number() OVER (PARTITION BY e.exam_id ORDER BY e.id) AS rn
            FROM monitoring_sessionevent e WHERE e.exam_id = ANY(p_exams) AND e.seq IS NULL
        ), pending AS (
            SELECT * FROM ranked WHERE rn <= p_limit
        ), counts AS (
            SELECT exam_id, count(*) AS n FROM pending GROUP BY exam_id
        ), bump AS (
            UPDATE monitoring_examstream st SET last_seq = st.last_seq + counts.n
            FROM counts WHERE st.exam_id = counts.exam_id
            RETURNING st.exam_id, st.last_seq - counts.n AS base
        )
        UPDATE monitoring_sessionevent e SET seq = bump.base + pending.rn
        FROM pending JOIN bump ON bump.exam_id = pending.exam_id WHERE e.id = pending.id
        RETURNING e.*;
END $$;
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NUMBER_PENDING_EXAMS)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS monitoring_number_pending_exams(bigint[], integer)")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0005_drop_redundant_event_fk_indexes")]

    operations = [migrations.RunPython(create_function, drop_function)]
