DROP TRIGGER IF EXISTS cohorts_config_version ON cohorts;
DROP TRIGGER IF EXISTS cohort_regencies_config_version ON cohort_regencies;
DROP TRIGGER IF EXISTS essay_questions_config_version ON essay_questions;
DROP TRIGGER IF EXISTS required_documents_config_version ON required_documents;
DROP TRIGGER IF EXISTS regencies_config_version ON regencies;
DROP FUNCTION IF EXISTS bump_cohort_config_version();
DROP TABLE IF EXISTS config_versions;
