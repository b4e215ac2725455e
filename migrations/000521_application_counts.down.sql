DROP TRIGGER IF EXISTS application_counts_delete ON applications;
DROP TRIGGER IF EXISTS application_counts_update ON applications;
DROP TRIGGER IF EXISTS application_counts_insert ON applications;
DROP FUNCTION IF EXISTS application_counts_apply();
DROP TABLE IF EXISTS application_counts;
