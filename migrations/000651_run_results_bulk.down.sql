DROP TRIGGER run_results_insert_check ON run_results;
DROP FUNCTION run_results_insert_check();
ALTER TABLE run_results DROP CONSTRAINT run_results_province_of_regency;
ALTER TABLE run_results ADD CONSTRAINT run_results_regency_code_fkey FOREIGN KEY (regency_code) REFERENCES regencies (code);
ALTER TABLE run_results ADD CONSTRAINT run_results_province_code_fkey FOREIGN KEY (province_code) REFERENCES provinces (code);
DROP TRIGGER run_results_immutable ON run_results;
CREATE TRIGGER run_results_immutable BEFORE INSERT OR UPDATE OR DELETE ON run_results
    FOR EACH ROW EXECUTE FUNCTION result_run_immutable();
