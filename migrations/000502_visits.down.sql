DROP TABLE IF EXISTS training_visits;
