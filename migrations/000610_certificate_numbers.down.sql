DROP INDEX IF EXISTS training_certificates_issued_idx;
DROP TABLE IF EXISTS training_certificate_counters;
