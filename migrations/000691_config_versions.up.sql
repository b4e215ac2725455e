-- Versions of configuration that instances keep in memory (issue 8, dashboard ratio). The
-- configuration of the cohorts open for registration is read by every teacher's dashboard;
-- each instance keeps it in memory under the version it read, and every signed-in request
-- reads the versions in its first query (the session's), so a change made through any
-- instance, or by SQL, is seen by the next request everywhere.
--
-- The version is bumped once per writing transaction, by its first statement that writes
-- cohort configuration (statement triggers; later statements of the transaction see the
-- flag and skip), and becomes visible at the commit, together with the data it stands for.
-- Two transactions writing cohort configuration at once therefore take turns from the first
-- such statement to the commit (they are rare: admin edits, seeds). Not a deferred trigger:
-- pending deferred events make ALTER TABLE refuse in the same transaction (the national
-- seed's, and any migration's).
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
