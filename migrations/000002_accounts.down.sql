DROP INDEX IF EXISTS mail_outbox_unsent_idx;
ALTER TABLE mail_outbox DROP COLUMN IF EXISTS next_attempt_at, DROP COLUMN IF EXISTS attempts;
DROP TABLE IF EXISTS token_requests;
