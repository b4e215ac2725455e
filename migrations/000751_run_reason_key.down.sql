ALTER TABLE result_runs DROP COLUMN IF EXISTS reason_key;
