-- Status counts of the applicant lists, kept per (cohort, kab/kota, jenjang, status). At
-- 250,000 applications counting the rows themselves took 100-170 ms for the national admin
-- (an index-only scan of every entry) and up to 0.5-0.9 s for a large province (its OR'd scope
-- predicate can only be a bitmap heap scan). The lists read these sums instead whenever the
-- filters are the scope's columns (application.ListQueries); an NPSN or name filter still
-- counts rows (few, through the indexes). Statement triggers with transition tables keep the
-- sums: one aggregated upsert per statement, and nothing at all for an UPDATE that moves no
-- application between groups (an autosave does not touch applications).
CREATE TABLE application_counts (
    cohort_id     bigint NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    regency_code  text   NOT NULL,
    province_code text   NOT NULL,
    jenjang       text   NOT NULL,
    status        text   NOT NULL,
    n             bigint NOT NULL, -- no CHECK (n >= 0): an upsert proposes negative rows for decrements
    PRIMARY KEY (cohort_id, regency_code, jenjang, status)
);
CREATE INDEX application_counts_province_idx ON application_counts (province_code, jenjang);

CREATE FUNCTION application_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO application_counts AS c (cohort_id, regency_code, province_code, jenjang, status, n)
            SELECT cohort_id, regency_code, province_code, jenjang, status, count(*) FROM newrows
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 4, 5
        ON CONFLICT (cohort_id, regency_code, jenjang, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE application_counts c SET n = c.n - d.k
            FROM (SELECT cohort_id, regency_code, jenjang, status, count(*) AS k FROM oldrows GROUP BY 1, 2, 3, 4) d
            WHERE c.cohort_id = d.cohort_id AND c.regency_code = d.regency_code AND c.jenjang = d.jenjang AND c.status = d.status;
    ELSE
        INSERT INTO application_counts AS c (cohort_id, regency_code, province_code, jenjang, status, n)
            SELECT cohort_id, regency_code, province_code, jenjang, status, sum(k) FROM (
                SELECT cohort_id, regency_code, province_code, jenjang, status, 1 AS k FROM newrows
                UNION ALL
                SELECT cohort_id, regency_code, province_code, jenjang, status, -1 FROM oldrows) x
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(k) <> 0 ORDER BY 1, 2, 4, 5
        ON CONFLICT (cohort_id, regency_code, jenjang, status) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER application_counts_insert AFTER INSERT ON applications
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION application_counts_apply();
CREATE TRIGGER application_counts_update AFTER UPDATE ON applications
    REFERENCING OLD TABLE AS oldrows NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION application_counts_apply();
CREATE TRIGGER application_counts_delete AFTER DELETE ON applications
    REFERENCING OLD TABLE AS oldrows FOR EACH STATEMENT EXECUTE FUNCTION application_counts_apply();

INSERT INTO application_counts (cohort_id, regency_code, province_code, jenjang, status, n)
    SELECT cohort_id, regency_code, province_code, jenjang, status, count(*) FROM applications GROUP BY 1, 2, 3, 4, 5;
