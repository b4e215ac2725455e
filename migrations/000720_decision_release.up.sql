-- A decision (a verval outcome, a published result, a seat offer) reaches its applicant only
-- once the mail reporting it has left the review outbox. Each held mail names the decision it
-- reports (ref: "verval:<application>", "run:<result run>", "seat:<seat>"); a page shows a
-- decision only while no mail of its ref is held (mail.ReleasedSQL).
ALTER TABLE mail_outbox ADD COLUMN ref text NOT NULL DEFAULT '';
CREATE INDEX mail_outbox_held_ref_idx ON mail_outbox (ref) WHERE held AND ref <> '';

-- When a run's mails were released: its appeal window counts from then (published runs are
-- immutable, so the time is kept beside the run).
CREATE TABLE run_releases (
    run_id      bigint PRIMARY KEY REFERENCES result_runs (id),
    released_at timestamptz NOT NULL
);
INSERT INTO run_releases (run_id, released_at) SELECT id, published_at FROM result_runs WHERE published_at IS NOT NULL;

-- A seat offer's confirmation window starts when its mail is released: released_at is set then
-- and confirm_by counted from it (until then the offer is not shown, confirmed, reminded of nor
-- expired: selection.SeatReleased).
ALTER TABLE pembekalan_seats ADD COLUMN released_at timestamptz;
UPDATE pembekalan_seats ps SET released_at = r.published_at FROM result_runs r WHERE r.id = ps.run_id;
CREATE INDEX pembekalan_seats_unreleased_idx ON pembekalan_seats (id) WHERE released_at IS NULL;
