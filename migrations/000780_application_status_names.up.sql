-- Application statuses in one style (issue 9, item 7): the verval outcomes are stored as
-- verval_passed / verval_failed, English lifecycle words like draft / submitted / withdrawn and
-- like the other packages' stored statuses (clinic, registrations, export jobs), instead of the
-- Indonesian lolos_verval / tidak_lolos_verval. What users read does not change: the labels
-- ("Lolos verval", "Tidak lolos verval") come from the catalogues.
--
-- Everything that holds the old values moves with them: the rows (applications), the CHECK
-- constraint, the kept status counts (application_counts, 000521), the function of the kept
-- day counts (application_days_apply, 000650), the outcome of held and sent decision mails
-- (mail_outbox.outcome, 000640) and the filters of export jobs (export_jobs, 000670), which a
-- queued job runs again. The audit log keeps what was recorded at the time (its entries are
-- hash-chained and never rewritten).
--
-- The rename moves no application between groups or days: the kept-sum triggers of the update
-- are switched off for it and the counts renamed in place (the day counts' function would
-- otherwise see old values it no longer knows, or new ones it does not know yet).
ALTER TABLE applications DROP CONSTRAINT applications_status_check;
ALTER TABLE applications DISABLE TRIGGER application_counts_update;
ALTER TABLE applications DISABLE TRIGGER application_days_update;
UPDATE applications SET status = CASE status WHEN 'lolos_verval' THEN 'verval_passed' ELSE 'verval_failed' END
WHERE status IN ('lolos_verval', 'tidak_lolos_verval');
ALTER TABLE applications ENABLE TRIGGER application_counts_update;
ALTER TABLE applications ENABLE TRIGGER application_days_update;
ALTER TABLE applications ADD CONSTRAINT applications_status_check
    CHECK (status IN ('draft', 'submitted', 'withdrawn', 'verval_passed', 'verval_failed'));
UPDATE application_counts SET status = CASE status WHEN 'lolos_verval' THEN 'verval_passed' ELSE 'verval_failed' END
WHERE status IN ('lolos_verval', 'tidak_lolos_verval');

UPDATE mail_outbox SET outcome = CASE outcome WHEN 'lolos_verval' THEN 'verval_passed' ELSE 'verval_failed' END
WHERE outcome IN ('lolos_verval', 'tidak_lolos_verval');

UPDATE export_jobs SET filters = jsonb_set(filters, '{status}',
        to_jsonb(CASE filters->>'status' WHEN 'lolos_verval' THEN 'verval_passed' ELSE 'verval_failed' END))
WHERE kind = 'lamaran' AND filters->>'status' IN ('lolos_verval', 'tidak_lolos_verval');
UPDATE export_jobs SET query = jsonb_set(query, '{filter,Status}',
        to_jsonb(CASE query->'filter'->>'Status' WHEN 'lolos_verval' THEN 'verval_passed' ELSE 'verval_failed' END))
WHERE kind = 'lamaran' AND query->'filter'->>'Status' IN ('lolos_verval', 'tidak_lolos_verval');

-- Registrations and submissions per day (000650), with the new names of the sent statuses.
CREATE OR REPLACE FUNCTION application_days_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO application_days AS c (cohort_id, regency_code, province_code, jenjang, day, registered, submitted)
            SELECT cohort_id, regency_code, province_code, jenjang, day, sum(r), sum(s) FROM (
                SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, 1 AS r, 0 AS s FROM newrows
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, 1 FROM newrows
                WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'verval_passed', 'verval_failed')) x
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5
        ON CONFLICT (cohort_id, regency_code, jenjang, day) DO UPDATE
            SET registered = c.registered + EXCLUDED.registered, submitted = c.submitted + EXCLUDED.submitted;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO application_days AS c (cohort_id, regency_code, province_code, jenjang, day, registered, submitted)
            SELECT cohort_id, regency_code, province_code, jenjang, day, sum(r), sum(s) FROM (
                SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, -1 AS r, 0 AS s FROM oldrows
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, -1 FROM oldrows
                WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'verval_passed', 'verval_failed')) x
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5
        ON CONFLICT (cohort_id, regency_code, jenjang, day) DO UPDATE
            SET registered = c.registered + EXCLUDED.registered, submitted = c.submitted + EXCLUDED.submitted;
    ELSE
        INSERT INTO application_days AS c (cohort_id, regency_code, province_code, jenjang, day, registered, submitted)
            SELECT cohort_id, regency_code, province_code, jenjang, day, sum(r), sum(s) FROM (
                SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, 1 AS r, 0 AS s FROM newrows
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, 1 FROM newrows
                WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'verval_passed', 'verval_failed')
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date, -1, 0 FROM oldrows
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, -1 FROM oldrows
                WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'verval_passed', 'verval_failed')) x
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(r) <> 0 OR sum(s) <> 0 ORDER BY 1, 2, 4, 5
        ON CONFLICT (cohort_id, regency_code, jenjang, day) DO UPDATE
            SET registered = c.registered + EXCLUDED.registered, submitted = c.submitted + EXCLUDED.submitted;
        -- An application moved to another group takes its sheets and seats with it.
        IF EXISTS (SELECT 1 FROM oldrows o JOIN newrows n ON n.id = o.id
                WHERE (o.cohort_id, o.regency_code, o.jenjang) IS DISTINCT FROM (n.cohort_id, n.regency_code, n.jenjang)) THEN
            INSERT INTO score_sheet_counts AS c (cohort_id, regency_code, province_code, jenjang, stage, due_hour, n)
                SELECT x.cohort_id, x.regency_code, x.province_code, x.jenjang, sh.stage, sheet_due_hour(sh.submitted_at, sh.due_at), sum(x.k)
                FROM (SELECT n.id, n.cohort_id, n.regency_code, n.province_code, n.jenjang, 1 AS k FROM oldrows o JOIN newrows n ON n.id = o.id
                        WHERE (o.cohort_id, o.regency_code, o.jenjang) IS DISTINCT FROM (n.cohort_id, n.regency_code, n.jenjang)
                    UNION ALL
                    SELECT o.id, o.cohort_id, o.regency_code, o.province_code, o.jenjang, -1 FROM oldrows o JOIN newrows n ON n.id = o.id
                        WHERE (o.cohort_id, o.regency_code, o.jenjang) IS DISTINCT FROM (n.cohort_id, n.regency_code, n.jenjang)) x
                JOIN score_sheets sh ON sh.application_id = x.id
                GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 4, 5, 6
            ON CONFLICT (cohort_id, regency_code, jenjang, stage, due_hour) DO UPDATE SET n = c.n + EXCLUDED.n;
            INSERT INTO seat_counts AS c (run_id, regency_code, province_code, jenjang, status, n)
                SELECT ps.run_id, x.regency_code, x.province_code, x.jenjang, ps.status, sum(x.k)
                FROM (SELECT n.id, n.regency_code, n.province_code, n.jenjang, 1 AS k FROM oldrows o JOIN newrows n ON n.id = o.id
                        WHERE (o.regency_code, o.jenjang) IS DISTINCT FROM (n.regency_code, n.jenjang)
                    UNION ALL
                    SELECT o.id, o.regency_code, o.province_code, o.jenjang, -1 FROM oldrows o JOIN newrows n ON n.id = o.id
                        WHERE (o.regency_code, o.jenjang) IS DISTINCT FROM (n.regency_code, n.jenjang)) x
                JOIN pembekalan_seats ps ON ps.application_id = x.id
                GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5
            ON CONFLICT (run_id, regency_code, jenjang, status) DO UPDATE SET n = c.n + EXCLUDED.n;
        END IF;
    END IF;
    RETURN NULL;
END $$;
