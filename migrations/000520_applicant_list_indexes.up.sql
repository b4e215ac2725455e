-- Applicant lists and their status counts at national scale (250,000 applications).
-- The scope predicates of a Dinas or BGP (application.where) test regency_code or
-- province_code with jenjang, with or without a cohort; the indexes that start with cohort_id
-- cannot serve them, so every count was a parallel sequential scan of all applications.
-- These lead with the scope column and carry jenjang, cohort and status, so a list's counts
-- are an index-only scan of the scope's own entries.
CREATE INDEX applications_scope_regency_idx ON applications (regency_code, jenjang, cohort_id, status);
CREATE INDEX applications_scope_province_idx ON applications (province_code, jenjang, cohort_id, status);
-- National counts without a cohort chosen.
CREATE INDEX applications_status_idx ON applications (status);
-- The name search is lower(applicant_name) LIKE '%q%' (any part of the name): a trigram index
-- (pg_trgm, created by 000020) answers it without reading every row.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX applications_name_trgm_idx ON applications USING gin (lower(applicant_name) gin_trgm_ops);
