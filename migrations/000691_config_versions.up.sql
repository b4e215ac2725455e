-- Versions of configuration that instances keep in memory (issue 8, dashboard ratio). The
-- configuration of the cohorts open for registration is read by every teacher's dashboard;
-- each instance keeps it in memory under the version it read, and every signed-in request
-- reads the versions in its first query (the session's), so a change made through any
-- instance, or by SQL, is seen by the next request everywhere.
--
-- The version is bumped once per writing transaction, at its commit (a deferred constraint
-- trigger): the version row is the last lock such a transaction takes, so two writers of
-- cohort configuration cannot deadlock on it, and the new version becomes visible together
-- with the data it stands for.
CREATE TABLE config_versions (
    name    text PRIMARY KEY CHECK (name IN ('cohort')),
    version bigint NOT NULL DEFAULT 0
);
INSERT INTO config_versions (name, version) VALUES ('cohort', 1);

CREATE FUNCTION bump_cohort_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('penggerak.cohort_version_bumped', true) IS DISTINCT FROM 'on' THEN
        UPDATE config_versions SET version = version + 1 WHERE name = 'cohort';
        PERFORM set_config('penggerak.cohort_version_bumped', 'on', true);
    END IF;
    RETURN NULL;
END
$$;

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
