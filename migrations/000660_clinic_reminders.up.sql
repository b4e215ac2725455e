-- Clinic reminders (issue 12): registered participants are emailed before each session day.
-- reminder_hours is how long before a session the reminder goes (NULL: the configured default,
-- CLINIC_REMINDER_HOURS, one day unless set; 0: no reminders for this event). One row per person
-- per session reminded: the job inserts here first, so a second run (or two at once) sends nothing
-- twice.
ALTER TABLE clinics ADD COLUMN reminder_hours int CHECK (reminder_hours BETWEEN 0 AND 336);

CREATE TABLE clinic_reminders (
    registration_id bigint NOT NULL REFERENCES clinic_registrations (id) ON DELETE CASCADE,
    session_id      bigint NOT NULL REFERENCES clinic_sessions (id) ON DELETE CASCADE,
    sent_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (registration_id, session_id)
);
CREATE INDEX clinic_reminders_session_idx ON clinic_reminders (session_id);
