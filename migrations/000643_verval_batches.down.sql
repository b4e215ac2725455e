DROP INDEX IF EXISTS verval_assignments_batch_idx;
ALTER TABLE verval_assignments DROP COLUMN IF EXISTS batch_id;
DROP TABLE IF EXISTS verval_batches;
