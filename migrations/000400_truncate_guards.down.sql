DROP TRIGGER IF EXISTS result_runs_no_truncate ON result_runs;
DROP TRIGGER IF EXISTS run_results_no_truncate ON run_results;
DROP TRIGGER IF EXISTS run_signoffs_no_truncate ON run_signoffs;
DROP FUNCTION IF EXISTS selection_no_truncate_after_publication();
