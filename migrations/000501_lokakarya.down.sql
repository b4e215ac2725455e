DROP TABLE IF EXISTS training_attendance;
DROP TABLE IF EXISTS training_lokakarya;
