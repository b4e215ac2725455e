package selection

import (
	"context"
	"encoding/json"
)

// PersonalData is what the selection holds about one user, for their personal-data download:
// the scores of their applications (stage score and criterion scores of every submitted sheet,
// without the assessor's identity) and their results, once a result run including them is
// published (before that they are the assessors' work in progress); their pembekalan seats and
// their tahap 2 session.
func (s *Store) PersonalData(ctx context.Context, userID int64) (json.RawMessage, error) {
	var out json.RawMessage
	err := s.db.QueryRow(ctx, `WITH mine AS (SELECT id FROM applications WHERE user_id = $1),
		published AS (SELECT DISTINCT rr.application_id FROM run_results rr JOIN result_runs r ON r.id = rr.run_id
			WHERE r.published_at IS NOT NULL AND rr.application_id IN (SELECT id FROM mine))
		SELECT jsonb_build_object(
		'scores', coalesce((SELECT jsonb_agg(jsonb_build_object('application_id', ss.application_id, 'stage', ss.stage,
			'adjudication', ss.adjudicator, 'submitted_at', ss.submitted_at, 'stage_score', ss.stage_score, 'criterion_scores', ss.scores)
			ORDER BY ss.application_id, ss.stage, ss.id) FROM score_sheets ss
			WHERE ss.application_id IN (SELECT application_id FROM published) AND ss.submitted_at IS NOT NULL), '[]'::jsonb),
		'results', coalesce((SELECT jsonb_agg(jsonb_build_object('application_id', rr.application_id, 'run_id', rr.run_id,
			'published_at', r.published_at, 'correction_of_run', r.corrects_run_id, 'score', rr.score, 'stage_scores', rr.stage_scores,
			'outcome', rr.outcome, 'rank_in_regency', rr.rank, 'regency_code', rr.regency_code) ORDER BY r.published_at, rr.run_id)
			FROM run_results rr JOIN result_runs r ON r.id = rr.run_id
			WHERE r.published_at IS NOT NULL AND rr.application_id IN (SELECT id FROM mine)), '[]'::jsonb),
		'seats', coalesce((SELECT jsonb_agg(jsonb_build_object('application_id', p.application_id, 'run_id', p.run_id,
			'status', p.status, 'confirm_by', p.confirm_by, 'confirmed_at', p.confirmed_at, 'pakta_uploaded', p.pakta_storage IS NOT NULL,
			'pakta_sha256', p.pakta_sha256, 'freed_at', p.freed_at, 'attended_at', p.attended_at, 'created_at', p.created_at) ORDER BY p.id)
			FROM pembekalan_seats p WHERE p.application_id IN (SELECT id FROM mine)), '[]'::jsonb),
		'tahap2', coalesce((SELECT jsonb_agg(jsonb_build_object('application_id', t.application_id, 'starts_at', t.starts_at,
			'minutes', t.minutes, 'mode', t.mode, 'location', t.location, 'status', t.status, 'reschedule_reason', t.reschedule_reason,
			'reschedule_asked_at', t.reschedule_asked_at, 'rescheduled_at', t.rescheduled_at) ORDER BY t.id)
			FROM tahap2_slots t WHERE t.application_id IN (SELECT id FROM mine)), '[]'::jsonb))`, userID).Scan(&out)
	return out, err
}
