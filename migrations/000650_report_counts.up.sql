-- Dashboard figures kept as sums (issue 13: a dashboard at 250,000 applications in < 100 ms).
-- Counting the rows themselves took 150 ms for the national registrations per day (every
-- application of the cohort), 130 ms for the assessor progress (every score sheet joined to its
-- application) and 45 ms for the confirmed seats, side by side on the pool: 0.75-4.8 s on the
-- shared 2-core machine. These tables carry the scope columns (regency_code, province_code,
-- jenjang) so the scope predicate of the application list (application.Condition, alias a)
-- applies to them unchanged. Statement triggers with transition tables keep them, as
-- application_counts (000521): one aggregated upsert per statement, nothing for an UPDATE that
-- moves nothing between groups. No CHECK (n >= 0): the upserts propose negative deltas.

-- Registrations (applications started) and submissions (sent: submitted or verval decided) per
-- day in WIB, per kab/kota and jenjang.
CREATE TABLE application_days (
    cohort_id     bigint NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    regency_code  text   NOT NULL,
    province_code text   NOT NULL,
    jenjang       text   NOT NULL,
    day           date   NOT NULL,
    registered    bigint NOT NULL,
    submitted     bigint NOT NULL,
    PRIMARY KEY (cohort_id, regency_code, jenjang, day)
);
CREATE INDEX application_days_province_idx ON application_days (province_code, jenjang);

-- Score sheets per kab/kota, jenjang and stage; open ones by the UTC hour they are due in
-- ('infinity' when no due time), submitted ones at '-infinity'. The overdue count is the open
-- sheets of the hours already over plus, live, the open sheets due earlier in the current hour.
CREATE TABLE score_sheet_counts (
    cohort_id     bigint NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    regency_code  text   NOT NULL,
    province_code text   NOT NULL,
    jenjang       text   NOT NULL,
    stage         text   NOT NULL,
    due_hour      timestamptz NOT NULL,
    n             bigint NOT NULL,
    PRIMARY KEY (cohort_id, regency_code, jenjang, stage, due_hour)
);
CREATE INDEX score_sheet_counts_province_idx ON score_sheet_counts (province_code, jenjang);
-- The live part of the overdue count.
CREATE INDEX score_sheets_open_due_idx ON score_sheets (due_at) WHERE submitted_at IS NULL;

-- Confirmed and attended pembekalan seats per run, kab/kota and jenjang.
CREATE TABLE seat_counts (
    run_id        bigint NOT NULL REFERENCES result_runs (id),
    regency_code  text   NOT NULL,
    province_code text   NOT NULL,
    jenjang       text   NOT NULL,
    status        text   NOT NULL,
    n             bigint NOT NULL,
    PRIMARY KEY (run_id, regency_code, jenjang, status)
);

CREATE FUNCTION sheet_due_hour(submitted_at timestamptz, due_at timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN submitted_at IS NOT NULL THEN '-infinity'::timestamptz
        WHEN due_at IS NULL THEN 'infinity'::timestamptz ELSE date_trunc('hour', due_at, 'UTC') END
$$;

-- Applications: the days, and the sheet and seat counts of an application that moves to
-- another cohort, kab/kota or jenjang.
CREATE FUNCTION application_days_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO application_days AS c (cohort_id, regency_code, province_code, jenjang, day, registered, submitted)
            SELECT cohort_id, regency_code, province_code, jenjang, day, sum(r), sum(s) FROM (
                SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, 1 AS r, 0 AS s FROM newrows
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, 1 FROM newrows
                WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'lolos_verval', 'tidak_lolos_verval')) x
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5
        ON CONFLICT (cohort_id, regency_code, jenjang, day) DO UPDATE
            SET registered = c.registered + EXCLUDED.registered, submitted = c.submitted + EXCLUDED.submitted;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO application_days AS c (cohort_id, regency_code, province_code, jenjang, day, registered, submitted)
            SELECT cohort_id, regency_code, province_code, jenjang, day, sum(r), sum(s) FROM (
                SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, -1 AS r, 0 AS s FROM oldrows
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, -1 FROM oldrows
                WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'lolos_verval', 'tidak_lolos_verval')) x
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5
        ON CONFLICT (cohort_id, regency_code, jenjang, day) DO UPDATE
            SET registered = c.registered + EXCLUDED.registered, submitted = c.submitted + EXCLUDED.submitted;
    ELSE
        INSERT INTO application_days AS c (cohort_id, regency_code, province_code, jenjang, day, registered, submitted)
            SELECT cohort_id, regency_code, province_code, jenjang, day, sum(r), sum(s) FROM (
                SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, 1 AS r, 0 AS s FROM newrows
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, 1 FROM newrows
                WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'lolos_verval', 'tidak_lolos_verval')
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date, -1, 0 FROM oldrows
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, -1 FROM oldrows
                WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'lolos_verval', 'tidak_lolos_verval')) x
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
CREATE TRIGGER application_days_insert AFTER INSERT ON applications
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION application_days_apply();
CREATE TRIGGER application_days_update AFTER UPDATE ON applications
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION application_days_apply();
CREATE TRIGGER application_days_delete AFTER DELETE ON applications
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION application_days_apply();

-- A deleted application's sheets go with it (ON DELETE CASCADE), but by the time the sheets'
-- statement trigger runs the application is gone and its group unknown: the application takes
-- its sheets off the counts first (the sheets' trigger then finds no application and adds
-- nothing).
CREATE FUNCTION application_sheets_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO score_sheet_counts AS c (cohort_id, regency_code, province_code, jenjang, stage, due_hour, n)
        SELECT OLD.cohort_id, OLD.regency_code, OLD.province_code, OLD.jenjang, sh.stage, sheet_due_hour(sh.submitted_at, sh.due_at), -count(*)
        FROM score_sheets sh WHERE sh.application_id = OLD.id GROUP BY 5, 6 ORDER BY 5, 6
    ON CONFLICT (cohort_id, regency_code, jenjang, stage, due_hour) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN OLD;
END $$;
CREATE TRIGGER application_sheets_forget BEFORE DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION application_sheets_forget();

CREATE FUNCTION score_sheet_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO score_sheet_counts AS c (cohort_id, regency_code, province_code, jenjang, stage, due_hour, n)
            SELECT a.cohort_id, a.regency_code, a.province_code, a.jenjang, x.stage, sheet_due_hour(x.submitted_at, x.due_at), count(*)
            FROM newrows x JOIN applications a ON a.id = x.application_id
            GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 4, 5, 6
        ON CONFLICT (cohort_id, regency_code, jenjang, stage, due_hour) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO score_sheet_counts AS c (cohort_id, regency_code, province_code, jenjang, stage, due_hour, n)
            SELECT a.cohort_id, a.regency_code, a.province_code, a.jenjang, x.stage, sheet_due_hour(x.submitted_at, x.due_at), -count(*)
            FROM oldrows x JOIN applications a ON a.id = x.application_id
            GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 4, 5, 6
        ON CONFLICT (cohort_id, regency_code, jenjang, stage, due_hour) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO score_sheet_counts AS c (cohort_id, regency_code, province_code, jenjang, stage, due_hour, n)
            SELECT a.cohort_id, a.regency_code, a.province_code, a.jenjang, x.stage, x.due_hour, sum(x.k)
            FROM (SELECT application_id, stage, sheet_due_hour(submitted_at, due_at) AS due_hour, 1 AS k FROM newrows
                UNION ALL
                SELECT application_id, stage, sheet_due_hour(submitted_at, due_at), -1 FROM oldrows) x
            JOIN applications a ON a.id = x.application_id
            GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(x.k) <> 0 ORDER BY 1, 2, 4, 5, 6
        ON CONFLICT (cohort_id, regency_code, jenjang, stage, due_hour) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER score_sheet_counts_insert AFTER INSERT ON score_sheets
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION score_sheet_counts_apply();
CREATE TRIGGER score_sheet_counts_update AFTER UPDATE ON score_sheets
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION score_sheet_counts_apply();
CREATE TRIGGER score_sheet_counts_delete AFTER DELETE ON score_sheets
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION score_sheet_counts_apply();

CREATE FUNCTION seat_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO seat_counts AS c (run_id, regency_code, province_code, jenjang, status, n)
            SELECT x.run_id, a.regency_code, a.province_code, a.jenjang, x.status, count(*)
            FROM newrows x JOIN applications a ON a.id = x.application_id
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5
        ON CONFLICT (run_id, regency_code, jenjang, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO seat_counts AS c (run_id, regency_code, province_code, jenjang, status, n)
            SELECT x.run_id, a.regency_code, a.province_code, a.jenjang, x.status, -count(*)
            FROM oldrows x JOIN applications a ON a.id = x.application_id
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5
        ON CONFLICT (run_id, regency_code, jenjang, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO seat_counts AS c (run_id, regency_code, province_code, jenjang, status, n)
            SELECT x.run_id, a.regency_code, a.province_code, a.jenjang, x.status, sum(x.k)
            FROM (SELECT run_id, application_id, status, 1 AS k FROM newrows
                UNION ALL
                SELECT run_id, application_id, status, -1 FROM oldrows) x
            JOIN applications a ON a.id = x.application_id
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.k) <> 0 ORDER BY 1, 2, 4, 5
        ON CONFLICT (run_id, regency_code, jenjang, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER seat_counts_insert AFTER INSERT ON pembekalan_seats
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION seat_counts_apply();
CREATE TRIGGER seat_counts_update AFTER UPDATE ON pembekalan_seats
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION seat_counts_apply();
CREATE TRIGGER seat_counts_delete AFTER DELETE ON pembekalan_seats
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION seat_counts_apply();

INSERT INTO application_days (cohort_id, regency_code, province_code, jenjang, day, registered, submitted)
    SELECT cohort_id, regency_code, province_code, jenjang, day, sum(r), sum(s) FROM (
        SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, 1 AS r, 0 AS s FROM applications
        UNION ALL
        SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, 1 FROM applications
        WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'lolos_verval', 'tidak_lolos_verval')) x
    GROUP BY 1, 2, 3, 4, 5;
INSERT INTO score_sheet_counts (cohort_id, regency_code, province_code, jenjang, stage, due_hour, n)
    SELECT a.cohort_id, a.regency_code, a.province_code, a.jenjang, sh.stage, sheet_due_hour(sh.submitted_at, sh.due_at), count(*)
    FROM score_sheets sh JOIN applications a ON a.id = sh.application_id GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO seat_counts (run_id, regency_code, province_code, jenjang, status, n)
    SELECT ps.run_id, a.regency_code, a.province_code, a.jenjang, ps.status, count(*)
    FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id GROUP BY 1, 2, 3, 4, 5;
