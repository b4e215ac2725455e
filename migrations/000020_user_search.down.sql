DROP INDEX IF EXISTS role_grants_user_province_idx;
DROP INDEX IF EXISTS users_email_trgm_idx;
DROP INDEX IF EXISTS users_name_trgm_idx;
-- The pg_trgm extension stays: other features may use it.
