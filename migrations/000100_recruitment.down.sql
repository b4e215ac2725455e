DROP TABLE IF EXISTS verval_decisions, verval_assignments, application_consents, application_documents,
    application_essays, application_cv_entries, applications, required_documents, essay_questions,
    cohort_regencies, cohorts CASCADE;
