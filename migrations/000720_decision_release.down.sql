DROP INDEX IF EXISTS pembekalan_seats_unreleased_idx;
ALTER TABLE pembekalan_seats DROP COLUMN IF EXISTS released_at;
DROP TABLE IF EXISTS run_releases;
DROP INDEX IF EXISTS mail_outbox_held_ref_idx;
ALTER TABLE mail_outbox DROP COLUMN IF EXISTS ref;
