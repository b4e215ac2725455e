-- Selection: rubrics per scored stage, two-assessor scoring, result runs with regional quotas,
-- BGP sign-off, publication (immutable in the database), and pembekalan seats.

-- The rubric of a scored stage of a cohort: passing grade and discrepancy threshold (0-100).
CREATE TABLE selection_rubrics (
    cohort_id          bigint  NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    stage              text    NOT NULL CHECK (stage IN ('tahap1', 'simulasi', 'wawancara')),
    passing_grade      numeric(5,2) NOT NULL CHECK (passing_grade BETWEEN 0 AND 100),
    threshold          numeric(5,2) NOT NULL CHECK (threshold BETWEEN 0 AND 100),
    avoid_same_regency boolean NOT NULL DEFAULT false,
    updated_by         bigint REFERENCES users (id),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cohort_id, stage)
);

-- Criteria of a rubric: a scale, a weight and a description per level (one line per level).
CREATE TABLE selection_criteria (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id bigint NOT NULL,
    stage     text   NOT NULL,
    position  int    NOT NULL CHECK (position BETWEEN 1 AND 50),
    name      text   NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
    min_score int    NOT NULL CHECK (min_score BETWEEN 0 AND 100),
    max_score int    NOT NULL CHECK (max_score BETWEEN 1 AND 100),
    weight    numeric(6,2) NOT NULL CHECK (weight > 0),
    levels    text   NOT NULL DEFAULT '' CHECK (length(levels) <= 4000),
    CHECK (max_score > min_score),
    UNIQUE (cohort_id, stage, position),
    FOREIGN KEY (cohort_id, stage) REFERENCES selection_rubrics (cohort_id, stage) ON DELETE CASCADE
);

-- An assessor's scoring sheet for one application in one stage. Two per application and stage,
-- a third (adjudicator) when they differ by more than the threshold. Once submitted a sheet is
-- locked (trigger below).
CREATE TABLE score_sheets (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    stage          text   NOT NULL CHECK (stage IN ('tahap1', 'simulasi', 'wawancara')),
    assessor_id    bigint NOT NULL REFERENCES users (id),
    adjudicator    boolean NOT NULL DEFAULT false,
    assigned_by    bigint REFERENCES users (id),
    assigned_at    timestamptz NOT NULL DEFAULT now(),
    due_at         timestamptz,
    submitted_at   timestamptz,
    stage_score    numeric(5,2) CHECK (stage_score BETWEEN 0 AND 100),
    -- the submitted per-criterion scores in criterion order (a copy of score_items, which keep
    -- the notes), so a run over a whole cohort reads one row per sheet
    scores         int[],
    CHECK ((submitted_at IS NULL) = (stage_score IS NULL)),
    CHECK ((submitted_at IS NULL) = (scores IS NULL)),
    UNIQUE (application_id, stage, assessor_id)
);
CREATE INDEX score_sheets_assessor_idx ON score_sheets (assessor_id, stage, id);
CREATE INDEX score_sheets_app_idx ON score_sheets (application_id, stage);
-- At most two regular sheets and one adjudicator per application and stage.
CREATE UNIQUE INDEX score_sheets_one_adjudicator ON score_sheets (application_id, stage) WHERE adjudicator;

-- Per-criterion score and note on a sheet.
CREATE TABLE score_items (
    sheet_id bigint NOT NULL REFERENCES score_sheets (id) ON DELETE CASCADE,
    position int    NOT NULL,
    score    int    NOT NULL CHECK (score BETWEEN 0 AND 100),
    note     text   NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    PRIMARY KEY (sheet_id, position)
);

-- A submitted sheet never changes.
CREATE FUNCTION score_sheet_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'score_sheets' THEN
        IF OLD.submitted_at IS NOT NULL THEN
            RAISE EXCEPTION 'score sheet % is submitted and locked', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF EXISTS (SELECT 1 FROM score_sheets WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.sheet_id ELSE NEW.sheet_id END
               AND submitted_at IS NOT NULL) THEN
        RAISE EXCEPTION 'score sheet is submitted and locked' USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER score_sheets_locked BEFORE UPDATE OR DELETE ON score_sheets
    FOR EACH ROW EXECUTE FUNCTION score_sheet_locked();
CREATE TRIGGER score_items_locked BEFORE INSERT OR UPDATE OR DELETE ON score_items
    FOR EACH ROW EXECUTE FUNCTION score_sheet_locked();

-- A result run: a deterministic computation over the scores, passing grades and quotas of a
-- cohort, stored with the hash of its canonical inputs and outputs. A correction is a new run
-- with a reason that names the run it corrects.
CREATE TABLE result_runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id       bigint NOT NULL REFERENCES cohorts (id),
    corrects_run_id bigint REFERENCES result_runs (id),
    reason          text   NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    inputs          jsonb  NOT NULL,
    input_hash      text   NOT NULL CHECK (input_hash ~ '^[a-f0-9]{64}$'),
    output_hash     text   NOT NULL CHECK (output_hash ~ '^[a-f0-9]{64}$'),
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,
    published_by    bigint REFERENCES users (id),
    override_reason text   NOT NULL DEFAULT '' CHECK (length(override_reason) <= 2000),
    CHECK (corrects_run_id IS NULL OR length(reason) >= 5)
);
CREATE INDEX result_runs_cohort_idx ON result_runs (cohort_id, id);

-- One row per application in a run.
CREATE TABLE run_results (
    run_id          bigint NOT NULL REFERENCES result_runs (id),
    application_id  bigint NOT NULL REFERENCES applications (id),
    regency_code    text   NOT NULL REFERENCES regencies (code),
    province_code   text   NOT NULL REFERENCES provinces (code),
    score           numeric(5,2) NOT NULL,
    passed          boolean NOT NULL,
    outcome         text   NOT NULL CHECK (outcome IN ('lulus', 'cadangan', 'tidak_lulus')),
    rank            int    NOT NULL CHECK (rank >= 1),
    stage_scores    numeric(5,2)[] NOT NULL,
    first_criterion numeric(6,2) NOT NULL,
    submitted_at    timestamptz NOT NULL,
    PRIMARY KEY (run_id, application_id),
    UNIQUE (run_id, regency_code, rank)
);
CREATE INDEX run_results_province_idx ON run_results (run_id, province_code, regency_code, rank);
CREATE INDEX run_results_app_idx ON run_results (application_id, run_id);

-- BGP sign-off of a run for their province, with comments.
CREATE TABLE run_signoffs (
    run_id        bigint NOT NULL REFERENCES result_runs (id),
    province_code text   NOT NULL REFERENCES provinces (code),
    signed_by     bigint NOT NULL REFERENCES users (id),
    signed_at     timestamptz NOT NULL DEFAULT now(),
    comment       text   NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    PRIMARY KEY (run_id, province_code)
);

-- Published results are immutable in the database: a published run cannot be changed or
-- deleted (other than by nothing: publication is the last write), and neither can its results
-- or sign-offs. Results of a run can only be written while it is unpublished.
CREATE FUNCTION result_run_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
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
    IF TG_TABLE_NAME = 'run_results' AND TG_OP <> 'INSERT' THEN
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
CREATE TRIGGER result_runs_immutable BEFORE UPDATE OR DELETE ON result_runs
    FOR EACH ROW EXECUTE FUNCTION result_run_immutable();
CREATE TRIGGER run_results_immutable BEFORE INSERT OR UPDATE OR DELETE ON run_results
    FOR EACH ROW EXECUTE FUNCTION result_run_immutable();
CREATE TRIGGER run_signoffs_immutable BEFORE INSERT OR UPDATE OR DELETE ON run_signoffs
    FOR EACH ROW EXECUTE FUNCTION result_run_immutable();

-- Pembekalan seats, opened from a published run: each lulus gets a seat to confirm before the
-- deadline with a signed Pakta Integritas; a decline or a missed deadline frees it and the best
-- cadangan of the same kab/kota gets a new seat (promoted_from names the freed one).
CREATE TABLE pembekalan_seats (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id          bigint NOT NULL REFERENCES result_runs (id),
    application_id  bigint NOT NULL REFERENCES applications (id),
    regency_code    text   NOT NULL REFERENCES regencies (code),
    status          text   NOT NULL DEFAULT 'offered'
        CHECK (status IN ('offered', 'confirmed', 'declined', 'expired', 'attended')),
    confirm_by      timestamptz NOT NULL,
    promoted_from   bigint REFERENCES pembekalan_seats (id),
    pakta_storage   text CHECK (pakta_storage IS NULL OR pakta_storage ~ '^[a-f0-9]{32}\.pdf$'),
    pakta_sha256    text,
    confirmed_at    timestamptz,
    freed_at        timestamptz,
    attended_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, application_id),
    CHECK (status <> 'confirmed' OR (confirmed_at IS NOT NULL AND pakta_storage IS NOT NULL))
);
CREATE INDEX pembekalan_seats_run_idx ON pembekalan_seats (run_id, regency_code, status);

-- Quotas hold in the database too. A run never has more lulus in a kab/kota than the quota it was
-- computed with (kept in its inputs) ...
CREATE FUNCTION run_results_within_quota() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM run_results x JOIN result_runs r ON r.id = x.run_id
        WHERE (x.run_id, x.regency_code) IN (SELECT DISTINCT run_id, regency_code FROM newrows) AND x.outcome = 'lulus'
        GROUP BY x.run_id, x.regency_code
        HAVING count(*) > coalesce(max((r.inputs -> 'quotas' ->> x.regency_code)::int), 0)
    ) THEN
        RAISE EXCEPTION 'more lulus than the quota' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER run_results_quota AFTER INSERT ON run_results
    REFERENCING NEW TABLE AS newrows FOR EACH STATEMENT EXECUTE FUNCTION run_results_within_quota();

-- ... and the open pembekalan seats of a run in a kab/kota (offered, confirmed, attended) never
-- outnumber that quota, however many declines and promotions race.
CREATE FUNCTION pembekalan_seats_within_quota() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    quota int;
    taken int;
BEGIN
    IF NEW.status NOT IN ('offered', 'confirmed', 'attended') THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(7200203, hashtext(NEW.run_id || '/' || NEW.regency_code));
    SELECT coalesce((inputs -> 'quotas' ->> NEW.regency_code)::int, 0) INTO quota FROM result_runs WHERE id = NEW.run_id;
    SELECT count(*) INTO taken FROM pembekalan_seats
        WHERE run_id = NEW.run_id AND regency_code = NEW.regency_code AND id <> NEW.id
        AND status IN ('offered', 'confirmed', 'attended');
    IF taken >= quota THEN
        RAISE EXCEPTION 'no seat left in % for run %', NEW.regency_code, NEW.run_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER pembekalan_seats_quota BEFORE INSERT OR UPDATE OF status ON pembekalan_seats
    FOR EACH ROW EXECUTE FUNCTION pembekalan_seats_within_quota();
