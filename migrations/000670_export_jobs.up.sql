-- Long exports (issue 13): an export expected to hold more rows than EXPORT_JOB_ROWS is not
-- streamed within the request but queued as a River job ("export_run", internal/jobs). The row
-- keeps everything the worker needs to run the same query again: the kind, the format, the
-- filters (also what the audit entry records) and the viewer's scope as it was at the request
-- (query: region scope, published-only rule), so the worker never sees more than the request
-- would have. The owner follows its progress on /ekspor/tugas/{id}; the finished file lives in
-- the file storage under storage_key and is downloaded with the random download_token by its
-- owner only, until expires_at (finished_at + link_ttl); the retention job then deletes the
-- file and clears storage_key.
CREATE TABLE export_jobs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           text   NOT NULL CHECK (kind IN ('lamaran', 'verval', 'hasil', 'pengguna')),
    object         text   NOT NULL DEFAULT '' CHECK (length(object) <= 40),
    format         text   NOT NULL CHECK (format IN ('xlsx', 'csv')),
    filters        jsonb  NOT NULL DEFAULT '{}',
    query          jsonb  NOT NULL,
    status         text   NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    rows_done      bigint NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
    rows_expected  bigint NOT NULL DEFAULT 0 CHECK (rows_expected >= 0),
    storage_key    text   CHECK (storage_key IS NULL OR storage_key ~ '^exports/[a-f0-9]{32}\.(xlsx|csv)$'),
    size_bytes     bigint CHECK (size_bytes IS NULL OR size_bytes >= 0),
    download_token text   NOT NULL UNIQUE CHECK (download_token ~ '^[A-Za-z0-9_-]{43}$'),
    link_ttl       interval NOT NULL DEFAULT '24 hours' CHECK (link_ttl > interval '0'),
    expires_at     timestamptz,
    error          text   NOT NULL DEFAULT '',
    requested_ip   text   NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz,
    file_deleted_at timestamptz,
    CHECK (status <> 'done' OR (finished_at IS NOT NULL AND expires_at IS NOT NULL))
);
CREATE INDEX export_jobs_owner_idx ON export_jobs (owner_id, id DESC);
CREATE INDEX export_jobs_expiry_idx ON export_jobs (expires_at) WHERE storage_key IS NOT NULL;
