-- Sertifikat Guru Penggerak: one per graduate (a participant with outcome 'lulus'). The number
-- comes from a sequence (unique under concurrency); the token of the public verification page is
-- random (unguessable), never derived from an id.
CREATE SEQUENCE training_certificate_seq;

CREATE TABLE training_certificates (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    participant_id bigint NOT NULL UNIQUE REFERENCES training_participants (id),
    number         text   NOT NULL UNIQUE,
    token          text   NOT NULL UNIQUE CHECK (length(token) >= 32),
    issued_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    revoked_by     bigint REFERENCES users (id),
    revoke_reason  text,
    CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL)),
    CHECK (revoke_reason IS NULL OR length(btrim(revoke_reason)) > 0)
);
