DROP INDEX IF EXISTS mail_outbox_held_idx;
DROP INDEX IF EXISTS mail_outbox_unsent_idx;
ALTER TABLE mail_outbox DROP COLUMN IF EXISTS release_id, DROP COLUMN IF EXISTS held,
    DROP COLUMN IF EXISTS outcome, DROP COLUMN IF EXISTS lang, DROP COLUMN IF EXISTS kind;
DROP TABLE IF EXISTS mail_releases;
CREATE INDEX mail_outbox_unsent_idx ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
