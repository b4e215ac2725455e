-- Schools: keyset pagination of the admin list orders by (name, npsn).
CREATE INDEX schools_name_npsn_idx ON schools (name, npsn);

-- Personal data rights (UU 27/2022, SECURITY.md 19): a user asks for the deletion of their data;
-- an admin processes the request later. At most one open request per user, so a double submit
-- is harmless.
CREATE TABLE data_deletion_requests (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason       text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    requested_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    processed_by bigint REFERENCES users (id),
    outcome      text NOT NULL DEFAULT '' CHECK (outcome IN ('', 'deleted', 'rejected'))
);
CREATE UNIQUE INDEX data_deletion_requests_open_key ON data_deletion_requests (user_id) WHERE processed_at IS NULL;
