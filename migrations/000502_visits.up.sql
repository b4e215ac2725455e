-- Pendampingan individu: the PP's visits to each mentee, planned then logged. The log is a draft
-- (autosaved) until the PP sends it; the CGP then acknowledges it or comments.
CREATE TABLE training_visits (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    participant_id  bigint NOT NULL REFERENCES training_participants (id),
    number          int    NOT NULL CHECK (number BETWEEN 1 AND 30),
    planned_on      date,
    visited_on      date,
    mode            text   CHECK (mode IN ('kunjungan', 'daring')),
    notes           text   NOT NULL DEFAULT '' CHECK (length(notes) <= 5000),
    follow_up       text   NOT NULL DEFAULT '' CHECK (length(follow_up) <= 2000),
    logged_by       bigint REFERENCES users (id),
    draft_saved_at  timestamptz,
    submitted_at    timestamptz,
    acknowledged_at timestamptz,
    cgp_comment     text   NOT NULL DEFAULT '' CHECK (length(cgp_comment) <= 2000),
    commented_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (participant_id, number),
    CHECK (submitted_at IS NULL OR (visited_on IS NOT NULL AND mode IS NOT NULL AND length(btrim(notes)) > 0)),
    CHECK (acknowledged_at IS NULL OR submitted_at IS NOT NULL)
);
CREATE INDEX training_visits_open_idx ON training_visits (submitted_at) WHERE acknowledged_at IS NULL;
