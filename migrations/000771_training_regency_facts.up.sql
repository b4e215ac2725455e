-- The province page's figures per kab/kota kept per kab/kota (issue 10: the BGP's page at 3,000
-- CGPs in < 50 ms). Since 000711 the figures were summed from one kept row per CGP on every
-- view (3,000 rows joined to their group, four width_bucket calls each: most of the page's
-- time). This table keeps, per cohort and kab/kota, the same sums over the CGPs in training
-- (status aktif): how many, how many in a group, the visit counts, and the sorted unions of
-- their kept date arrays (visit_open, visit_unsent, module_list, and present_starts of those in
-- a confirmed group), so that a figure that depends on the clock or on the settings is one
-- width_bucket per kab/kota: the sum over CGPs of the elements <= a cutoff is the number of
-- elements <= it in their union.
--
-- Statement triggers keep it, like 000711's: each locks the kab/kota rows it refreshes (in key
-- order, after inserting any that are missing) and recounts them from the CGPs' kept rows in a
-- later statement, whose snapshot includes every writer that held the lock before.
CREATE TABLE training_regency_facts (
    cohort_id        bigint NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    regency_code     text   NOT NULL REFERENCES regencies (code),
    province_code    text   NOT NULL CHECK (province_code = substr(regency_code, 1, 2)),
    cgps             int    NOT NULL DEFAULT 0,
    placed           int    NOT NULL DEFAULT 0,
    visits_scheduled int    NOT NULL DEFAULT 0,
    visits_sent      int    NOT NULL DEFAULT 0,
    visits_acked     int    NOT NULL DEFAULT 0,
    visits_late      int    NOT NULL DEFAULT 0,
    visit_unsent     date[] NOT NULL DEFAULT '{}',
    visit_open       timestamptz[] NOT NULL DEFAULT '{}',
    module_list      int[]  NOT NULL DEFAULT '{}',
    present_starts   timestamptz[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (cohort_id, regency_code)
);
CREATE INDEX training_regency_facts_province_idx ON training_regency_facts (cohort_id, province_code);

-- Refreshes the kab/kota rows of the (cohort, kab/kota) pairs given.
CREATE FUNCTION training_refresh_regency_facts(cohorts bigint[], regencies text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cohorts IS NULL OR cardinality(cohorts) = 0 THEN RETURN; END IF;
    INSERT INTO training_regency_facts (cohort_id, regency_code, province_code)
        SELECT DISTINCT k.c, k.r, substr(k.r, 1, 2) FROM unnest(cohorts, regencies) AS k(c, r) ORDER BY 1, 2 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM training_regency_facts t JOIN unnest(cohorts, regencies) AS k(c, r) ON t.cohort_id = k.c AND t.regency_code = k.r
        ORDER BY t.cohort_id, t.regency_code FOR UPDATE OF t;
    -- One pass over the kab/kota's CGPs in training and their kept rows (f), then the sums and
    -- the sorted unions of their arrays from it.
    WITH k AS (SELECT DISTINCT u.c, u.r FROM unnest(cohorts, regencies) AS u(c, r)),
    f AS MATERIALIZED (SELECT k.c, k.r, x.visits_scheduled, x.visits_sent, x.visits_acked, x.visits_late, x.visit_unsent, x.visit_open, x.module_list,
            x.present_starts, m.group_id, g.status AS group_status
        FROM k JOIN training_participants p ON p.cohort_id = k.c AND p.province_code = substr(k.r, 1, 2) AND p.regency_code = k.r AND p.status = 'aktif'
        JOIN training_participant_facts x ON x.participant_id = p.id
        LEFT JOIN training_group_members m ON m.participant_id = p.id LEFT JOIN training_groups g ON g.id = m.group_id),
    v AS (SELECT k.c, k.r,
            (SELECT count(*) FROM f WHERE f.c = k.c AND f.r = k.r) AS cgps,
            (SELECT count(f.group_id) FROM f WHERE f.c = k.c AND f.r = k.r) AS placed,
            (SELECT coalesce(sum(f.visits_scheduled), 0) FROM f WHERE f.c = k.c AND f.r = k.r) AS scheduled,
            (SELECT coalesce(sum(f.visits_sent), 0) FROM f WHERE f.c = k.c AND f.r = k.r) AS sent,
            (SELECT coalesce(sum(f.visits_acked), 0) FROM f WHERE f.c = k.c AND f.r = k.r) AS acked,
            (SELECT coalesce(sum(f.visits_late), 0) FROM f WHERE f.c = k.c AND f.r = k.r) AS late,
            (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM f, unnest(f.visit_unsent) x WHERE f.c = k.c AND f.r = k.r) AS unsent,
            (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM f, unnest(f.visit_open) x WHERE f.c = k.c AND f.r = k.r) AS open,
            (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM f, unnest(f.module_list) x WHERE f.c = k.c AND f.r = k.r) AS modules,
            (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM f, unnest(f.present_starts) x WHERE f.c = k.c AND f.r = k.r AND f.group_status = 'aktif') AS present
        FROM k)
    UPDATE training_regency_facts t SET cgps = v.cgps, placed = v.placed, visits_scheduled = v.scheduled, visits_sent = v.sent,
        visits_acked = v.acked, visits_late = v.late, visit_unsent = v.unsent, visit_open = v.open, module_list = v.modules, present_starts = v.present
    FROM v WHERE t.cohort_id = v.c AND t.regency_code = v.r;
END $$;

-- A CGP's kept row changed (visits, modules, attendance, a lokakarya moved).
CREATE FUNCTION training_regency_facts_from_facts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE cs bigint[]; rs text[];
BEGIN
    SELECT array_agg(p.cohort_id ORDER BY p.cohort_id, p.regency_code), array_agg(p.regency_code ORDER BY p.cohort_id, p.regency_code) INTO cs, rs
    FROM (SELECT DISTINCT p.cohort_id, p.regency_code FROM newrows n JOIN oldrows o ON o.participant_id = n.participant_id
        JOIN training_participants p ON p.id = n.participant_id WHERE n IS DISTINCT FROM o) p;
    PERFORM training_refresh_regency_facts(cs, rs);
    RETURN NULL;
END $$;
CREATE TRIGGER training_regency_facts_facts AFTER UPDATE ON training_participant_facts
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_regency_facts_from_facts();

-- CGPs added, withdrawn or removed.
CREATE FUNCTION training_regency_facts_from_participants() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE cs bigint[]; rs text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(cohort_id ORDER BY cohort_id, regency_code), array_agg(regency_code ORDER BY cohort_id, regency_code) INTO cs, rs
        FROM (SELECT DISTINCT cohort_id, regency_code FROM newrows) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(cohort_id ORDER BY cohort_id, regency_code), array_agg(regency_code ORDER BY cohort_id, regency_code) INTO cs, rs
        FROM (SELECT DISTINCT cohort_id, regency_code FROM oldrows) x;
    ELSE
        SELECT array_agg(cohort_id ORDER BY cohort_id, regency_code), array_agg(regency_code ORDER BY cohort_id, regency_code) INTO cs, rs
        FROM (SELECT n.cohort_id, n.regency_code FROM newrows n JOIN oldrows o ON o.id = n.id
                WHERE (n.cohort_id, n.regency_code, n.status) IS DISTINCT FROM (o.cohort_id, o.regency_code, o.status)
            UNION SELECT o.cohort_id, o.regency_code FROM newrows n JOIN oldrows o ON o.id = n.id
                WHERE (n.cohort_id, n.regency_code, n.status) IS DISTINCT FROM (o.cohort_id, o.regency_code, o.status)) x;
    END IF;
    PERFORM training_refresh_regency_facts(cs, rs);
    RETURN NULL;
END $$;
CREATE TRIGGER training_regency_facts_participants_insert AFTER INSERT ON training_participants
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_regency_facts_from_participants();
CREATE TRIGGER training_regency_facts_participants_update AFTER UPDATE ON training_participants
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_regency_facts_from_participants();
CREATE TRIGGER training_regency_facts_participants_delete AFTER DELETE ON training_participants
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION training_regency_facts_from_participants();

-- CGPs placed in, moved between or taken out of groups.
CREATE FUNCTION training_regency_facts_from_members() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE cs bigint[]; rs text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(cohort_id ORDER BY cohort_id, regency_code), array_agg(regency_code ORDER BY cohort_id, regency_code) INTO cs, rs
        FROM (SELECT DISTINCT p.cohort_id, p.regency_code FROM newrows n JOIN training_participants p ON p.id = n.participant_id) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(cohort_id ORDER BY cohort_id, regency_code), array_agg(regency_code ORDER BY cohort_id, regency_code) INTO cs, rs
        FROM (SELECT DISTINCT p.cohort_id, p.regency_code FROM oldrows o JOIN training_participants p ON p.id = o.participant_id) x;
    ELSE
        SELECT array_agg(cohort_id ORDER BY cohort_id, regency_code), array_agg(regency_code ORDER BY cohort_id, regency_code) INTO cs, rs
        FROM (SELECT DISTINCT p.cohort_id, p.regency_code FROM (SELECT participant_id FROM newrows UNION SELECT participant_id FROM oldrows) x
            JOIN training_participants p ON p.id = x.participant_id) x;
    END IF;
    PERFORM training_refresh_regency_facts(cs, rs);
    RETURN NULL;
END $$;
CREATE TRIGGER training_regency_facts_members_insert AFTER INSERT ON training_group_members
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_regency_facts_from_members();
CREATE TRIGGER training_regency_facts_members_update AFTER UPDATE ON training_group_members
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_regency_facts_from_members();
CREATE TRIGGER training_regency_facts_members_delete AFTER DELETE ON training_group_members
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION training_regency_facts_from_members();

-- A group confirmed (or back to a proposal): its members' attended lokakarya count or not.
CREATE FUNCTION training_regency_facts_from_groups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE cs bigint[]; rs text[];
BEGIN
    SELECT array_agg(cohort_id ORDER BY cohort_id, regency_code), array_agg(regency_code ORDER BY cohort_id, regency_code) INTO cs, rs
    FROM (SELECT DISTINCT p.cohort_id, p.regency_code FROM newrows n JOIN oldrows o ON o.id = n.id
        JOIN training_group_members m ON m.group_id = n.id JOIN training_participants p ON p.id = m.participant_id
        WHERE n.status IS DISTINCT FROM o.status) x;
    PERFORM training_refresh_regency_facts(cs, rs);
    RETURN NULL;
END $$;
CREATE TRIGGER training_regency_facts_groups AFTER UPDATE ON training_groups
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_regency_facts_from_groups();

-- What exists already.
SELECT training_refresh_regency_facts(array_agg(cohort_id), array_agg(regency_code))
FROM (SELECT DISTINCT cohort_id, regency_code FROM training_participants ORDER BY 1, 2) x;
