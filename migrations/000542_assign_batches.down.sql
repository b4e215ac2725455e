ALTER TABLE score_sheets DROP COLUMN batch_id;
DROP TABLE assign_batches;
