package selection

import "context"

// HasApplicantPage reports whether the user has what their selection page shows: a result
// that MyResults returns (published and released) or a tahap 2 session that MySlots returns,
// in one statement over the same queries. The dashboard links to the page on this alone;
// MyResults reads each result's whole breakdown (several statements per result).
func (s *Store) HasApplicantPage(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (`+myResultsSQL+`) OR EXISTS (`+slotCols+`WHERE a.user_id = $1)`, userID).Scan(&ok)
	return ok, err
}
