-- Sertifikat Guru Penggerak numbers: SGP/<angkatan>/<kab/kota code>/<4-digit sequence>, the
-- sequence counted per cohort and kab/kota. The counter row is taken with INSERT … ON CONFLICT DO
-- UPDATE inside the graduation's transaction, so concurrent graduations in one kab/kota wait for
-- each other and the numbers have no gaps (a rolled-back graduation rolls its number back).
CREATE TABLE training_certificate_counters (
    cohort_id    bigint NOT NULL REFERENCES cohorts (id),
    regency_code text   NOT NULL REFERENCES regencies (code),
    last         int    NOT NULL CHECK (last > 0),
    PRIMARY KEY (cohort_id, regency_code)
);

-- The register of Guru Penggerak lists certificates by when they were issued.
CREATE INDEX training_certificates_issued_idx ON training_certificates (issued_at);
