-- The figures of the staff dashboards (overview.RegionCounts) kept as sums (issue 8/13): the
-- national admin's counted every school, teacher profile and account (83-205 ms at 250,000
-- teachers on the shared machine), a province's counted each school's teachers. Statement
-- triggers keep, per kab/kota, its schools and the teachers whose school is there, and the
-- accounts in 16 slots (by id), so a surge of sign-ups does not queue on one counter row.
CREATE TABLE region_counts (
    regency_code  text PRIMARY KEY REFERENCES regencies (code),
    province_code text   NOT NULL,
    schools       bigint NOT NULL,
    teachers      bigint NOT NULL
);
CREATE INDEX region_counts_province_idx ON region_counts (province_code);

CREATE TABLE user_counts (
    slot int PRIMARY KEY,
    n    bigint NOT NULL
);

CREATE FUNCTION region_counts_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
    INSERT INTO region_counts AS c (regency_code, province_code, schools, teachers)
        SELECT d.regency_code, r.province_code, sum(d.schools), sum(d.teachers)
        FROM jsonb_to_recordset(deltas) AS d(regency_code text, schools bigint, teachers bigint)
        JOIN regencies r ON r.code = d.regency_code
        GROUP BY 1, 2 HAVING sum(d.schools) <> 0 OR sum(d.teachers) <> 0 ORDER BY 1
    ON CONFLICT (regency_code) DO UPDATE SET schools = c.schools + EXCLUDED.schools, teachers = c.teachers + EXCLUDED.teachers
$$;

CREATE FUNCTION school_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM region_counts_add((SELECT jsonb_agg(x) FROM (SELECT regency_code, count(*) AS schools, 0 AS teachers FROM newrows GROUP BY 1) x));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM region_counts_add((SELECT jsonb_agg(x) FROM (SELECT regency_code, -count(*) AS schools, 0 AS teachers FROM oldrows GROUP BY 1) x));
    ELSIF EXISTS (SELECT 1 FROM oldrows o JOIN newrows n ON n.npsn = o.npsn WHERE n.regency_code <> o.regency_code) THEN
        -- A school moved to another kab/kota takes its teachers with it.
        PERFORM region_counts_add((SELECT jsonb_agg(x) FROM (
            SELECT n.regency_code, 1 AS schools, (SELECT count(*) FROM teacher_profiles tp WHERE tp.npsn = n.npsn) AS teachers
                FROM oldrows o JOIN newrows n ON n.npsn = o.npsn WHERE n.regency_code <> o.regency_code
            UNION ALL
            SELECT o.regency_code, -1, -(SELECT count(*) FROM teacher_profiles tp WHERE tp.npsn = o.npsn)
                FROM oldrows o JOIN newrows n ON n.npsn = o.npsn WHERE n.regency_code <> o.regency_code) x));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER school_counts_insert AFTER INSERT ON schools
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION school_counts_apply();
CREATE TRIGGER school_counts_update AFTER UPDATE ON schools
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION school_counts_apply();
CREATE TRIGGER school_counts_delete AFTER DELETE ON schools
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION school_counts_apply();

CREATE FUNCTION teacher_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM region_counts_add((SELECT jsonb_agg(x) FROM (SELECT s.regency_code, 0 AS schools, count(*) AS teachers
            FROM newrows t JOIN schools s ON s.npsn = t.npsn GROUP BY 1) x));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM region_counts_add((SELECT jsonb_agg(x) FROM (SELECT s.regency_code, 0 AS schools, -count(*) AS teachers
            FROM oldrows t JOIN schools s ON s.npsn = t.npsn GROUP BY 1) x));
    ELSIF EXISTS (SELECT 1 FROM oldrows o JOIN newrows n ON n.user_id = o.user_id WHERE n.npsn <> o.npsn) THEN
        PERFORM region_counts_add((SELECT jsonb_agg(x) FROM (
            SELECT s.regency_code, 0 AS schools, count(*) AS teachers FROM newrows t JOIN schools s ON s.npsn = t.npsn GROUP BY 1
            UNION ALL
            SELECT s.regency_code, 0, -count(*) FROM oldrows t JOIN schools s ON s.npsn = t.npsn GROUP BY 1) x));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER teacher_counts_insert AFTER INSERT ON teacher_profiles
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION teacher_counts_apply();
CREATE TRIGGER teacher_counts_update AFTER UPDATE ON teacher_profiles
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION teacher_counts_apply();
CREATE TRIGGER teacher_counts_delete AFTER DELETE ON teacher_profiles
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION teacher_counts_apply();

CREATE FUNCTION user_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO user_counts AS c (slot, n) SELECT (id % 16)::int, count(*) FROM newrows GROUP BY 1 ORDER BY 1
        ON CONFLICT (slot) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO user_counts AS c (slot, n) SELECT (id % 16)::int, -count(*) FROM oldrows GROUP BY 1 ORDER BY 1
        ON CONFLICT (slot) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER user_counts_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();
CREATE TRIGGER user_counts_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION user_counts_apply();

INSERT INTO region_counts (regency_code, province_code, schools, teachers)
    SELECT r.code, r.province_code, (SELECT count(*) FROM schools s WHERE s.regency_code = r.code),
        (SELECT count(*) FROM teacher_profiles tp JOIN schools s ON s.npsn = tp.npsn WHERE s.regency_code = r.code)
    FROM regencies r;
INSERT INTO user_counts (slot, n) SELECT (id % 16)::int, count(*) FROM users GROUP BY 1;
