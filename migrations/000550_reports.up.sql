-- Reports (issue 13): what the dashboards need to stay fast at 250,000 applications.

-- The per-day and funnel counts of a cohort read its applications through this index alone
-- (an index-only scan instead of the heap).
CREATE INDEX applications_cohort_report_idx ON applications (cohort_id)
    INCLUDE (status, regency_code, province_code, jenjang, created_at, submitted_at);

-- A result run never changes once stored, so its counts per kab/kota, jenjang, gender and
-- employment status are computed once, on the first dashboard that shows the run, and read from
-- here after (tens of thousands of rows instead of a join over every result). Gender and
-- employment status are the profiles' at that moment. Aggregates only: no personal data.
CREATE TABLE report_run_groups (
    run_id            bigint NOT NULL REFERENCES result_runs (id),
    regency_code      text   NOT NULL,
    province_code     text   NOT NULL,
    jenjang           text   NOT NULL,
    gender            text   NOT NULL,
    employment_status text   NOT NULL,
    ranked            int    NOT NULL CHECK (ranked > 0),
    lulus             int    NOT NULL CHECK (lulus >= 0),
    tahap1            int    NOT NULL CHECK (tahap1 >= 0),
    PRIMARY KEY (run_id, regency_code, jenjang, gender, employment_status)
);

-- Which runs have their groups computed.
CREATE TABLE report_runs_computed (
    run_id      bigint PRIMARY KEY REFERENCES result_runs (id),
    computed_at timestamptz NOT NULL DEFAULT now()
);
