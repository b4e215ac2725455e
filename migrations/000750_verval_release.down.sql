DROP INDEX IF EXISTS mail_outbox_release_verval_idx;
DROP INDEX IF EXISTS applications_verval_unreleased_idx;
ALTER TABLE applications DROP COLUMN IF EXISTS verval_released_at;
