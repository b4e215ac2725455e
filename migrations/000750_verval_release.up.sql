-- A verval outcome reaches its applicant when its mail leaves the review outbox: verval_released_at
-- is set then (selection.ReleaseMail), and a tidak lolos verval's correction window counts from
-- it (correction_until stays empty while the outcome is held, so no correction is accepted).
ALTER TABLE applications ADD COLUMN verval_released_at timestamptz;
UPDATE applications a SET verval_released_at = a.verval_decided_at
WHERE a.verval_decided_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.held AND m.ref = 'verval:' || a.id);
UPDATE applications a SET correction_until = NULL
WHERE a.verval_decided_at IS NOT NULL AND a.verval_released_at IS NULL;
CREATE INDEX applications_verval_unreleased_idx ON applications (id)
    WHERE verval_decided_at IS NOT NULL AND verval_released_at IS NULL;
CREATE INDEX mail_outbox_release_verval_idx ON mail_outbox (release_id) WHERE ref LIKE 'verval:%';
