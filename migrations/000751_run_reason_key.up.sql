-- A run's reason written by the system (a correction after upheld appeals) is stored
-- language-neutral: reason_key names the i18n text and reason holds only its data (the appeals
-- with the admin's own decision reasons), rendered in the reader's language. Empty for a reason
-- typed by staff. Published runs are immutable, so older runs keep their text.
ALTER TABLE result_runs ADD COLUMN reason_key text NOT NULL DEFAULT '' CHECK (length(reason_key) <= 100);
