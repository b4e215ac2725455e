-- The signed-in user of a session, beside its encoded data (issue 8, dashboard ratio): the
-- session is read with its user and their active role grants in one query, instead of the
-- session first and then the principal. Written by the session store from the data it commits
-- (NULL for a signed-out session and for rows written before this migration, which are read
-- as before: the principal in a second query). Not a foreign key: the user is LEFT JOINed, so
-- a deleted user reads as no principal and the session is destroyed, as before.
ALTER TABLE sessions ADD COLUMN user_id bigint;
