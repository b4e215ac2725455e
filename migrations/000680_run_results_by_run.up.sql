-- Storing a result run of 250,000 rows (issue 8, benchmark 3). After 000651 the COPY into
-- run_results still cost, per row: two foreign-key checks (each an SPI query locking the
-- referenced row FOR KEY SHARE: the application lock rewrites each of the 250,000 application
-- rows and logs it; the run lock repeats 250,000 times on one row) and four index insertions
-- into indexes shared by every run. Measured on the benchmark's kept database (psql, the same
-- 250,000 rows, shared machine): 10.7–37 s as it was; 8.7–12.3 s without the foreign keys and
-- statement triggers; 12.2 s into a fresh table whose four indexes exist before the insert;
-- 1.3–1.4 s into a fresh table without indexes plus 2.2–2.4 s to build the four afterwards.
--
-- So run_results is partitioned by run (LIST on run_id), and a run's rows are loaded into a
-- table of their own before its indexes exist:
--  * inserting a result_runs row creates run_results_<id>, unattached and unindexed (a table
--    created in the run's own transaction: no other session sees it before commit);
--  * CreateRun COPYs the run's rows into it and calls run_results_attach(id), which checks the
--    rows as a whole, builds the four indexes once and attaches the table (ATTACH takes SHARE
--    UPDATE EXCLUSIVE on run_results: readers and writers of other runs are not blocked);
--  * any other writer (seeds, tests) inserts through run_results after the run's transaction
--    committed: a deferred trigger attaches every run's table, empty or not, at commit.
-- In a run's own table run_id is the same on every row, so the primary key (run_id,
-- application_id) and the index (application_id, run_id) were one index twice: the primary key
-- is now (application_id, run_id) and serves both (three indexes are built per run, not four).
--
-- The guarantees of the foreign keys and of 000651, now per statement or per load:
--  * every result names a run that exists and is unpublished, a kab/kota that exists (and the
--    province is its own: the CHECK of 000651), and an application of the run's cohort (the
--    foreign key only asked for an application): checked over the statement's new rows by
--    run_results_insert_check for inserts through run_results, and over the loaded table by
--    run_results_attach (which also asks that the kab/kota be the application's); a loaded run
--    never has more lulus in a kab/kota than its quota (run_results_quota, or the same query in
--    run_results_attach);
--  * an attached run's table refuses inserts of its own (they go through run_results and its
--    checks), and refuses TRUNCATE once any run is published (as run_results does); results
--    never change (the row trigger of run_results is cloned onto every partition);
--  * a run or an application that has results cannot be deleted (their ids are GENERATED
--    ALWAYS and cannot be updated), and
--    applications or result_runs cannot be truncated while results exist (what the foreign
--    keys' NO ACTION refused). The checks and these guards take the cohort's run lock (the
--    advisory lock CreateRun and Publish already hold, 7200201/cohort) before they look, so a
--    delete either commits first (the results' check then finds the application missing) or
--    waits for the results to commit (and then sees them): the row lock of the foreign key
--    gave the same order.

ALTER TABLE run_results RENAME TO run_results_before_680;
ALTER INDEX run_results_pkey RENAME TO run_results_before_680_pkey;
ALTER INDEX run_results_run_id_regency_code_rank_key RENAME TO run_results_before_680_rank_key;
ALTER INDEX run_results_province_idx RENAME TO run_results_before_680_province_idx;
ALTER INDEX run_results_app_idx RENAME TO run_results_before_680_app_idx;

CREATE TABLE run_results (
    run_id          bigint NOT NULL,
    application_id  bigint NOT NULL,
    regency_code    text   NOT NULL,
    province_code   text   NOT NULL,
    score           numeric(5,2) NOT NULL,
    passed          boolean NOT NULL,
    outcome         text   NOT NULL CONSTRAINT run_results_outcome_check CHECK (outcome IN ('lulus', 'cadangan', 'tidak_lulus')),
    rank            int    NOT NULL CONSTRAINT run_results_rank_check CHECK (rank >= 1),
    stage_scores    numeric(5,2)[] NOT NULL,
    first_criterion numeric(6,2) NOT NULL,
    submitted_at    timestamptz NOT NULL,
    CONSTRAINT run_results_pkey PRIMARY KEY (application_id, run_id),
    CONSTRAINT run_results_run_id_regency_code_rank_key UNIQUE (run_id, regency_code, rank),
    CONSTRAINT run_results_province_of_regency CHECK (province_code = substr(regency_code, 1, 2))
) PARTITION BY LIST (run_id);
CREATE INDEX run_results_province_idx ON run_results (run_id, province_code, regency_code, rank);

-- A run's own table: refuses inserts once attached (they go through run_results), and into a
-- published run; refuses TRUNCATE like run_results.
CREATE FUNCTION run_results_part_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT relispartition FROM pg_class WHERE oid = TG_RELID) THEN
        RAISE EXCEPTION 'results of run % are written through run_results', TG_ARGV[0] USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM result_runs WHERE id = TG_ARGV[0]::bigint AND published_at IS NOT NULL) THEN
        RAISE EXCEPTION 'result run % is published and immutable', TG_ARGV[0] USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION run_results_partition(rid bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    part text := 'run_results_' || rid;
BEGIN
    IF to_regclass(quote_ident(part)) IS NOT NULL THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE run_results INCLUDING DEFAULTS INCLUDING CONSTRAINTS, CONSTRAINT %I CHECK (run_id = %s))',
        part, part || '_run', rid);
    EXECUTE format('CREATE TRIGGER run_results_part_insert BEFORE INSERT ON %I FOR EACH STATEMENT EXECUTE FUNCTION run_results_part_insert(%s)',
        part, rid);
    EXECUTE format('CREATE TRIGGER run_results_part_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION selection_no_truncate_after_publication()',
        part);
END $$;

-- Builds a run's indexes on its loaded table and attaches it (no checks: see run_results_attach).
CREATE FUNCTION run_results_index_attach(rid bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    part text := 'run_results_' || rid;
BEGIN
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (application_id, run_id), ADD CONSTRAINT %I UNIQUE (run_id, regency_code, rank)',
        part, part || '_pkey', part || '_rank_key');
    EXECUTE format('CREATE INDEX %I ON %I (run_id, province_code, regency_code, rank)', part || '_province_idx', part);
    EXECUTE format('ALTER TABLE run_results ATTACH PARTITION %I FOR VALUES IN (%s)', part, rid);
END $$;

-- Checks a run's loaded table as a whole, then indexes and attaches it. Does nothing when the
-- table is attached already or the run has none; drops it when the run is gone (deleted in the
-- transaction that made it). Its
-- rows are all of the run (the table's CHECK); each must be an application of the run's cohort
-- in the application's own kab/kota (so the kab/kota exists: applications reference
-- regencies); the lulus of a kab/kota stay within the run's quota. The application check is a
-- hash anti-join (0.4 s at 250,000 rows where the planner's nested loop took 1.1 s).
CREATE FUNCTION run_results_attach(rid bigint) RETURNS void LANGUAGE plpgsql SET enable_nestloop = off AS $$
DECLARE
    part regclass := to_regclass(quote_ident('run_results_' || rid));
    cohort bigint;
    published timestamptz;
    quotas jsonb;
    bad text;
BEGIN
    IF part IS NULL OR (SELECT relispartition FROM pg_class WHERE oid = part) THEN
        RETURN;
    END IF;
    SELECT cohort_id, published_at, inputs -> 'quotas' INTO cohort, published, quotas FROM result_runs WHERE id = rid;
    IF NOT FOUND THEN
        -- The run was deleted in the transaction that made it: so is its table.
        EXECUTE format('DROP TABLE %s', part);
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(7200201, cohort::int);
    EXECUTE format('SELECT ''x'' FROM %s LIMIT 1', part) INTO bad;
    IF bad IS NOT NULL AND published IS NOT NULL THEN
        RAISE EXCEPTION 'result run % is published and immutable', rid USING ERRCODE = 'check_violation';
    END IF;
    IF bad IS NOT NULL THEN
        EXECUTE format('SELECT n.application_id::text FROM %s n WHERE NOT EXISTS (SELECT 1 FROM applications a
            WHERE a.id = n.application_id AND a.cohort_id = $1 AND a.regency_code = n.regency_code) LIMIT 1', part)
            INTO bad USING cohort;
        IF bad IS NOT NULL THEN
            RAISE EXCEPTION 'application % is not an application of the run''s cohort in its kab/kota', bad
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        EXECUTE format('SELECT regency_code FROM %s WHERE outcome = ''lulus'' GROUP BY regency_code
            HAVING count(*) > coalesce(($1 ->> regency_code)::int, 0) LIMIT 1', part) INTO bad USING quotas;
        IF bad IS NOT NULL THEN
            RAISE EXCEPTION 'more lulus than the quota' USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    PERFORM run_results_index_attach(rid);
END $$;

-- Every run gets its table when it is created, attached at the latest when its transaction
-- commits.
CREATE FUNCTION result_runs_results_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM run_results_partition(NEW.id);
    RETURN NULL;
END $$;
CREATE FUNCTION result_runs_results_attach() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM run_results_attach(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER result_runs_results_table AFTER INSERT ON result_runs
    FOR EACH ROW EXECUTE FUNCTION result_runs_results_table();
CREATE CONSTRAINT TRIGGER result_runs_results_attach AFTER INSERT ON result_runs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION result_runs_results_attach();

-- The results of before, one table per run.
DO $$
DECLARE
    rid bigint;
BEGIN
    FOR rid IN SELECT id FROM result_runs ORDER BY id LOOP
        PERFORM run_results_partition(rid);
        EXECUTE format('ALTER TABLE %I DISABLE TRIGGER run_results_part_insert', 'run_results_' || rid);
        EXECUTE format('INSERT INTO %I SELECT * FROM run_results_before_680 WHERE run_id = %s ORDER BY application_id', 'run_results_' || rid, rid);
        EXECUTE format('ALTER TABLE %I ENABLE TRIGGER run_results_part_insert', 'run_results_' || rid);
        PERFORM run_results_index_attach(rid);
    END LOOP;
END $$;
DROP TABLE run_results_before_680;

-- The guards of run_results, on the partitioned table. Its row trigger fires on the run's
-- table (a partition), whose name is run_results_<id>.
CREATE OR REPLACE FUNCTION result_run_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid bigint;
BEGIN
    IF TG_TABLE_NAME = 'result_runs' THEN
        IF OLD.published_at IS NOT NULL THEN
            RAISE EXCEPTION 'result run % is published and immutable', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.inputs IS DISTINCT FROM OLD.inputs OR NEW.input_hash IS DISTINCT FROM OLD.input_hash
            OR NEW.output_hash IS DISTINCT FROM OLD.output_hash OR NEW.cohort_id IS DISTINCT FROM OLD.cohort_id
            OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by) THEN
            RAISE EXCEPTION 'a result run''s inputs and outputs never change' USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    rid := CASE WHEN TG_OP = 'DELETE' THEN OLD.run_id ELSE NEW.run_id END;
    IF TG_TABLE_NAME ~ '^run_results(_[0-9]+)?$' AND TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'run results never change' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM result_runs WHERE id = rid AND published_at IS NOT NULL) THEN
        RAISE EXCEPTION 'result run % is published and immutable', rid USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.run_id <> NEW.run_id THEN
        RAISE EXCEPTION 'run id never changes' USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER run_results_immutable BEFORE UPDATE OR DELETE ON run_results
    FOR EACH ROW EXECUTE FUNCTION result_run_immutable();
CREATE TRIGGER run_results_no_truncate BEFORE TRUNCATE ON run_results
    FOR EACH STATEMENT EXECUTE FUNCTION selection_no_truncate_after_publication();
CREATE TRIGGER run_results_quota AFTER INSERT ON run_results
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION run_results_within_quota();

-- Inserts through run_results: the checks of 000651 and those of the dropped foreign keys.
CREATE OR REPLACE FUNCTION run_results_insert_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid bigint;
    code text;
    app bigint;
BEGIN
    FOR rid IN SELECT DISTINCT run_id FROM newrows ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(7200201, r.cohort_id::int) FROM result_runs r WHERE r.id = rid;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'result run % does not exist', rid USING ERRCODE = 'foreign_key_violation';
        END IF;
    END LOOP;
    SELECT n.run_id INTO rid FROM (SELECT DISTINCT run_id FROM newrows) n JOIN result_runs r ON r.id = n.run_id
        WHERE r.published_at IS NOT NULL LIMIT 1;
    IF rid IS NOT NULL THEN
        RAISE EXCEPTION 'result run % is published and immutable', rid USING ERRCODE = 'check_violation';
    END IF;
    SELECT n.regency_code INTO code FROM (SELECT DISTINCT regency_code FROM newrows) n
        WHERE NOT EXISTS (SELECT 1 FROM regencies g WHERE g.code = n.regency_code) LIMIT 1;
    IF code IS NOT NULL THEN
        RAISE EXCEPTION 'kab/kota % does not exist', code USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT n.application_id INTO app FROM newrows n JOIN result_runs r ON r.id = n.run_id
        WHERE NOT EXISTS (SELECT 1 FROM applications a WHERE a.id = n.application_id AND a.cohort_id = r.cohort_id) LIMIT 1;
    IF app IS NOT NULL THEN
        RAISE EXCEPTION 'application % is not an application of the run''s cohort', app USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER run_results_insert_check AFTER INSERT ON run_results
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION run_results_insert_check();

-- What NO ACTION refused on the referenced side.
CREATE FUNCTION run_results_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM result_runs WHERE published_at IS NOT NULL) THEN
            RAISE EXCEPTION 'published results cannot be truncated (%)', TG_TABLE_NAME;
        END IF;
        IF EXISTS (SELECT 1 FROM run_results) THEN
            RAISE EXCEPTION '% is referenced by run_results', TG_TABLE_NAME USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(7200201, OLD.cohort_id::int);
    IF TG_TABLE_NAME = 'applications' AND EXISTS (SELECT 1 FROM run_results WHERE application_id = OLD.id) THEN
        RAISE EXCEPTION 'application % has results in a run', OLD.id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF TG_TABLE_NAME = 'result_runs' AND EXISTS (SELECT 1 FROM run_results WHERE run_id = OLD.id) THEN
        RAISE EXCEPTION 'result run % has results', OLD.id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER applications_run_results_ref BEFORE DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION run_results_referenced();
CREATE TRIGGER applications_run_results_truncate BEFORE TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION run_results_referenced();
CREATE TRIGGER result_runs_run_results_ref BEFORE DELETE ON result_runs
    FOR EACH ROW EXECUTE FUNCTION run_results_referenced();
CREATE TRIGGER result_runs_run_results_truncate BEFORE TRUNCATE ON result_runs
    FOR EACH STATEMENT EXECUTE FUNCTION run_results_referenced();
