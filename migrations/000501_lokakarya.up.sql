-- Lokakarya 0..N-1 per kab/kota of a cohort (the last one is Panen Hasil Belajar), scheduled by the
-- BGP for every confirmed group of the kab/kota, and attendance per CGP.
CREATE TABLE training_lokakarya (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id     bigint NOT NULL REFERENCES cohorts (id),
    province_code text   NOT NULL REFERENCES provinces (code),
    regency_code  text   NOT NULL REFERENCES regencies (code),
    number        int    NOT NULL CHECK (number BETWEEN 0 AND 19),
    starts_at     timestamptz NOT NULL,
    place         text   NOT NULL CHECK (length(place) BETWEEN 3 AND 300),
    created_by    bigint REFERENCES users (id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cohort_id, regency_code, number),
    CHECK (province_code = substr(regency_code, 1, 2))
);

CREATE TABLE training_attendance (
    lokakarya_id   bigint NOT NULL REFERENCES training_lokakarya (id),
    participant_id bigint NOT NULL REFERENCES training_participants (id),
    status         text   NOT NULL CHECK (status IN ('hadir', 'izin', 'tidak_hadir')),
    reason         text   NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    recorded_by    bigint REFERENCES users (id),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lokakarya_id, participant_id),
    CHECK (status <> 'izin' OR length(btrim(reason)) > 0)
);
CREATE INDEX training_attendance_participant_idx ON training_attendance (participant_id);
