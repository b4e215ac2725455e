DROP TRIGGER result_runs_run_results_truncate ON result_runs;
DROP TRIGGER result_runs_run_results_ref ON result_runs;
DROP TRIGGER applications_run_results_truncate ON applications;
DROP TRIGGER applications_run_results_ref ON applications;
DROP FUNCTION run_results_referenced();
DROP TRIGGER result_runs_results_attach ON result_runs;
DROP TRIGGER result_runs_results_table ON result_runs;
DROP FUNCTION result_runs_results_attach();
DROP FUNCTION result_runs_results_table();

CREATE TABLE run_results_after_680 AS SELECT * FROM run_results ORDER BY run_id, application_id;
DROP TABLE run_results;
DROP FUNCTION run_results_attach(bigint);
DROP FUNCTION run_results_index_attach(bigint);
DROP FUNCTION run_results_partition(bigint);
DROP FUNCTION run_results_part_insert();
ALTER TABLE run_results_after_680 RENAME TO run_results;
ALTER TABLE run_results
    ALTER run_id SET NOT NULL, ALTER application_id SET NOT NULL, ALTER regency_code SET NOT NULL, ALTER province_code SET NOT NULL,
    ALTER score SET NOT NULL, ALTER passed SET NOT NULL, ALTER outcome SET NOT NULL, ALTER rank SET NOT NULL,
    ALTER stage_scores SET NOT NULL, ALTER first_criterion SET NOT NULL, ALTER submitted_at SET NOT NULL,
    ADD CONSTRAINT run_results_outcome_check CHECK (outcome IN ('lulus', 'cadangan', 'tidak_lulus')),
    ADD CONSTRAINT run_results_rank_check CHECK (rank >= 1),
    ADD CONSTRAINT run_results_province_of_regency CHECK (province_code = substr(regency_code, 1, 2)),
    ADD CONSTRAINT run_results_pkey PRIMARY KEY (run_id, application_id),
    ADD CONSTRAINT run_results_run_id_regency_code_rank_key UNIQUE (run_id, regency_code, rank),
    ADD CONSTRAINT run_results_run_id_fkey FOREIGN KEY (run_id) REFERENCES result_runs (id),
    ADD CONSTRAINT run_results_application_id_fkey FOREIGN KEY (application_id) REFERENCES applications (id);
CREATE INDEX run_results_province_idx ON run_results (run_id, province_code, regency_code, rank);
CREATE INDEX run_results_app_idx ON run_results (application_id, run_id);

CREATE OR REPLACE FUNCTION run_results_insert_check() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER run_results_immutable BEFORE UPDATE OR DELETE ON run_results
    FOR EACH ROW EXECUTE FUNCTION result_run_immutable();
CREATE TRIGGER run_results_no_truncate BEFORE TRUNCATE ON run_results
    FOR EACH STATEMENT EXECUTE FUNCTION selection_no_truncate_after_publication();
CREATE TRIGGER run_results_quota AFTER INSERT ON run_results
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION run_results_within_quota();
CREATE TRIGGER run_results_insert_check AFTER INSERT ON run_results
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION run_results_insert_check();
