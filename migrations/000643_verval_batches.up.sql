-- Automatic verval assignment is previewed, committed as one batch, and can be undone whole
-- while no application of it has been started (no document decided, verval not finished).
CREATE TABLE verval_batches (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id   bigint NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    assignments int    NOT NULL CHECK (assignments >= 0),
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    undone_by   bigint REFERENCES users (id),
    undone_at   timestamptz
);
CREATE INDEX verval_batches_cohort_idx ON verval_batches (cohort_id, id);
ALTER TABLE verval_assignments ADD COLUMN batch_id bigint REFERENCES verval_batches (id);
CREATE INDEX verval_assignments_batch_idx ON verval_assignments (batch_id) WHERE batch_id IS NOT NULL;
