DROP INDEX IF EXISTS pembekalan_seats_application_idx;
