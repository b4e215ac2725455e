DROP TABLE IF EXISTS run_objection_comments;
DROP TABLE IF EXISTS run_objections;
