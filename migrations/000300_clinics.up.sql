-- Coaching clinics and sosialisasi: events, sessions, invited schools, registrations (with a
-- waiting list), attendance per session and feedback.
CREATE TABLE clinics (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                text NOT NULL CHECK (kind IN ('coaching_clinic', 'sosialisasi')),
    title               text NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
    description         text NOT NULL DEFAULT '',
    organiser           text NOT NULL CHECK (length(organiser) BETWEEN 3 AND 200),
    partner             text NOT NULL DEFAULT '',
    province_code       text NOT NULL REFERENCES provinces (code),
    regency_code        text REFERENCES regencies (code),
    mode                text NOT NULL CHECK (mode IN ('offline', 'online', 'hybrid')),
    venue               text NOT NULL DEFAULT '',
    meeting_link        text NOT NULL DEFAULT '',
    capacity            int  NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
    school_slots        int  NOT NULL DEFAULT 0 CHECK (school_slots BETWEEN 0 AND 1000),
    jenjang             text[] NOT NULL DEFAULT '{}',
    registration_opens  timestamptz NOT NULL,
    registration_closes timestamptz NOT NULL,
    contact_name        text NOT NULL DEFAULT '',
    contact_phone       text NOT NULL DEFAULT '',
    letter_number       text NOT NULL DEFAULT '',
    signatory_name      text NOT NULL DEFAULT '',
    signatory_title     text NOT NULL DEFAULT '',
    status              text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'cancelled')),
    created_by          bigint REFERENCES users (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (registration_closes > registration_opens),
    CHECK (regency_code IS NULL OR province_code = substr(regency_code, 1, 2))
);
CREATE INDEX clinics_region_idx ON clinics (province_code, regency_code, status);

CREATE TABLE clinic_sessions (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id bigint NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    title     text NOT NULL DEFAULT '',
    starts_at timestamptz NOT NULL,
    ends_at   timestamptz NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX clinic_sessions_clinic_idx ON clinic_sessions (clinic_id, starts_at);

-- Invited schools: one surat undangan per school. NPSN is not a foreign key so that a list of
-- NPSN can be kept even before the school reference data is loaded; name and email are copied.
CREATE TABLE clinic_invitations (
    clinic_id      bigint NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    npsn           text NOT NULL CHECK (npsn ~ '^(\d{8}|[PK]\d{7})$'),
    school_name    text NOT NULL,
    principal_name text NOT NULL DEFAULT '',
    email          text NOT NULL DEFAULT '',
    address        text NOT NULL DEFAULT '',
    invited_at     timestamptz NOT NULL DEFAULT now(),
    emailed_at     timestamptz,
    PRIMARY KEY (clinic_id, npsn)
);

-- Registrations. Capacity and per-school slots are checked under a lock on the clinic row
-- (SELECT ... FOR UPDATE) in the registering transaction; the trigger below re-checks them so
-- that no code path can exceed them.
CREATE TABLE clinic_registrations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id    bigint NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    user_id      bigint REFERENCES users (id),
    nominated_by bigint REFERENCES users (id),
    name         text NOT NULL CHECK (length(name) BETWEEN 2 AND 120),
    email        text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    phone        text NOT NULL DEFAULT '',
    npsn         text NOT NULL DEFAULT '' CHECK (npsn = '' OR npsn ~ '^(\d{8}|[PK]\d{7})$'),
    school_name  text NOT NULL DEFAULT '',
    jenjang      text NOT NULL DEFAULT '',
    status       text NOT NULL CHECK (status IN ('registered', 'waiting', 'cancelled')),
    code         text NOT NULL UNIQUE,
    cert_code    text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    promoted_at  timestamptz,
    cancelled_at timestamptz
);
CREATE UNIQUE INDEX clinic_registrations_user_key ON clinic_registrations (clinic_id, user_id)
    WHERE status <> 'cancelled' AND user_id IS NOT NULL;
CREATE UNIQUE INDEX clinic_registrations_email_key ON clinic_registrations (clinic_id, email)
    WHERE status <> 'cancelled';
CREATE INDEX clinic_registrations_status_idx ON clinic_registrations (clinic_id, status, id);
CREATE INDEX clinic_registrations_user_idx ON clinic_registrations (user_id);

CREATE FUNCTION clinic_registrations_limits() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cap int;
    slots int;
    n int;
BEGIN
    SELECT capacity, school_slots INTO cap, slots FROM clinics WHERE id = NEW.clinic_id;
    IF NEW.status = 'registered' THEN
        SELECT count(*) INTO n FROM clinic_registrations
            WHERE clinic_id = NEW.clinic_id AND status = 'registered' AND id <> NEW.id;
        IF n >= cap THEN
            RAISE EXCEPTION 'clinic % is full', NEW.clinic_id USING ERRCODE = '23514';
        END IF;
    END IF;
    IF NEW.status <> 'cancelled' AND slots > 0 AND NEW.npsn <> '' THEN
        SELECT count(*) INTO n FROM clinic_registrations
            WHERE clinic_id = NEW.clinic_id AND npsn = NEW.npsn AND status <> 'cancelled' AND id <> NEW.id;
        IF n >= slots THEN
            RAISE EXCEPTION 'school slots of clinic % are taken', NEW.clinic_id USING ERRCODE = '23514';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER clinic_registrations_limits BEFORE INSERT OR UPDATE OF status ON clinic_registrations
    FOR EACH ROW EXECUTE FUNCTION clinic_registrations_limits();

CREATE TABLE clinic_attendance (
    registration_id bigint NOT NULL REFERENCES clinic_registrations (id) ON DELETE CASCADE,
    session_id      bigint NOT NULL REFERENCES clinic_sessions (id) ON DELETE CASCADE,
    checked_in_at   timestamptz NOT NULL DEFAULT now(),
    checked_in_by   bigint REFERENCES users (id),
    method          text NOT NULL CHECK (method IN ('scan', 'code', 'list')),
    PRIMARY KEY (registration_id, session_id)
);
CREATE INDEX clinic_attendance_session_idx ON clinic_attendance (session_id);

CREATE TABLE clinic_feedback (
    registration_id bigint PRIMARY KEY REFERENCES clinic_registrations (id) ON DELETE CASCADE,
    rating          int NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment         text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    created_at      timestamptz NOT NULL DEFAULT now()
);
