package selection

import "context"

// HasApplicantPage reports whether the user has what their selection page shows: a
// published result (as MyResults reads them) or a tahap 2 session (as MySlots does), in one
// statement. The dashboard links to the page on this alone; MyResults reads each result's
// whole breakdown (several statements per result).
func (s *Store) HasApplicantPage(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1
			FROM applications a JOIN run_results rr ON rr.application_id = a.id JOIN result_runs r ON r.id = rr.run_id
			JOIN cohorts c ON c.id = a.cohort_id JOIN regencies g ON g.code = rr.regency_code JOIN provinces pr ON pr.code = rr.province_code
			WHERE a.user_id = $1 AND r.published_at IS NOT NULL)
		OR EXISTS (SELECT 1
			FROM tahap2_slots sl JOIN applications a ON a.id = sl.application_id JOIN provinces p ON p.code = a.province_code
			JOIN users u1 ON u1.id = sl.assessor1_id JOIN users u2 ON u2.id = sl.assessor2_id
			WHERE a.user_id = $1)`, userID).Scan(&ok)
	return ok, err
}
