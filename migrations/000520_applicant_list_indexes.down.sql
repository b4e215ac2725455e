DROP INDEX IF EXISTS applications_name_trgm_idx;
DROP INDEX IF EXISTS applications_status_idx;
DROP INDEX IF EXISTS applications_scope_province_idx;
DROP INDEX IF EXISTS applications_scope_regency_idx;
