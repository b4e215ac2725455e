-- Reference data: regions (Kemendagri codes, loaded from data/wilayah by the app) and schools.
CREATE TABLE provinces (
    code     text PRIMARY KEY CHECK (code ~ '^\d{2}$'),
    name     text NOT NULL,
    timezone text NOT NULL CHECK (timezone IN ('WIB', 'WITA', 'WIT'))
);

CREATE TABLE regencies (
    code          text PRIMARY KEY CHECK (code ~ '^\d{2}\.\d{2}$'),
    province_code text NOT NULL REFERENCES provinces (code),
    name          text NOT NULL
);
CREATE INDEX regencies_province_idx ON regencies (province_code);

CREATE TABLE districts (
    code         text PRIMARY KEY CHECK (code ~ '^\d{2}\.\d{2}\.\d{2}$'),
    regency_code text NOT NULL REFERENCES regencies (code),
    name         text NOT NULL
);
CREATE INDEX districts_regency_idx ON districts (regency_code);

CREATE TABLE schools (
    npsn           text PRIMARY KEY CHECK (npsn ~ '^(\d{8}|[PK]\d{7})$'),
    name           text NOT NULL CHECK (length(name) BETWEEN 3 AND 200),
    jenjang        text NOT NULL CHECK (jenjang IN ('PAUD', 'SD', 'SMP', 'SMA', 'SMK', 'SLB', 'MI', 'MTS', 'MA', 'PKBM', 'SKB', 'LKP')),
    status         text NOT NULL CHECK (status IN ('negeri', 'swasta')),
    regency_code   text NOT NULL REFERENCES regencies (code),
    district_code  text REFERENCES districts (code),
    address        text NOT NULL DEFAULT '',
    email          text NOT NULL DEFAULT '',
    principal_name text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schools_regency_idx ON schools (regency_code, jenjang);
CREATE INDEX schools_name_idx ON schools (lower(name) text_pattern_ops);

-- Accounts.
CREATE TABLE users (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email             text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name              text NOT NULL CHECK (length(name) BETWEEN 2 AND 120),
    phone             text NOT NULL DEFAULT '',
    password_hash     text NOT NULL,
    email_verified_at timestamptz,
    language          text NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
    disabled_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_name_idx ON users (lower(name) text_pattern_ops);

-- One teacher profile per account, one account per NIK.
CREATE TABLE teacher_profiles (
    user_id           bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    nik               text NOT NULL UNIQUE CHECK (nik ~ '^\d{16}$'),
    nuptk             text NOT NULL DEFAULT '' CHECK (nuptk = '' OR nuptk ~ '^\d{16}$'),
    nip               text NOT NULL DEFAULT '' CHECK (nip = '' OR nip ~ '^\d{18}$'),
    birth_date        date NOT NULL,
    gender            text NOT NULL CHECK (gender IN ('L', 'P')),
    npsn              text NOT NULL REFERENCES schools (npsn),
    jenjang           text NOT NULL,
    subject           text NOT NULL,
    employment_status text NOT NULL CHECK (employment_status IN ('PNS', 'PPPK', 'GTY', 'honorer')),
    years_teaching    int  NOT NULL CHECK (years_teaching BETWEEN 0 AND 60),
    education         text NOT NULL CHECK (education IN ('SMA', 'D1', 'D2', 'D3', 'S1', 'D4', 'S2', 'S3')),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX teacher_profiles_npsn_idx ON teacher_profiles (npsn);

-- Role grants, each with its region scope: national (no codes), a province, or a kabupaten/kota.
CREATE TABLE role_grants (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role          text NOT NULL CHECK (role IN ('guru', 'asesor', 'pengajar_praktik', 'fasilitator', 'dinas', 'bgp', 'admin')),
    province_code text REFERENCES provinces (code),
    regency_code  text REFERENCES regencies (code),
    granted_by    bigint REFERENCES users (id),
    granted_at    timestamptz NOT NULL DEFAULT now(),
    revoked_by    bigint REFERENCES users (id),
    revoked_at    timestamptz,
    CHECK (regency_code IS NULL OR province_code = substr(regency_code, 1, 2)),
    CHECK (role <> 'bgp' OR (province_code IS NOT NULL AND regency_code IS NULL)),
    CHECK (role <> 'dinas' OR province_code IS NOT NULL),
    CHECK (role <> 'admin' OR (province_code IS NULL AND regency_code IS NULL))
);
CREATE UNIQUE INDEX role_grants_active_key ON role_grants (user_id, role, coalesce(province_code, ''), coalesce(regency_code, ''))
    WHERE revoked_at IS NULL;
CREATE INDEX role_grants_scope_idx ON role_grants (role, province_code, regency_code) WHERE revoked_at IS NULL;

-- scs sessions (pgxstore).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Single-use tokens for email verification and password reset, stored hashed.
CREATE TABLE user_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, purpose);

-- Failed sign-in attempts, for rate limiting per account and per client address.
CREATE TABLE login_failures (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email  text NOT NULL,
    ip     text NOT NULL,
    at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);

-- Outgoing mail: every message is kept (the development outbox page shows them); a River job sends it.
CREATE TABLE mail_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_addr    text NOT NULL,
    subject    text NOT NULL,
    body_text  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    last_error text NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_to_idx ON mail_outbox (to_addr, id DESC);

-- Append-only, hash-chained audit log.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id),
    actor_ip    text NOT NULL DEFAULT '',
    action      text NOT NULL,
    object_type text NOT NULL,
    object_id   text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}',
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL UNIQUE
);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
