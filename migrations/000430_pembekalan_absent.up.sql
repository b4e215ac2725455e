-- A confirmed participant who does not come to the briefing is recorded as absent: they do not
-- become a CGP, and the cohort can move on to pendidikan.
ALTER TABLE pembekalan_seats DROP CONSTRAINT pembekalan_seats_status_check;
ALTER TABLE pembekalan_seats ADD CONSTRAINT pembekalan_seats_status_check
    CHECK (status IN ('offered', 'confirmed', 'declined', 'expired', 'attended', 'absent'));
