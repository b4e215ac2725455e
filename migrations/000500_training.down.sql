DROP TABLE IF EXISTS training_group_history;
DROP FUNCTION IF EXISTS training_group_history_append_only();
DROP TABLE IF EXISTS training_unplaced;
DROP TABLE IF EXISTS training_group_members;
DROP TABLE IF EXISTS training_groups;
DROP TABLE IF EXISTS training_mentors;
DROP TABLE IF EXISTS training_participants;
DROP TABLE IF EXISTS training_settings;
