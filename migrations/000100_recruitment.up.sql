-- Recruitment: cohorts (angkatan) with their configuration, and the teachers' applications
-- from draft to submitted receipt and document verification (verval).

-- A cohort. Every program number is configuration here, never a constant in code.
CREATE TABLE cohorts (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number                 int  NOT NULL CHECK (number BETWEEN 1 AND 999),
    name                   text NOT NULL CHECK (length(name) BETWEEN 2 AND 120),
    program_kind           text NOT NULL CHECK (program_kind IN ('cgp', 'pp', 'fasilitator', 'kepala_sekolah')),
    registration_opens_at  timestamptz NOT NULL,
    registration_closes_at timestamptz NOT NULL,
    -- Stage plan.
    administrasi_starts_on date,
    administrasi_ends_on   date,
    simulasi_starts_on     date,
    simulasi_ends_on       date,
    pembekalan_starts_on   date,
    pembekalan_ends_on     date,
    training_months        int  NOT NULL DEFAULT 6 CHECK (training_months BETWEEN 1 AND 24),
    -- Eligibility rules.
    min_years_teaching     int    NOT NULL DEFAULT 5 CHECK (min_years_teaching BETWEEN 0 AND 40),
    eligible_education     text[] NOT NULL DEFAULT '{S1,D4,S2,S3}',
    eligible_jenjang       text[] NOT NULL DEFAULT '{PAUD,SD,SMP,SMA,SMK,SLB}',
    max_age                int CHECK (max_age IS NULL OR max_age BETWEEN 20 AND 70),
    excluded_roles         text[] NOT NULL DEFAULT '{pengajar_praktik,asesor,fasilitator}',
    -- Verval: days after a failed verval during which rejected documents may be replaced once (0 = none).
    correction_days        int  NOT NULL DEFAULT 0 CHECK (correction_days BETWEEN 0 AND 30),
    status                 text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'pendaftaran', 'seleksi', 'pembekalan', 'pendidikan', 'selesai')),
    copied_from            bigint REFERENCES cohorts (id) ON DELETE SET NULL,
    created_by             bigint REFERENCES users (id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CHECK (registration_closes_at > registration_opens_at),
    UNIQUE (program_kind, number)
);
CREATE INDEX cohorts_status_idx ON cohorts (status);

-- Target kabupaten/kota (kab/kota sasaran) with a quota each.
CREATE TABLE cohort_regencies (
    cohort_id    bigint NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    regency_code text   NOT NULL REFERENCES regencies (code),
    quota        int    NOT NULL CHECK (quota BETWEEN 1 AND 100000),
    PRIMARY KEY (cohort_id, regency_code)
);
CREATE INDEX cohort_regencies_regency_idx ON cohort_regencies (regency_code);

-- Essay questions, grouped in packages, each with its character limits.
CREATE TABLE essay_questions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id  bigint NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    group_name text   NOT NULL DEFAULT '' CHECK (length(group_name) <= 120),
    position   int    NOT NULL DEFAULT 0,
    prompt     text   NOT NULL CHECK (length(prompt) BETWEEN 5 AND 2000),
    min_chars  int    NOT NULL DEFAULT 0 CHECK (min_chars >= 0),
    max_chars  int    NOT NULL CHECK (max_chars BETWEEN 1 AND 20000),
    CHECK (max_chars >= min_chars)
);
CREATE INDEX essay_questions_cohort_idx ON essay_questions (cohort_id, position, id);

-- Documents the applicant uploads (PDF), with guidance and a size limit each.
CREATE TABLE required_documents (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id bigint NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    position  int    NOT NULL DEFAULT 0,
    name      text   NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
    guidance  text   NOT NULL DEFAULT '' CHECK (length(guidance) <= 2000),
    required  boolean NOT NULL DEFAULT true,
    max_bytes int    NOT NULL DEFAULT 2097152 CHECK (max_bytes BETWEEN 1024 AND 20971520)
);
CREATE INDEX required_documents_cohort_idx ON required_documents (cohort_id, position, id);

-- One application per teacher per cohort. School, region, jenjang and name are copied from the
-- profile when the application starts (and again at submit) so regional lists filter on
-- indexed columns of this table alone.
CREATE TABLE applications (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cohort_id            bigint NOT NULL REFERENCES cohorts (id),
    user_id              bigint NOT NULL REFERENCES users (id),
    status               text   NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'withdrawn', 'lolos_verval', 'tidak_lolos_verval')),
    applicant_name       text   NOT NULL,
    npsn                 text   NOT NULL REFERENCES schools (npsn),
    regency_code         text   NOT NULL REFERENCES regencies (code),
    province_code        text   NOT NULL REFERENCES provinces (code),
    jenjang              text   NOT NULL,
    profile_confirmed_at timestamptz,
    submitted_at         timestamptz,
    registration_number  text UNIQUE,
    receipt_checksum     text,
    submitted_content    jsonb,
    withdrawn_at         timestamptz,
    verval_decided_at    timestamptz,
    verval_decided_by    bigint REFERENCES users (id),
    correction_until     timestamptz,
    correction_used_at   timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cohort_id, user_id),
    CHECK (province_code = substr(regency_code, 1, 2)),
    CHECK (status = 'draft' OR status = 'withdrawn' OR (submitted_at IS NOT NULL AND registration_number IS NOT NULL AND receipt_checksum IS NOT NULL))
);
CREATE INDEX applications_user_idx ON applications (user_id);
CREATE INDEX applications_cohort_idx ON applications (cohort_id, id);
CREATE INDEX applications_cohort_status_idx ON applications (cohort_id, status, id);
CREATE INDEX applications_cohort_regency_idx ON applications (cohort_id, regency_code, id);
CREATE INDEX applications_cohort_province_idx ON applications (cohort_id, province_code, id);
CREATE INDEX applications_npsn_idx ON applications (npsn, id);
CREATE INDEX applications_name_idx ON applications (cohort_id, lower(applicant_name) text_pattern_ops);

-- CV: repeatable entries per section.
CREATE TABLE application_cv_entries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    section        text   NOT NULL CHECK (section IN ('umum', 'pelatihan', 'organisasi', 'relawan', 'pengembangan')),
    title          text   NOT NULL CHECK (length(title) BETWEEN 2 AND 200),
    organisation   text   NOT NULL DEFAULT '' CHECK (length(organisation) <= 200),
    year_from      int CHECK (year_from IS NULL OR year_from BETWEEN 1950 AND 2100),
    year_to        int CHECK (year_to IS NULL OR year_to BETWEEN 1950 AND 2100),
    description    text   NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (year_to IS NULL OR year_from IS NULL OR year_to >= year_from)
);
CREATE INDEX application_cv_entries_app_idx ON application_cv_entries (application_id, section, id);

-- Essay answers (drafts autosave into the same row).
CREATE TABLE application_essays (
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    question_id    bigint NOT NULL REFERENCES essay_questions (id) ON DELETE CASCADE,
    body           text   NOT NULL DEFAULT '' CHECK (length(body) <= 20000),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, question_id)
);

-- Uploaded documents: one current file per required document; the file lives under the upload
-- directory with a random name. verval_status is the current verdict.
CREATE TABLE application_documents (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id       bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    required_document_id bigint NOT NULL REFERENCES required_documents (id),
    storage_name         text   NOT NULL UNIQUE CHECK (storage_name ~ '^[a-f0-9]{32}\.pdf$'),
    original_name        text   NOT NULL CHECK (length(original_name) <= 255),
    size_bytes           int    NOT NULL CHECK (size_bytes > 0),
    sha256               text   NOT NULL CHECK (sha256 ~ '^[a-f0-9]{64}$'),
    uploaded_at          timestamptz NOT NULL DEFAULT now(),
    verval_status        text   NOT NULL DEFAULT 'pending' CHECK (verval_status IN ('pending', 'valid', 'invalid')),
    verval_reason        text   NOT NULL DEFAULT '',
    verval_note          text   NOT NULL DEFAULT '' CHECK (length(verval_note) <= 1000),
    verval_by            bigint REFERENCES users (id),
    verval_at            timestamptz,
    corrected_at         timestamptz,
    UNIQUE (application_id, required_document_id),
    CHECK (verval_status <> 'invalid' OR verval_reason <> '')
);

-- Consent to the processing of personal data (UU PDP), recorded with time and text version.
CREATE TABLE application_consents (
    application_id bigint PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    text_version   text   NOT NULL,
    consented_at   timestamptz NOT NULL,
    ip             text   NOT NULL DEFAULT ''
);

-- Verval work: one assessor per application.
CREATE TABLE verval_assignments (
    application_id bigint PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    assessor_id    bigint NOT NULL REFERENCES users (id),
    assigned_by    bigint REFERENCES users (id),
    assigned_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verval_assignments_assessor_idx ON verval_assignments (assessor_id, application_id);

-- Every verval decision on a document, append-only history (the current verdict is on the document).
CREATE TABLE verval_decisions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES application_documents (id) ON DELETE CASCADE,
    assessor_id bigint NOT NULL REFERENCES users (id),
    verdict     text   NOT NULL CHECK (verdict IN ('valid', 'invalid')),
    reason      text   NOT NULL DEFAULT '',
    note        text   NOT NULL DEFAULT '',
    decided_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verval_decisions_document_idx ON verval_decisions (document_id, id);
