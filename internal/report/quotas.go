// Quota against lulus per kab/kota, and the quota table's orders.

package report

import (
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/application"
)

// QuotaRow is one kab/kota's quota against its lulus.
type QuotaRow struct {
	Code  string
	Name  string
	Quota int64
	Lulus int64
}

// quotas lists the cohort's target kab/kota in scope with their quotas (lulus filled in by
// Dashboard), by name.
func (s *Store) quotas(ctx context.Context, sc application.Scope, cohortID int64) ([]QuotaRow, error) {
	q := &query{}
	cohort := q.arg(cohortID)
	cond := regencyCond(sc, "cr.regency_code", q)
	rows, _ := s.db.Query(ctx, `SELECT cr.regency_code, r.name, cr.quota::bigint FROM cohort_regencies cr JOIN regencies r ON r.code = cr.regency_code
		WHERE cr.cohort_id = `+cohort+` AND `+cond+` ORDER BY r.name, cr.regency_code`, q.args...)
	var out []QuotaRow
	var row QuotaRow
	_, err := pgx.ForEachRow(rows, []any{&row.Code, &row.Name, &row.Quota}, func() error { out = append(out, row); return nil })
	return out, err
}

// Sort orders for the quota table.
const (
	SortName  = "nama"
	SortQuota = "kuota"
	SortLulus = "lulus"
	SortGap   = "selisih" // quota left unfilled, largest first
)

// SortQuotas orders the quota rows by one of the Sort orders (by name for anything else); it
// returns the order used.
func SortQuotas(rows []QuotaRow, by string) string {
	cmpName := func(a, b QuotaRow) int { return strings.Compare(a.Name, b.Name) }
	var cmp func(a, b QuotaRow) int
	switch by {
	case SortQuota:
		cmp = func(a, b QuotaRow) int { return int(b.Quota - a.Quota) }
	case SortLulus:
		cmp = func(a, b QuotaRow) int { return int(b.Lulus - a.Lulus) }
	case SortGap:
		cmp = func(a, b QuotaRow) int { return int((b.Quota - b.Lulus) - (a.Quota - a.Lulus)) }
	default:
		by = SortName
	}
	slices.SortStableFunc(rows, func(a, b QuotaRow) int {
		if cmp != nil {
			if c := cmp(a, b); c != 0 {
				return c
			}
		}
		return cmpName(a, b)
	})
	return by
}
