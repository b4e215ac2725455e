DROP TABLE IF EXISTS training_module_progress;
