package application

import (
	"context"
	"encoding/json"
)

// PersonalData is everything the recruitment holds about one user, for their personal-data
// download (UU PDP right of access): each application with its CV, essays (question and
// answer), documents (file name, size, checksum, upload time; not the file itself), consent and
// verval outcome per document with its history. The assessors' identities are left out.
func (s *Store) PersonalData(ctx context.Context, userID int64) (json.RawMessage, error) {
	var out json.RawMessage
	err := s.db.QueryRow(ctx, `SELECT coalesce(jsonb_agg(jsonb_build_object(
		'id', a.id, 'cohort', c.name, 'status', a.status, 'applicant_name', a.applicant_name,
		'npsn', a.npsn, 'school', coalesce(sc.name, ''), 'jenjang', a.jenjang, 'regency_code', a.regency_code,
		'created_at', a.created_at, 'profile_confirmed_at', a.profile_confirmed_at, 'submitted_at', a.submitted_at,
		'registration_number', a.registration_number, 'receipt_checksum', a.receipt_checksum,
		'withdrawn_at', a.withdrawn_at, 'verval_decided_at', a.verval_decided_at, 'correction_until', a.correction_until,
		'consent', (SELECT jsonb_build_object('text_version', k.text_version, 'consented_at', k.consented_at, 'ip', k.ip)
			FROM application_consents k WHERE k.application_id = a.id),
		'cv', coalesce((SELECT jsonb_agg(jsonb_build_object('section', v.section, 'title', v.title, 'organisation', v.organisation,
			'year_from', v.year_from, 'year_to', v.year_to, 'description', v.description) ORDER BY v.section, v.id)
			FROM application_cv_entries v WHERE v.application_id = a.id), '[]'::jsonb),
		'essays', coalesce((SELECT jsonb_agg(jsonb_build_object('question', q.prompt, 'answer', e.body, 'updated_at', e.updated_at)
			ORDER BY q.position, q.id) FROM application_essays e JOIN essay_questions q ON q.id = e.question_id
			WHERE e.application_id = a.id), '[]'::jsonb),
		'documents', coalesce((SELECT jsonb_agg(jsonb_build_object('document', rd.name, 'file_name', d.original_name,
			'size_bytes', d.size_bytes, 'sha256', d.sha256, 'uploaded_at', d.uploaded_at, 'verval_status', d.verval_status,
			'verval_reason', d.verval_reason, 'verval_note', d.verval_note, 'verval_at', d.verval_at, 'corrected_at', d.corrected_at,
			'verval_history', coalesce((SELECT jsonb_agg(jsonb_build_object('verdict', x.verdict, 'reason', x.reason, 'note', x.note,
				'decided_at', x.decided_at) ORDER BY x.id) FROM verval_decisions x WHERE x.document_id = d.id), '[]'::jsonb))
			ORDER BY rd.position, rd.id) FROM application_documents d JOIN required_documents rd ON rd.id = d.required_document_id
			WHERE d.application_id = a.id), '[]'::jsonb)
		) ORDER BY a.id), '[]'::jsonb)
		FROM applications a JOIN cohorts c ON c.id = a.cohort_id LEFT JOIN schools sc ON sc.npsn = a.npsn
		WHERE a.user_id = $1`, userID).Scan(&out)
	return out, err
}
