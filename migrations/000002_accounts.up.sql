-- Requests for emailed links (verification resend, password reset), for rate limiting per
-- email and per client address. Kept whether or not the email belongs to an account, so the
-- limit says nothing about which accounts exist.
CREATE TABLE token_requests (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    email   text NOT NULL,
    ip      text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX token_requests_email_idx ON token_requests (purpose, email, at);
CREATE INDEX token_requests_ip_idx ON token_requests (purpose, ip, at);

-- Mail delivery retries: attempts so far and when the next one may run.
ALTER TABLE mail_outbox
    ADD COLUMN attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX mail_outbox_unsent_idx ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
