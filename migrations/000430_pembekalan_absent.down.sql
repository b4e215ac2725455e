UPDATE pembekalan_seats SET status = 'confirmed' WHERE status = 'absent';
ALTER TABLE pembekalan_seats DROP CONSTRAINT pembekalan_seats_status_check;
ALTER TABLE pembekalan_seats ADD CONSTRAINT pembekalan_seats_status_check
    CHECK (status IN ('offered', 'confirmed', 'declined', 'expired', 'attended'));
