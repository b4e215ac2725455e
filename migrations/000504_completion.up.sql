-- Completion: the final assessments by the PP and by the fasilitator, the BGP's decision per CGP
-- (lulus / tidak lulus with a reason), and the threshold a scored assessment must reach.
ALTER TABLE training_settings ADD COLUMN assessment_pass_score int NOT NULL DEFAULT 70 CHECK (assessment_pass_score BETWEEN 0 AND 100);

CREATE TABLE training_assessments (
    participant_id bigint NOT NULL REFERENCES training_participants (id),
    by_role        text   NOT NULL CHECK (by_role IN ('pengajar_praktik', 'fasilitator')),
    score          int    NOT NULL CHECK (score BETWEEN 0 AND 100),
    recorded_by    bigint NOT NULL REFERENCES users (id),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (participant_id, by_role)
);

ALTER TABLE training_participants
    ADD COLUMN outcome        text CHECK (outcome IN ('lulus', 'tidak_lulus')),
    ADD COLUMN outcome_reason text NOT NULL DEFAULT '',
    ADD COLUMN decided_at     timestamptz,
    ADD COLUMN decided_by     bigint REFERENCES users (id),
    ADD CONSTRAINT training_participants_outcome_check2 CHECK (
        (outcome IS NULL) = (decided_at IS NULL)
        AND (outcome IS NULL OR status = 'aktif')
        AND (outcome IS DISTINCT FROM 'tidak_lulus' OR length(btrim(outcome_reason)) > 0));
