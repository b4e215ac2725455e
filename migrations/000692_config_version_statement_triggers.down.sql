DROP TRIGGER IF EXISTS cohorts_config_version ON cohorts;
DROP TRIGGER IF EXISTS cohort_regencies_config_version ON cohort_regencies;
DROP TRIGGER IF EXISTS essay_questions_config_version ON essay_questions;
DROP TRIGGER IF EXISTS required_documents_config_version ON required_documents;
DROP TRIGGER IF EXISTS regencies_config_version ON regencies;

-- Every table the cohort configuration (cohort.Store.configs) is made of.
CREATE CONSTRAINT TRIGGER cohorts_config_version AFTER INSERT OR UPDATE OR DELETE ON cohorts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cohort_config_version();
CREATE CONSTRAINT TRIGGER cohort_regencies_config_version AFTER INSERT OR UPDATE OR DELETE ON cohort_regencies
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cohort_config_version();
CREATE CONSTRAINT TRIGGER essay_questions_config_version AFTER INSERT OR UPDATE OR DELETE ON essay_questions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cohort_config_version();
CREATE CONSTRAINT TRIGGER required_documents_config_version AFTER INSERT OR UPDATE OR DELETE ON required_documents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cohort_config_version();
CREATE CONSTRAINT TRIGGER regencies_config_version AFTER INSERT OR UPDATE OR DELETE ON regencies
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_cohort_config_version();
-- TRUNCATE has no row triggers: bump at the statement.
CREATE TRIGGER cohorts_config_version_truncate AFTER TRUNCATE ON cohorts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cohort_config_version();
CREATE TRIGGER cohort_regencies_config_version_truncate AFTER TRUNCATE ON cohort_regencies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cohort_config_version();
CREATE TRIGGER essay_questions_config_version_truncate AFTER TRUNCATE ON essay_questions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cohort_config_version();
CREATE TRIGGER required_documents_config_version_truncate AFTER TRUNCATE ON required_documents
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cohort_config_version();
