DROP TABLE IF EXISTS report_runs_computed;
DROP TABLE IF EXISTS report_run_groups;
DROP INDEX IF EXISTS applications_cohort_report_idx;
