-- Storing a result run of 250,000 rows (issue 8): the COPY into run_results took 40 s on the
-- shared 2-core machine, against 4.5 s for the same rows without row triggers and foreign keys.
-- Per row it ran the immutability trigger (a query on result_runs: 17 s) and four foreign-key
-- checks (regencies and provinces: 10 s). The same guarantees, checked once per statement:
--  * results are written only into an unpublished run: checked over the statement's new rows
--    (updates and deletes of results are still refused row by row, as before);
--  * the kab/kota of a result exists and the province is the kab/kota's: a CHECK on the
--    province (its code is the kab/kota's first two digits, as on applications) and a check of
--    the statement's distinct kab/kota against regencies, instead of two foreign keys (the
--    region tables are reference data that is only ever added to).
-- The foreign keys to the run and to the application stay.
DROP TRIGGER run_results_immutable ON run_results;
CREATE TRIGGER run_results_immutable BEFORE UPDATE OR DELETE ON run_results
    FOR EACH ROW EXECUTE FUNCTION result_run_immutable();

ALTER TABLE run_results DROP CONSTRAINT run_results_regency_code_fkey;
ALTER TABLE run_results DROP CONSTRAINT run_results_province_code_fkey;
ALTER TABLE run_results ADD CONSTRAINT run_results_province_of_regency CHECK (province_code = substr(regency_code, 1, 2)) NOT VALID;
ALTER TABLE run_results VALIDATE CONSTRAINT run_results_province_of_regency;

CREATE FUNCTION run_results_insert_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid bigint;
    code text;
BEGIN
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
    RETURN NULL;
END $$;
CREATE TRIGGER run_results_insert_check AFTER INSERT ON run_results
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION run_results_insert_check();
