package training

import "context"

// InGroupSQL is the SQL condition that user $1 is an active CGP in a confirmed group (one that
// MyGroups returns). The dashboard's one statement (overview) selects it.
const InGroupSQL = `EXISTS (SELECT 1 FROM training_groups g
		JOIN cohorts c ON c.id = g.cohort_id
		JOIN regencies rg ON rg.code = g.regency_code
		JOIN training_mentors pm ON pm.id = g.pp_id JOIN users pu ON pu.id = pm.user_id
		WHERE ` + myGroupsCond + `)`

// InGroup reports whether the user is an active CGP in a confirmed group (InGroupSQL), in one
// statement: the dashboard links to the user's group page on this alone; MyGroups reads the
// groups with all their members.
func (s *Store) InGroup(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT `+InGroupSQL, userID).Scan(&ok)
	return ok, err
}
