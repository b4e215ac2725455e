-- User administration searches users by any part of the name or email (LIKE '%...%'):
-- trigram indexes keep that fast with hundreds of thousands of accounts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_name_trgm_idx ON users USING gin (lower(name) gin_trgm_ops);
CREATE INDEX users_email_trgm_idx ON users USING gin (email gin_trgm_ops);
-- Grants by user and province, for the BGP's scope predicate.
CREATE INDEX role_grants_user_province_idx ON role_grants (user_id, province_code) WHERE revoked_at IS NULL;
