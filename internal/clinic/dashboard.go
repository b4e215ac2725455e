package clinic

// The dashboard's clinic figures, as SQL the dashboard's one statement (overview) selects.

// ActiveRegistrationsSQL counts user $1's registrations that are not cancelled among the ones
// their clinic page lists (ByUser: the latest 200), the figure of the teacher's clinic card.
const ActiveRegistrationsSQL = `(SELECT count(*)::int FROM (SELECT g.status FROM clinic_registrations g
		WHERE g.user_id = $1 ORDER BY g.id DESC LIMIT 200) g WHERE g.status <> 'cancelled')`

// StaffCountSQL counts the events StaffList lists (at most 500) inside a staff scope whose
// three parameters start at $n (StaffScopeArgs), the figure of the staff clinic card.
func StaffCountSQL(n int) string {
	return `(SELECT count(*)::int FROM (SELECT 1 FROM clinics c JOIN provinces p ON p.code = c.province_code
		WHERE ` + scopeSQL(n) + ` LIMIT 500) x)`
}

// StaffScopeArgs are the three parameters of StaffCountSQL for sc.
func StaffScopeArgs(sc Scope) []any { return scopeArgs(sc) }
