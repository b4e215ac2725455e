ALTER TABLE cohorts DROP COLUMN confirm_days, DROP COLUMN sheet_due_days, DROP COLUMN tahap2_due_hours, DROP COLUMN appeal_days;
