-- Row triggers do not fire on TRUNCATE: refuse TRUNCATE of the selection tables while any
-- result run is published, so published results cannot be erased wholesale either.
CREATE FUNCTION selection_no_truncate_after_publication() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM result_runs WHERE published_at IS NOT NULL) THEN
        RAISE EXCEPTION 'published results cannot be truncated (%)', TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER result_runs_no_truncate BEFORE TRUNCATE ON result_runs
    FOR EACH STATEMENT EXECUTE FUNCTION selection_no_truncate_after_publication();
CREATE TRIGGER run_results_no_truncate BEFORE TRUNCATE ON run_results
    FOR EACH STATEMENT EXECUTE FUNCTION selection_no_truncate_after_publication();
CREATE TRIGGER run_signoffs_no_truncate BEFORE TRUNCATE ON run_signoffs
    FOR EACH STATEMENT EXECUTE FUNCTION selection_no_truncate_after_publication();
