DROP INDEX IF EXISTS data_deletion_requests_processed_idx;
ALTER TABLE data_deletion_requests
    DROP CONSTRAINT IF EXISTS data_deletion_requests_rejected_note_check,
    DROP CONSTRAINT IF EXISTS data_deletion_requests_processed_check,
    DROP COLUMN IF EXISTS decision_note;
