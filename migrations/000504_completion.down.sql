ALTER TABLE training_participants DROP CONSTRAINT IF EXISTS training_participants_outcome_check2,
    DROP COLUMN IF EXISTS outcome, DROP COLUMN IF EXISTS outcome_reason, DROP COLUMN IF EXISTS decided_at, DROP COLUMN IF EXISTS decided_by;
DROP TABLE IF EXISTS training_assessments;
ALTER TABLE training_settings DROP COLUMN IF EXISTS assessment_pass_score;
