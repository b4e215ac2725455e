-- BGP review that can object: besides signing off, the BGP returns its province's part of an
-- unpublished run to the national admin with a comment per kab/kota; the admin answers with a
-- recorded reply or a correction run. One open objection per run and province.
CREATE TABLE run_objections (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id            bigint NOT NULL REFERENCES result_runs (id),
    province_code     text   NOT NULL REFERENCES provinces (code),
    raised_by         bigint NOT NULL REFERENCES users (id),
    raised_at         timestamptz NOT NULL DEFAULT now(),
    answer_kind       text   CHECK (answer_kind IN ('reply', 'correction')),
    answer            text   NOT NULL DEFAULT '' CHECK (length(answer) <= 4000),
    correction_run_id bigint REFERENCES result_runs (id),
    answered_by       bigint REFERENCES users (id),
    answered_at       timestamptz,
    CHECK ((answered_at IS NULL) = (answer_kind IS NULL)),
    CHECK ((answer_kind = 'correction') = (correction_run_id IS NOT NULL))
);
CREATE UNIQUE INDEX run_objections_open_key ON run_objections (run_id, province_code) WHERE answered_at IS NULL;
CREATE INDEX run_objections_run_idx ON run_objections (run_id, id);

CREATE TABLE run_objection_comments (
    objection_id bigint NOT NULL REFERENCES run_objections (id) ON DELETE CASCADE,
    regency_code text   NOT NULL REFERENCES regencies (code),
    comment      text   NOT NULL CHECK (length(comment) BETWEEN 5 AND 2000),
    PRIMARY KEY (objection_id, regency_code)
);
