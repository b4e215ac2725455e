DROP TABLE IF EXISTS training_certificates;
DROP SEQUENCE IF EXISTS training_certificate_seq;
