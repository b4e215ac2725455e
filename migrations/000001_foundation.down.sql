DROP TABLE IF EXISTS audit_log, mail_outbox, login_failures, user_tokens, sessions, role_grants,
    teacher_profiles, users, schools, districts, regencies, provinces CASCADE;
DROP FUNCTION IF EXISTS audit_log_append_only();
