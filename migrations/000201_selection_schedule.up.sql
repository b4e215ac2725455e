-- Tahap 2 scheduling: one session per applicant (simulasi mengajar then wawancara) with two
-- assessors, online (meeting link) or in person (place). The applicant may ask to reschedule
-- once; the admin approves with a new time. A no-show is recorded as such.
CREATE TABLE tahap2_slots (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id      bigint NOT NULL UNIQUE REFERENCES applications (id) ON DELETE CASCADE,
    starts_at           timestamptz NOT NULL,
    minutes             int    NOT NULL CHECK (minutes BETWEEN 10 AND 240),
    mode                text   NOT NULL CHECK (mode IN ('daring', 'luring')),
    location            text   NOT NULL CHECK (length(location) BETWEEN 3 AND 500),
    assessor1_id        bigint NOT NULL REFERENCES users (id),
    assessor2_id        bigint NOT NULL REFERENCES users (id),
    status              text   NOT NULL DEFAULT 'terjadwal' CHECK (status IN ('terjadwal', 'hadir', 'tidak_hadir')),
    reschedule_reason   text   CHECK (reschedule_reason IS NULL OR length(reschedule_reason) BETWEEN 5 AND 1000),
    reschedule_asked_at timestamptz,
    rescheduled_at      timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (assessor1_id <> assessor2_id),
    -- one request at most: asked once, and decided at most once
    CHECK (rescheduled_at IS NULL OR reschedule_asked_at IS NOT NULL),
    CHECK ((reschedule_asked_at IS NULL) = (reschedule_reason IS NULL))
);
CREATE INDEX tahap2_slots_assessor1_idx ON tahap2_slots (assessor1_id, starts_at);
CREATE INDEX tahap2_slots_assessor2_idx ON tahap2_slots (assessor2_id, starts_at);
