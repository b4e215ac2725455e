-- Training (pendidikan): per-cohort settings, the roster of CGPs, appointed pengajar praktik and
-- fasilitator, groups under a PP (proposed by the system, confirmed by the BGP) with their history.

-- Every number of the training is a per-cohort setting; the column defaults are the Guru Penggerak
-- program's (DOMAIN.md, Training), copied onto the cohort's row when its roster is first built.
CREATE TABLE training_settings (
    cohort_id           bigint PRIMARY KEY REFERENCES cohorts (id),
    group_min           int NOT NULL DEFAULT 5  CHECK (group_min BETWEEN 1 AND 50),
    group_max           int NOT NULL DEFAULT 6  CHECK (group_max BETWEEN 1 AND 50),
    pp_cap              int NOT NULL DEFAULT 6  CHECK (pp_cap BETWEEN 1 AND 200),
    fasilitator_cap     int NOT NULL DEFAULT 4  CHECK (fasilitator_cap BETWEEN 1 AND 50),
    visits_planned      int NOT NULL DEFAULT 6  CHECK (visits_planned BETWEEN 0 AND 30),
    ack_days            int NOT NULL DEFAULT 7  CHECK (ack_days BETWEEN 1 AND 90),
    attendance_min_pct  int NOT NULL DEFAULT 80 CHECK (attendance_min_pct BETWEEN 0 AND 100),
    module_packages     int NOT NULL DEFAULT 3  CHECK (module_packages BETWEEN 1 AND 20),
    modules             int NOT NULL DEFAULT 10 CHECK (modules BETWEEN 1 AND 100),
    lokakarya_count     int NOT NULL DEFAULT 8  CHECK (lokakarya_count BETWEEN 1 AND 20),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (group_min <= group_max)
);

-- The CGPs of a cohort: a confirmed participant whose pembekalan attendance was recorded.
-- School, jenjang and kab/kota are those of the application.
CREATE TABLE training_participants (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id       bigint NOT NULL REFERENCES cohorts (id),
    user_id         bigint NOT NULL REFERENCES users (id),
    application_id  bigint NOT NULL REFERENCES applications (id),
    name            text   NOT NULL,
    npsn            text   NOT NULL REFERENCES schools (npsn),
    regency_code    text   NOT NULL REFERENCES regencies (code),
    province_code   text   NOT NULL REFERENCES provinces (code),
    jenjang         text   NOT NULL,
    status          text   NOT NULL DEFAULT 'aktif' CHECK (status IN ('aktif', 'mundur')),
    withdrawn_at    timestamptz,
    withdraw_reason text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cohort_id, user_id),
    UNIQUE (application_id),
    CHECK (province_code = substr(regency_code, 1, 2)),
    CHECK (status <> 'mundur' OR (withdrawn_at IS NOT NULL AND length(withdraw_reason) > 0))
);
CREATE INDEX training_participants_region_idx ON training_participants (cohort_id, province_code, regency_code);
CREATE INDEX training_participants_user_idx ON training_participants (user_id);

-- An appointment of a pengajar praktik or fasilitator for a cohort, in one kab/kota, with a
-- caseload cap (CGPs for a PP, PP groups for a fasilitator). npsn is the mentor's school at the
-- time of appointment (from their teacher profile), used for the own-school rule.
CREATE TABLE training_mentors (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id     bigint NOT NULL REFERENCES cohorts (id),
    user_id       bigint NOT NULL REFERENCES users (id),
    role          text   NOT NULL CHECK (role IN ('pengajar_praktik', 'fasilitator')),
    regency_code  text   NOT NULL REFERENCES regencies (code),
    province_code text   NOT NULL REFERENCES provinces (code),
    npsn          text   REFERENCES schools (npsn),
    cap           int    NOT NULL CHECK (cap BETWEEN 1 AND 200),
    appointed_by  bigint NOT NULL REFERENCES users (id),
    appointed_at  timestamptz NOT NULL DEFAULT now(),
    ended_at      timestamptz,
    ended_reason  text,
    CHECK (province_code = substr(regency_code, 1, 2))
);
CREATE UNIQUE INDEX training_mentors_active_key ON training_mentors (cohort_id, user_id, role) WHERE ended_at IS NULL;
CREATE INDEX training_mentors_user_idx ON training_mentors (user_id) WHERE ended_at IS NULL;

-- A group of CGPs of one kab/kota under one PP, in a fasilitator's class. 'usulan' is the
-- system's proposal the BGP may edit; 'aktif' is confirmed.
CREATE TABLE training_groups (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id      bigint NOT NULL REFERENCES cohorts (id),
    province_code  text   NOT NULL REFERENCES provinces (code),
    regency_code   text   NOT NULL REFERENCES regencies (code),
    number         int    NOT NULL,
    pp_id          bigint NOT NULL REFERENCES training_mentors (id),
    fasilitator_id bigint REFERENCES training_mentors (id),
    status         text   NOT NULL DEFAULT 'usulan' CHECK (status IN ('usulan', 'aktif')),
    confirmed_at   timestamptz,
    confirmed_by   bigint REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cohort_id, regency_code, number),
    CHECK (province_code = substr(regency_code, 1, 2)),
    CHECK (status <> 'aktif' OR confirmed_at IS NOT NULL)
);
CREATE INDEX training_groups_pp_idx ON training_groups (pp_id);
CREATE INDEX training_groups_fas_idx ON training_groups (fasilitator_id);
CREATE INDEX training_groups_region_idx ON training_groups (cohort_id, province_code, regency_code);

-- A CGP is in at most one group.
CREATE TABLE training_group_members (
    participant_id bigint PRIMARY KEY REFERENCES training_participants (id),
    group_id       bigint NOT NULL REFERENCES training_groups (id) ON DELETE CASCADE,
    joined_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX training_group_members_group_idx ON training_group_members (group_id);

-- CGPs the proposal could not place, each with the reason (a message key).
CREATE TABLE training_unplaced (
    participant_id bigint PRIMARY KEY REFERENCES training_participants (id),
    cohort_id      bigint NOT NULL REFERENCES cohorts (id),
    province_code  text   NOT NULL REFERENCES provinces (code),
    reason         text   NOT NULL
);
CREATE INDEX training_unplaced_idx ON training_unplaced (cohort_id, province_code);

-- Every change to a confirmed group, with its reason. Append-only.
CREATE TABLE training_group_history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id   bigint NOT NULL REFERENCES training_groups (id),
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint REFERENCES users (id),
    kind       text   NOT NULL,
    detail     text   NOT NULL DEFAULT '',
    reason     text   NOT NULL DEFAULT ''
);
CREATE INDEX training_group_history_group_idx ON training_group_history (group_id, id);
CREATE FUNCTION training_group_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'training_group_history is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER training_group_history_immutable BEFORE UPDATE OR DELETE ON training_group_history
    FOR EACH ROW EXECUTE FUNCTION training_group_history_append_only();

-- The roster is built when a cohort moves to pendidikan: its settings row (the defaults) and one
-- participant per confirmed, attended pembekalan seat (the cohort transition guard has made sure
-- every confirmed seat's attendance is recorded). Idempotent.
CREATE FUNCTION training_build_roster(cid bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO training_settings (cohort_id) VALUES (cid) ON CONFLICT DO NOTHING;
    INSERT INTO training_participants (cohort_id, user_id, application_id, name, npsn, regency_code, province_code, jenjang)
    SELECT DISTINCT ON (a.id) a.cohort_id, a.user_id, a.id, a.applicant_name, a.npsn, a.regency_code, a.province_code, a.jenjang
    FROM pembekalan_seats ps
    JOIN result_runs r ON r.id = ps.run_id
    JOIN applications a ON a.id = ps.application_id
    WHERE r.cohort_id = cid AND ps.status = 'attended' AND ps.confirmed_at IS NOT NULL
    ORDER BY a.id
    ON CONFLICT DO NOTHING;
$$;
CREATE FUNCTION training_roster_on_pendidikan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM training_build_roster(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER cohorts_training_roster AFTER UPDATE OF status ON cohorts
    FOR EACH ROW WHEN (NEW.status = 'pendidikan' AND OLD.status IS DISTINCT FROM 'pendidikan')
    EXECUTE FUNCTION training_roster_on_pendidikan();
SELECT training_build_roster(id) FROM cohorts WHERE status IN ('pendidikan', 'selesai');
