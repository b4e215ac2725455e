-- Automatic assignment of score sheets is committed as one batch, which can be undone whole
-- while none of its sheets has been started (no score typed, nothing submitted).
CREATE TABLE assign_batches (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id  bigint NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    stage      text   NOT NULL CHECK (stage IN ('tahap1', 'simulasi', 'wawancara')),
    sheets     int    NOT NULL CHECK (sheets >= 0),
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    undone_by  bigint REFERENCES users (id),
    undone_at  timestamptz
);
CREATE INDEX assign_batches_cohort_idx ON assign_batches (cohort_id, id);
ALTER TABLE score_sheets ADD COLUMN batch_id bigint REFERENCES assign_batches (id);
CREATE INDEX score_sheets_batch_idx ON score_sheets (batch_id) WHERE batch_id IS NOT NULL;
