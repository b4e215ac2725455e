-- The BGP's province page kept as counts (issue 10: the page at 3,000 CGPs in < 50 ms). Each
-- view counted its rows again: 18,000 visits, 12,000 module rows, and the active members of
-- every group once per lokakarya (12,000 participant lookups for the 68 lokakarya of Sumatera
-- Selatan). These tables keep, per CGP, per group and per lokakarya, what those views counted;
-- the figures that depend on the clock (visits overdue, missing or due by now) are kept as
-- sorted arrays of the dates involved, so a view counts them with width_bucket (a binary
-- search) instead of reading the visits. They are separate tables so that their row locks
-- never meet the locks the stores take on groups, lokakarya and participants.
--
-- Statement triggers keep them. Each locks the kept rows it refreshes (in key order) and then
-- recounts them from the source rows in a later statement, whose snapshot (READ COMMITTED, a
-- new one per statement of the function) includes every writer that held the lock before: two
-- transactions writing rows of the same CGP, group or lokakarya at once both end with the
-- right count, whichever commits first.

-- Per CGP: visits (planned, sent, acknowledged, sent late), the planned dates of all visits and
-- of the ones not sent, the send times of the sent ones not acknowledged, the completed modules,
-- and the start of each lokakarya they attended (hadir) — the lokakarya held by now are those
-- starting before it, so "attended" is one width_bucket too.
CREATE TABLE training_participant_facts (
    participant_id   bigint PRIMARY KEY REFERENCES training_participants (id) ON DELETE CASCADE,
    visits_scheduled int    NOT NULL DEFAULT 0,
    visits_sent      int    NOT NULL DEFAULT 0,
    visits_acked     int    NOT NULL DEFAULT 0,
    visits_late      int    NOT NULL DEFAULT 0,
    visit_planned    date[] NOT NULL DEFAULT '{}',
    visit_unsent     date[] NOT NULL DEFAULT '{}',
    visit_open       timestamptz[] NOT NULL DEFAULT '{}',
    module_list      int[]  NOT NULL DEFAULT '{}',
    present_starts   timestamptz[] NOT NULL DEFAULT '{}'
);

-- Per group: its members still in training.
CREATE TABLE training_group_counts (
    group_id       bigint PRIMARY KEY REFERENCES training_groups (id) ON DELETE CASCADE,
    active_members int NOT NULL DEFAULT 0
);

-- Per lokakarya: attendance recorded, and present (hadir).
CREATE TABLE training_lokakarya_counts (
    lokakarya_id bigint PRIMARY KEY REFERENCES training_lokakarya (id) ON DELETE CASCADE,
    recorded     int NOT NULL DEFAULT 0,
    present      int NOT NULL DEFAULT 0
);

CREATE FUNCTION training_refresh_visit_facts(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN RETURN; END IF;
    PERFORM 1 FROM training_participant_facts WHERE participant_id = ANY (ids) ORDER BY participant_id FOR UPDATE;
    UPDATE training_participant_facts f SET visits_scheduled = v.scheduled, visits_sent = v.sent, visits_acked = v.acked, visits_late = v.late,
        visit_planned = coalesce(v.planned, '{}'), visit_unsent = coalesce(v.unsent, '{}'), visit_open = coalesce(v.open, '{}')
    FROM (SELECT x.id, count(t.planned_on) AS scheduled, count(t.submitted_at) AS sent, count(t.acknowledged_at) AS acked,
            count(*) FILTER (WHERE t.submitted_at IS NOT NULL AND t.visited_on > t.planned_on) AS late,
            array_agg(t.planned_on ORDER BY t.planned_on) FILTER (WHERE t.planned_on IS NOT NULL) AS planned,
            array_agg(t.planned_on ORDER BY t.planned_on) FILTER (WHERE t.planned_on IS NOT NULL AND t.submitted_at IS NULL) AS unsent,
            array_agg(t.submitted_at ORDER BY t.submitted_at) FILTER (WHERE t.submitted_at IS NOT NULL AND t.acknowledged_at IS NULL) AS open
        FROM unnest(ids) AS x(id) LEFT JOIN training_visits t ON t.participant_id = x.id GROUP BY x.id) v
    WHERE f.participant_id = v.id;
END $$;

CREATE FUNCTION training_refresh_module_facts(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN RETURN; END IF;
    PERFORM 1 FROM training_participant_facts WHERE participant_id = ANY (ids) ORDER BY participant_id FOR UPDATE;
    UPDATE training_participant_facts f SET module_list = coalesce(v.modules, '{}')
    FROM (SELECT x.id, array_agg(t.module ORDER BY t.module) FILTER (WHERE t.module IS NOT NULL) AS modules
        FROM unnest(ids) AS x(id) LEFT JOIN training_module_progress t ON t.participant_id = x.id GROUP BY x.id) v
    WHERE f.participant_id = v.id;
END $$;

CREATE FUNCTION training_refresh_attendance_facts(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN RETURN; END IF;
    PERFORM 1 FROM training_participant_facts WHERE participant_id = ANY (ids) ORDER BY participant_id FOR UPDATE;
    UPDATE training_participant_facts f SET present_starts = coalesce(v.starts, '{}')
    FROM (SELECT x.id, array_agg(l.starts_at ORDER BY l.starts_at) FILTER (WHERE l.id IS NOT NULL) AS starts
        FROM unnest(ids) AS x(id) LEFT JOIN training_attendance a ON a.participant_id = x.id AND a.status = 'hadir'
        LEFT JOIN training_lokakarya l ON l.id = a.lokakarya_id GROUP BY x.id) v
    WHERE f.participant_id = v.id;
END $$;

CREATE FUNCTION training_refresh_group_counts(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN RETURN; END IF;
    PERFORM 1 FROM training_group_counts WHERE group_id = ANY (ids) ORDER BY group_id FOR UPDATE;
    UPDATE training_group_counts c SET active_members = (SELECT count(*) FROM training_group_members m
        JOIN training_participants p ON p.id = m.participant_id AND p.status = 'aktif' WHERE m.group_id = c.group_id)
    WHERE c.group_id = ANY (ids);
END $$;

CREATE FUNCTION training_refresh_lokakarya_counts(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL THEN RETURN; END IF;
    PERFORM 1 FROM training_lokakarya_counts WHERE lokakarya_id = ANY (ids) ORDER BY lokakarya_id FOR UPDATE;
    UPDATE training_lokakarya_counts c SET recorded = v.recorded, present = v.present
    FROM (SELECT x.id, count(a.participant_id) AS recorded, count(*) FILTER (WHERE a.status = 'hadir') AS present
        FROM unnest(ids) AS x(id) LEFT JOIN training_attendance a ON a.lokakarya_id = x.id GROUP BY x.id) v
    WHERE c.lokakarya_id = v.id;
END $$;

-- New participants, groups and lokakarya get their kept row.
CREATE FUNCTION training_kept_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'training_participants' THEN
        INSERT INTO training_participant_facts (participant_id) SELECT id FROM newrows ORDER BY id ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'training_groups' THEN
        INSERT INTO training_group_counts (group_id) SELECT id FROM newrows ORDER BY id ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO training_lokakarya_counts (lokakarya_id) SELECT id FROM newrows ORDER BY id ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER training_participant_facts_row AFTER INSERT ON training_participants
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_kept_rows();
CREATE TRIGGER training_group_counts_row AFTER INSERT ON training_groups
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_kept_rows();
CREATE TRIGGER training_lokakarya_counts_row AFTER INSERT ON training_lokakarya
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_kept_rows();

-- Visits: only a change of what is counted refreshes (an autosaved draft does not).
CREATE FUNCTION training_visit_facts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT participant_id) INTO ids FROM newrows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT participant_id) INTO ids FROM oldrows;
    ELSE
        SELECT array_agg(DISTINCT x.participant_id) INTO ids FROM (
            SELECT n.participant_id FROM newrows n JOIN oldrows o ON o.id = n.id
            WHERE (n.participant_id, n.planned_on, n.visited_on, n.submitted_at, n.acknowledged_at)
                IS DISTINCT FROM (o.participant_id, o.planned_on, o.visited_on, o.submitted_at, o.acknowledged_at)
            UNION SELECT o.participant_id FROM newrows n JOIN oldrows o ON o.id = n.id WHERE n.participant_id <> o.participant_id) x;
    END IF;
    PERFORM training_refresh_visit_facts(ids);
    RETURN NULL;
END $$;
CREATE TRIGGER training_visit_facts_insert AFTER INSERT ON training_visits
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_visit_facts_apply();
CREATE TRIGGER training_visit_facts_update AFTER UPDATE ON training_visits
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_visit_facts_apply();
CREATE TRIGGER training_visit_facts_delete AFTER DELETE ON training_visits
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION training_visit_facts_apply();

CREATE FUNCTION training_module_facts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT participant_id) INTO ids FROM newrows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT participant_id) INTO ids FROM oldrows;
    ELSE
        SELECT array_agg(DISTINCT participant_id) INTO ids FROM (SELECT participant_id FROM newrows UNION SELECT participant_id FROM oldrows) x;
    END IF;
    PERFORM training_refresh_module_facts(ids);
    RETURN NULL;
END $$;
CREATE TRIGGER training_module_facts_insert AFTER INSERT ON training_module_progress
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_module_facts_apply();
CREATE TRIGGER training_module_facts_update AFTER UPDATE ON training_module_progress
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_module_facts_apply();
CREATE TRIGGER training_module_facts_delete AFTER DELETE ON training_module_progress
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION training_module_facts_apply();

-- Group members, and a participant who leaves (or rejoins) training while in a group.
CREATE FUNCTION training_group_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
BEGIN
    IF TG_TABLE_NAME = 'training_participants' THEN
        SELECT array_agg(DISTINCT m.group_id) INTO ids FROM newrows n JOIN oldrows o ON o.id = n.id
            JOIN training_group_members m ON m.participant_id = n.id WHERE n.status IS DISTINCT FROM o.status;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT group_id) INTO ids FROM newrows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT group_id) INTO ids FROM oldrows;
    ELSE
        SELECT array_agg(DISTINCT group_id) INTO ids FROM (SELECT group_id FROM newrows UNION SELECT group_id FROM oldrows) x;
    END IF;
    PERFORM training_refresh_group_counts(ids);
    RETURN NULL;
END $$;
CREATE TRIGGER training_group_counts_insert AFTER INSERT ON training_group_members
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_group_counts_apply();
CREATE TRIGGER training_group_counts_update AFTER UPDATE ON training_group_members
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_group_counts_apply();
CREATE TRIGGER training_group_counts_delete AFTER DELETE ON training_group_members
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION training_group_counts_apply();
CREATE TRIGGER training_group_counts_status AFTER UPDATE ON training_participants
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_group_counts_apply();

-- Attendance: the lokakarya's counts and its CGPs' attended lokakarya.
CREATE FUNCTION training_lokakarya_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
DECLARE people bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT lokakarya_id), array_agg(DISTINCT participant_id) INTO ids, people FROM newrows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT lokakarya_id), array_agg(DISTINCT participant_id) INTO ids, people FROM oldrows;
    ELSE
        SELECT array_agg(DISTINCT lokakarya_id), array_agg(DISTINCT participant_id) INTO ids, people
        FROM (SELECT lokakarya_id, participant_id FROM newrows UNION SELECT lokakarya_id, participant_id FROM oldrows) x;
    END IF;
    PERFORM training_refresh_lokakarya_counts(ids);
    PERFORM training_refresh_attendance_facts(people);
    RETURN NULL;
END $$;
CREATE TRIGGER training_lokakarya_counts_insert AFTER INSERT ON training_attendance
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_lokakarya_counts_apply();
CREATE TRIGGER training_lokakarya_counts_update AFTER UPDATE ON training_attendance
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_lokakarya_counts_apply();
CREATE TRIGGER training_lokakarya_counts_delete AFTER DELETE ON training_attendance
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION training_lokakarya_counts_apply();

-- A lokakarya moved to another date: the CGPs who attended it.
CREATE FUNCTION training_lokakarya_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE people bigint[];
BEGIN
    SELECT array_agg(DISTINCT a.participant_id) INTO people FROM newrows n JOIN oldrows o ON o.id = n.id
        JOIN training_attendance a ON a.lokakarya_id = n.id WHERE n.starts_at IS DISTINCT FROM o.starts_at;
    PERFORM training_refresh_attendance_facts(people);
    RETURN NULL;
END $$;
CREATE TRIGGER training_lokakarya_moved AFTER UPDATE ON training_lokakarya
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION training_lokakarya_moved();

-- What exists already.
INSERT INTO training_participant_facts (participant_id) SELECT id FROM training_participants;
INSERT INTO training_group_counts (group_id) SELECT id FROM training_groups;
INSERT INTO training_lokakarya_counts (lokakarya_id) SELECT id FROM training_lokakarya;
SELECT training_refresh_visit_facts(array_agg(id)), training_refresh_module_facts(array_agg(id)), training_refresh_attendance_facts(array_agg(id))
FROM training_participants;
SELECT training_refresh_group_counts(array_agg(id)) FROM training_groups;
SELECT training_refresh_lokakarya_counts(array_agg(id)) FROM training_lokakarya;
