-- The cohort configuration version (000691) bumped by statement triggers instead of deferred
-- constraint triggers (issue 8): pending deferred trigger events make ALTER TABLE refuse later
-- in the same transaction ("cannot ALTER TABLE cohorts because it has pending trigger
-- events"), which the national seed does after its COPY, and any migration writing cohorts
-- before altering a table would. The version is now bumped by the first statement of a
-- transaction that writes cohort configuration (the transaction-local flag skips the rest),
-- and still becomes visible at the commit, with the data it stands for. Two transactions
-- writing cohort configuration at once take turns from that statement to the commit (admin
-- edits and seeds: rare).
DROP TRIGGER IF EXISTS cohorts_config_version ON cohorts;
DROP TRIGGER IF EXISTS cohort_regencies_config_version ON cohort_regencies;
DROP TRIGGER IF EXISTS essay_questions_config_version ON essay_questions;
DROP TRIGGER IF EXISTS required_documents_config_version ON required_documents;
DROP TRIGGER IF EXISTS regencies_config_version ON regencies;
DROP TRIGGER IF EXISTS cohorts_config_version_truncate ON cohorts;
DROP TRIGGER IF EXISTS cohort_regencies_config_version_truncate ON cohort_regencies;
DROP TRIGGER IF EXISTS essay_questions_config_version_truncate ON essay_questions;
DROP TRIGGER IF EXISTS required_documents_config_version_truncate ON required_documents;

-- Every table the cohort configuration (cohort.Store.configs) is made of.
CREATE TRIGGER cohorts_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cohorts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cohort_config_version();
CREATE TRIGGER cohort_regencies_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cohort_regencies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cohort_config_version();
CREATE TRIGGER essay_questions_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON essay_questions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cohort_config_version();
CREATE TRIGGER required_documents_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON required_documents
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cohort_config_version();
CREATE TRIGGER regencies_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regencies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cohort_config_version();
