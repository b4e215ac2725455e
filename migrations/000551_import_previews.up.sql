-- Imports with a preview (issue 13): an upload is parsed and validated into a preview kept
-- here under a random token; an explicit commit applies it once, all or nothing. Committing the
-- same preview again finds committed_at set and does nothing.
CREATE TABLE import_previews (
    token        text   PRIMARY KEY CHECK (token ~ '^[a-f0-9]{32}$'),
    kind         text   NOT NULL CHECK (kind IN ('schools', 'assessors', 'targets', 'clinic_participants')),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source       text   NOT NULL CHECK (length(source) <= 255),
    rows         int    NOT NULL CHECK (rows >= 0),
    problems     int    NOT NULL CHECK (problems >= 0),
    payload      jsonb  NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    committed_at timestamptz
);
CREATE INDEX import_previews_created_idx ON import_previews (created_at);
