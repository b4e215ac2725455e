DELETE FROM training_lokakarya_reminders r WHERE EXISTS (SELECT 1 FROM training_lokakarya_reminders x
    WHERE x.lokakarya_id = r.lokakarya_id AND x.user_id = r.user_id AND x.schedule_rev > r.schedule_rev);
ALTER TABLE training_lokakarya_reminders DROP CONSTRAINT training_lokakarya_reminders_pkey;
ALTER TABLE training_lokakarya_reminders ADD PRIMARY KEY (lokakarya_id, user_id);
ALTER TABLE training_lokakarya_reminders DROP COLUMN schedule_rev;
ALTER TABLE training_lokakarya DROP COLUMN schedule_rev;
