DROP INDEX IF EXISTS training_lokakarya_starts_idx;
DROP TABLE IF EXISTS training_lokakarya_reminders;
DROP TABLE IF EXISTS training_lokakarya_groups;
ALTER TABLE training_settings DROP COLUMN IF EXISTS reminder_days;
