-- Clinic integrity (issue 11): a check-in window per event, a minimum attendance for the
-- certificate, registrations tied to a real school and to the account's name, certificates that
-- can be revoked with a reason, and a limit on emailed ticket links.
ALTER TABLE clinics
    -- Check-in is accepted from checkin_before_minutes before a session starts until
    -- checkin_after_minutes after it ends (defaults: one hour each side).
    ADD COLUMN checkin_before_minutes int NOT NULL DEFAULT 60 CHECK (checkin_before_minutes BETWEEN 0 AND 720),
    ADD COLUMN checkin_after_minutes  int NOT NULL DEFAULT 60 CHECK (checkin_after_minutes BETWEEN 0 AND 720),
    -- A certificate needs at least this many sessions attended (capped at the number of sessions).
    -- Existing events keep the rule they were run with: one session.
    ADD COLUMN min_sessions int NOT NULL DEFAULT 1 CHECK (min_sessions BETWEEN 1 AND 100);

ALTER TABLE clinic_registrations
    ADD COLUMN cert_revoked_at     timestamptz,
    ADD COLUMN cert_revoked_by     bigint REFERENCES users (id),
    ADD COLUMN cert_revoked_reason text NOT NULL DEFAULT '' CHECK (length(cert_revoked_reason) <= 500),
    ADD COLUMN link_sent_at        timestamptz,
    ADD CONSTRAINT clinic_registrations_revoked_check CHECK (cert_revoked_at IS NULL OR cert_revoked_reason <> '');

-- Existing registrations keep working: where the account or the school is known, the name, school
-- name and jenjang are taken from them (they were typed freely before); the others keep what
-- was typed. From now on a registration must name a school of the schools table: the foreign key
-- is NOT VALID, so it holds for every new or changed NPSN without refusing the old rows.
UPDATE clinic_registrations g SET name = u.name
    FROM users u WHERE u.id = g.user_id AND g.name <> u.name AND length(u.name) BETWEEN 2 AND 120;
UPDATE clinic_registrations g SET school_name = s.name, jenjang = s.jenjang
    FROM schools s WHERE s.npsn = g.npsn AND (g.school_name <> s.name OR g.jenjang <> s.jenjang);
ALTER TABLE clinic_registrations
    ADD CONSTRAINT clinic_registrations_npsn_fkey FOREIGN KEY (npsn) REFERENCES schools (npsn) NOT VALID;
