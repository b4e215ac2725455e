-- Reminders through the outbox: per cohort, how long before each deadline they go out (draft
-- applications before the registration deadline, seat offers before confirm_by and again one
-- day before, assessors' open sheets before their due date, tahap 2 sessions before they
-- start). A cohort without a row uses the defaults; a copied cohort gets its source's row.
CREATE TABLE cohort_reminders (
    cohort_id    bigint PRIMARY KEY REFERENCES cohorts (id) ON DELETE CASCADE,
    draft_days   int NOT NULL DEFAULT 3  CHECK (draft_days BETWEEN 1 AND 30),
    seat_days    int NOT NULL DEFAULT 3  CHECK (seat_days BETWEEN 2 AND 30),
    sheet_days   int NOT NULL DEFAULT 2  CHECK (sheet_days BETWEEN 1 AND 30),
    tahap2_hours int NOT NULL DEFAULT 24 CHECK (tahap2_hours BETWEEN 1 AND 168),
    updated_by   bigint REFERENCES users (id),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION cohort_reminders_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.copied_from IS NOT NULL THEN
        INSERT INTO cohort_reminders (cohort_id, draft_days, seat_days, sheet_days, tahap2_hours, updated_by)
        SELECT NEW.id, draft_days, seat_days, sheet_days, tahap2_hours, NEW.created_by
        FROM cohort_reminders WHERE cohort_id = NEW.copied_from;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cohorts_copy_reminders AFTER INSERT ON cohorts
    FOR EACH ROW EXECUTE FUNCTION cohort_reminders_copy();

-- One reminder per person per event: the row is written in the transaction that enqueues the
-- mail, so a job that runs twice (or twice at once) mails once. event tells apart two events
-- of one object (a rescheduled session, another due date).
CREATE TABLE reminders_sent (
    kind    text   NOT NULL CHECK (kind IN ('draft', 'seat', 'seat_last', 'sheet', 'tahap2')),
    ref     bigint NOT NULL,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event   text   NOT NULL DEFAULT '',
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, ref, user_id, event)
);
CREATE INDEX reminders_sent_user_idx ON reminders_sent (user_id);
