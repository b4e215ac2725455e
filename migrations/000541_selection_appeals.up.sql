-- Appeals (sanggah) against a published result: an applicant who is tidak lulus or cadangan in
-- the latest published run of their cohort files one appeal per stage, with a reason and an
-- optional PDF, before the cohort's appeal window closes. The national admin rejects it with a
-- reason, or upholds it: the stage is re-scored by a new assessor (a sheet naming the appeal),
-- whose score replaces the stage's final score, and a correction run is made from it.
CREATE TABLE selection_appeals (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id            bigint NOT NULL REFERENCES result_runs (id),
    application_id    bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    stage             text   NOT NULL CHECK (stage IN ('tahap1', 'simulasi', 'wawancara')),
    outcome           text   NOT NULL CHECK (outcome IN ('cadangan', 'tidak_lulus')),
    reason            text   NOT NULL CHECK (length(reason) BETWEEN 20 AND 4000),
    pdf_storage       text   CHECK (pdf_storage IS NULL OR pdf_storage ~ '^[a-f0-9]{32}\.pdf$'),
    pdf_sha256        text   CHECK (pdf_sha256 IS NULL OR pdf_sha256 ~ '^[a-f0-9]{64}$'),
    pdf_size          int    CHECK (pdf_size IS NULL OR pdf_size > 0),
    filed_at          timestamptz NOT NULL DEFAULT now(),
    status            text   NOT NULL DEFAULT 'diajukan' CHECK (status IN ('diajukan', 'ditolak', 'diterima', 'selesai')),
    decision_reason   text   CHECK (decision_reason IS NULL OR length(decision_reason) BETWEEN 10 AND 2000),
    decided_by        bigint REFERENCES users (id),
    decided_at        timestamptz,
    correction_run_id bigint REFERENCES result_runs (id),
    -- one appeal per application and stage
    UNIQUE (application_id, stage),
    CHECK ((status = 'diajukan') = (decided_at IS NULL)),
    CHECK (status = 'diajukan' OR (decision_reason IS NOT NULL AND decided_by IS NOT NULL)),
    CHECK ((status = 'selesai') = (correction_run_id IS NOT NULL))
);
CREATE INDEX selection_appeals_run_idx ON selection_appeals (run_id, status, id);

-- The re-score of an upheld appeal: one sheet per appeal, by an assessor who had not scored the
-- application in that stage (the sheets' UNIQUE (application_id, stage, assessor_id) holds it).
ALTER TABLE score_sheets ADD COLUMN appeal_id bigint REFERENCES selection_appeals (id);
CREATE UNIQUE INDEX score_sheets_one_per_appeal ON score_sheets (appeal_id) WHERE appeal_id IS NOT NULL;
