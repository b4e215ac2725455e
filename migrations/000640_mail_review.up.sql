-- Decisions are mailed only after review: verval outcomes, result publications and seat offers
-- are written into the outbox held (held = true) and the national admin releases them at once.
-- Each row also records what kind of mail it is (its catalogue key), the recipient's language
-- and, for a result, the outcome, so the review page can show samples and counts.
CREATE TABLE mail_releases (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    released_by bigint REFERENCES users (id),
    released_at timestamptz NOT NULL DEFAULT now(),
    up_to_id    bigint NOT NULL,
    mails       int NOT NULL CHECK (mails >= 0)
);
ALTER TABLE mail_outbox
    ADD COLUMN kind       text NOT NULL DEFAULT '',
    ADD COLUMN lang       text NOT NULL DEFAULT 'id' CHECK (lang IN ('id', 'en')),
    ADD COLUMN outcome    text NOT NULL DEFAULT '',
    ADD COLUMN held       boolean NOT NULL DEFAULT false,
    ADD COLUMN release_id bigint REFERENCES mail_releases (id);
DROP INDEX IF EXISTS mail_outbox_unsent_idx;
CREATE INDEX mail_outbox_unsent_idx ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND NOT held;
CREATE INDEX mail_outbox_held_idx ON mail_outbox (kind, id) WHERE held;
