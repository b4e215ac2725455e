DROP TABLE IF EXISTS clinic_reminders;
ALTER TABLE clinics DROP COLUMN IF EXISTS reminder_hours;
