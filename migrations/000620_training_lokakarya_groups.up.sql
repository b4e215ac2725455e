-- Lokakarya for chosen groups, reminders before each lokakarya, and the reminder's lead time as a
-- per-cohort setting.

-- The days before a lokakarya its participants are reminded by email.
ALTER TABLE training_settings ADD COLUMN reminder_days int NOT NULL DEFAULT 2 CHECK (reminder_days BETWEEN 1 AND 30);

-- The groups a lokakarya is for (groups of its kab/kota). A lokakarya without rows here (scheduled
-- before groups could be chosen) is for every confirmed group of its kab/kota.
CREATE TABLE training_lokakarya_groups (
    lokakarya_id bigint NOT NULL REFERENCES training_lokakarya (id) ON DELETE CASCADE,
    group_id     bigint NOT NULL REFERENCES training_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (lokakarya_id, group_id)
);
CREATE INDEX training_lokakarya_groups_group_idx ON training_lokakarya_groups (group_id);

-- One reminder per person per lokakarya: the periodic job inserts here and mails only the rows it
-- inserted, so running it twice (or on two instances at once) mails nobody twice.
CREATE TABLE training_lokakarya_reminders (
    lokakarya_id bigint NOT NULL REFERENCES training_lokakarya (id) ON DELETE CASCADE,
    user_id      bigint NOT NULL REFERENCES users (id),
    sent_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lokakarya_id, user_id)
);
CREATE INDEX training_lokakarya_starts_idx ON training_lokakarya (starts_at);
