-- Where an application stands (application.StatusKey) reads its latest pembekalan seat for
-- every row of a list page: by application, newest first.
CREATE INDEX pembekalan_seats_application_idx ON pembekalan_seats (application_id, id DESC);
