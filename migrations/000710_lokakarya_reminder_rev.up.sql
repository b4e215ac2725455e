-- A lokakarya moved to another date is reminded again. Each change of its date bumps
-- schedule_rev, and a reminder is one per person per lokakarya per revision: the reminder job
-- finds no row for the new revision and mails (on its next run when the new date is already
-- within the reminder days). A row the job writes for the old date while the move commits keeps
-- the old revision, so it never stands in for the new date's reminder. Earlier rows stay as the
-- history of what was sent.
ALTER TABLE training_lokakarya ADD COLUMN schedule_rev int NOT NULL DEFAULT 0;
ALTER TABLE training_lokakarya_reminders ADD COLUMN schedule_rev int NOT NULL DEFAULT 0;
ALTER TABLE training_lokakarya_reminders DROP CONSTRAINT training_lokakarya_reminders_pkey;
ALTER TABLE training_lokakarya_reminders ADD PRIMARY KEY (lokakarya_id, user_id, schedule_rev);
