ALTER TABLE score_sheets DROP COLUMN appeal_id;
DROP TABLE selection_appeals;
