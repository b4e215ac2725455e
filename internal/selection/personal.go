package selection

import (
	"context"
	"encoding/json"
)

// PersonalData is what the selection holds about one user, for their personal-data download:
// the scores of their applications (stage score and criterion scores of every submitted sheet,
// without the assessor's identity) and their results, once a result run including them is
// published and its mails released (before that they are the assessors' work in progress, or a
// decision not yet announced: RunReleased); their pembekalan seats once offered to them
// (SeatReleased) and their tahap 2 session.
func (s *Store) PersonalData(ctx context.Context, userID int64) (json.RawMessage, error) {
	var out json.RawMessage
	err := s.db.QueryRow(ctx, `WITH mine AS (SELECT id FROM applications WHERE user_id = $1),
		published AS (SELECT DISTINCT rr.application_id FROM run_results rr JOIN result_runs r ON r.id = rr.run_id
			WHERE r.published_at IS NOT NULL AND `+RunReleased+` AND rr.application_id IN (SELECT id FROM mine))
		SELECT jsonb_build_object(
		'scores', coalesce((SELECT jsonb_agg(jsonb_build_object('application_id', ss.application_id, 'stage', ss.stage,
			'adjudication', ss.adjudicator, 'submitted_at', ss.submitted_at, 'stage_score', ss.stage_score, 'criterion_scores', ss.scores)
			ORDER BY ss.application_id, ss.stage, ss.id) FROM score_sheets ss
			WHERE ss.application_id IN (SELECT application_id FROM published) AND ss.submitted_at IS NOT NULL), '[]'::jsonb),
		'results', coalesce((SELECT jsonb_agg(jsonb_build_object('application_id', rr.application_id, 'run_id', rr.run_id,
			'published_at', r.published_at, 'correction_of_run', r.corrects_run_id, 'score', rr.score, 'stage_scores', rr.stage_scores,
			'outcome', rr.outcome, 'rank_in_regency', rr.rank, 'regency_code', rr.regency_code) ORDER BY r.published_at, rr.run_id)
			FROM run_results rr JOIN result_runs r ON r.id = rr.run_id
			WHERE r.published_at IS NOT NULL AND `+RunReleased+` AND rr.application_id IN (SELECT id FROM mine)), '[]'::jsonb),
		'seats', coalesce((SELECT jsonb_agg(jsonb_build_object('application_id', ps.application_id, 'run_id', ps.run_id,
			'status', ps.status, 'confirm_by', ps.confirm_by, 'confirmed_at', ps.confirmed_at, 'pakta_uploaded', ps.pakta_storage IS NOT NULL,
			'pakta_sha256', ps.pakta_sha256, 'freed_at', ps.freed_at, 'attended_at', ps.attended_at, 'created_at', ps.created_at,
			'released_at', ps.released_at) ORDER BY ps.id)
			FROM pembekalan_seats ps WHERE ps.application_id IN (SELECT id FROM mine) AND `+SeatReleased+`), '[]'::jsonb),
		'tahap2', coalesce((SELECT jsonb_agg(jsonb_build_object('application_id', t.application_id, 'starts_at', t.starts_at,
			'minutes', t.minutes, 'mode', t.mode, 'location', t.location, 'status', t.status, 'reschedule_reason', t.reschedule_reason,
			'reschedule_asked_at', t.reschedule_asked_at, 'rescheduled_at', t.rescheduled_at) ORDER BY t.id)
			FROM tahap2_slots t WHERE t.application_id IN (SELECT id FROM mine)), '[]'::jsonb))`, userID).Scan(&out)
	return out, err
}
