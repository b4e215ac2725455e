DROP TABLE IF EXISTS reminders_sent;
DROP TRIGGER IF EXISTS cohorts_copy_reminders ON cohorts;
DROP FUNCTION IF EXISTS cohort_reminders_copy();
DROP TABLE IF EXISTS cohort_reminders;
