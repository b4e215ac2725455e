DROP TABLE IF EXISTS data_deletion_requests;
DROP INDEX IF EXISTS schools_name_npsn_idx;
