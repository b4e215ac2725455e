-- Deletion requests processed by the national admin (SECURITY.md 19): the admin's note (the
-- reason of a refusal is required) is kept with the request.
ALTER TABLE data_deletion_requests
    ADD COLUMN decision_note text NOT NULL DEFAULT '' CHECK (length(decision_note) <= 1000),
    ADD CONSTRAINT data_deletion_requests_processed_check CHECK (
        (processed_at IS NULL AND outcome = '') OR
        (processed_at IS NOT NULL AND outcome IN ('deleted', 'rejected') AND processed_by IS NOT NULL)),
    ADD CONSTRAINT data_deletion_requests_rejected_note_check CHECK (outcome <> 'rejected' OR decision_note <> '');
CREATE INDEX data_deletion_requests_processed_idx ON data_deletion_requests (processed_at DESC) WHERE processed_at IS NOT NULL;
