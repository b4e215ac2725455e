package training

import (
	"context"
	"encoding/json"
)

// PersonalData is what the training holds about one user, for their personal-data download.
// As a CGP, per cohort: angkatan, kab/kota and school, status (and withdrawal with its reason),
// the group (number, the pengajar praktik's and fasilitator's names, never their contact data),
// lokakarya attendance, pendampingan visits as the CGP sees them (planned or sent; a draft's
// notes are the PP's work in progress until sent), completed modules, the final assessments
// (role and score, without the assessor's identity), the graduation decision and the
// certificate. As pengajar praktik or fasilitator: every appointment (cohort, kab/kota, cap,
// since, until and why).
func (s *Store) PersonalData(ctx context.Context, userID int64) (json.RawMessage, error) {
	var out json.RawMessage
	err := s.db.QueryRow(ctx, `SELECT jsonb_build_object(
		'participations', coalesce((SELECT jsonb_agg(jsonb_build_object(
			'cohort', c.name, 'cohort_number', c.number, 'regency_code', p.regency_code, 'regency', rg.name,
			'npsn', p.npsn, 'school', sc.name, 'jenjang', p.jenjang, 'name', p.name, 'created_at', p.created_at,
			'status', p.status, 'withdrawn_at', p.withdrawn_at, 'withdraw_reason', p.withdraw_reason,
			'group', (SELECT jsonb_build_object('group_number', g.number, 'group_status', g.status, 'confirmed_at', g.confirmed_at,
					'joined_at', gm.joined_at, 'pengajar_praktik', ppu.name, 'fasilitator', fu.name)
				FROM training_group_members gm JOIN training_groups g ON g.id = gm.group_id
				JOIN training_mentors pp ON pp.id = g.pp_id JOIN users ppu ON ppu.id = pp.user_id
				LEFT JOIN training_mentors fm ON fm.id = g.fasilitator_id LEFT JOIN users fu ON fu.id = fm.user_id
				WHERE gm.participant_id = p.id),
			'lokakarya', coalesce((SELECT jsonb_agg(jsonb_build_object('lokakarya_number', l.number, 'starts_at', l.starts_at,
					'place', l.place, 'status', a.status, 'reason', a.reason, 'recorded_at', a.recorded_at) ORDER BY l.number)
				FROM training_attendance a JOIN training_lokakarya l ON l.id = a.lokakarya_id WHERE a.participant_id = p.id), '[]'::jsonb),
			'visits', coalesce((SELECT jsonb_agg(jsonb_build_object('visit_number', v.number, 'planned_on', v.planned_on,
					'visited_on', CASE WHEN v.submitted_at IS NOT NULL THEN v.visited_on END,
					'mode', CASE WHEN v.submitted_at IS NOT NULL THEN v.mode END,
					'notes', CASE WHEN v.submitted_at IS NOT NULL THEN v.notes ELSE '' END,
					'follow_up', CASE WHEN v.submitted_at IS NOT NULL THEN v.follow_up ELSE '' END,
					'submitted_at', v.submitted_at, 'acknowledged_at', v.acknowledged_at,
					'cgp_comment', v.cgp_comment, 'commented_at', v.commented_at) ORDER BY v.number)
				FROM training_visits v WHERE v.participant_id = p.id AND (v.submitted_at IS NOT NULL OR v.planned_on IS NOT NULL)), '[]'::jsonb),
			'modules', coalesce((SELECT jsonb_agg(jsonb_build_object('module', m.module, 'completed_at', m.completed_at, 'source', m.source)
					ORDER BY m.module)
				FROM training_module_progress m WHERE m.participant_id = p.id), '[]'::jsonb),
			'assessments', coalesce((SELECT jsonb_agg(jsonb_build_object('by_role', x.by_role, 'score', x.score,
					'pass_score', st.assessment_pass_score, 'passed', x.score >= st.assessment_pass_score, 'recorded_at', x.recorded_at)
					ORDER BY x.by_role DESC)
				FROM training_assessments x LEFT JOIN training_settings st ON st.cohort_id = p.cohort_id
				WHERE x.participant_id = p.id), '[]'::jsonb),
			'graduation', CASE WHEN p.outcome IS NOT NULL THEN jsonb_build_object('outcome', p.outcome,
				'outcome_reason', p.outcome_reason, 'decided_at', p.decided_at) END,
			'certificate', (SELECT jsonb_build_object('certificate_number', ct.number, 'issued_at', ct.issued_at,
					'revoked_at', ct.revoked_at, 'revoke_reason', ct.revoke_reason)
				FROM training_certificates ct WHERE ct.participant_id = p.id))
			ORDER BY c.number, p.id)
			FROM training_participants p JOIN cohorts c ON c.id = p.cohort_id
			JOIN regencies rg ON rg.code = p.regency_code LEFT JOIN schools sc ON sc.npsn = p.npsn
			WHERE p.user_id = $1), '[]'::jsonb),
		'appointments', coalesce((SELECT jsonb_agg(jsonb_build_object('role', tm.role, 'cohort', c.name, 'cohort_number', c.number,
				'regency_code', tm.regency_code, 'regency', rg.name, 'cap', tm.cap, 'appointed_at', tm.appointed_at,
				'ended_at', tm.ended_at, 'ended_reason', tm.ended_reason) ORDER BY tm.appointed_at, tm.id)
			FROM training_mentors tm JOIN cohorts c ON c.id = tm.cohort_id JOIN regencies rg ON rg.code = tm.regency_code
			WHERE tm.user_id = $1), '[]'::jsonb))`, userID).Scan(&out)
	return out, err
}
