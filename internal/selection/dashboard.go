package selection

import "context"

// HasApplicantPageSQL is the SQL condition that user $1 has what their selection page shows: a
// result that MyResults returns (published and released) or a tahap 2 session that MySlots
// returns, over the same queries. The dashboard's one statement (overview) selects it.
var HasApplicantPageSQL = `(EXISTS (` + myResultsSQL + `) OR EXISTS (` + slotCols + `WHERE a.user_id = $1))`

// OpenSheetCountSQL counts the score sheets assessor $1 has not submitted yet (OpenSheetCount).
const OpenSheetCountSQL = `(SELECT count(*)::int FROM score_sheets WHERE assessor_id = $1 AND submitted_at IS NULL)`

// HasApplicantPage reports whether the user has what their selection page shows
// (HasApplicantPageSQL), in one statement. The dashboard links to the page on this alone;
// MyResults reads each result's whole breakdown (several statements per result).
func (s *Store) HasApplicantPage(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT `+HasApplicantPageSQL, userID).Scan(&ok)
	return ok, err
}
