DROP TABLE IF EXISTS clinic_feedback;
DROP TABLE IF EXISTS clinic_attendance;
DROP TABLE IF EXISTS clinic_registrations;
DROP FUNCTION IF EXISTS clinic_registrations_limits();
DROP TABLE IF EXISTS clinic_invitations;
DROP TABLE IF EXISTS clinic_sessions;
DROP TABLE IF EXISTS clinics;
