package cohort

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// SetTarget adds a target kabupaten/kota or changes its quota.
func (s *Store) SetTarget(ctx context.Context, actor audit.Actor, id int64, t Target) error {
	return s.SetTargets(ctx, actor, id, []Target{t}, false)
}

// SetTargets stores targets in one transaction; replace removes the targets not listed first.
func (s *Store) SetTargets(ctx context.Context, actor audit.Actor, id int64, ts []Target, replace bool) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockCohort(ctx, tx, id); err != nil {
			return err
		}
		if replace {
			if _, err := tx.Exec(ctx, `DELETE FROM cohort_regencies WHERE cohort_id = $1`, id); err != nil {
				return err
			}
		}
		total := 0
		for _, t := range ts {
			if _, err := tx.Exec(ctx, `INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, $2, $3)
				ON CONFLICT (cohort_id, regency_code) DO UPDATE SET quota = EXCLUDED.quota`, id, t.RegencyCode, t.Quota); err != nil {
				return err
			}
			total += t.Quota
		}
		detail := map[string]any{"count": len(ts), "quota": total, "replace": replace}
		if len(ts) == 1 {
			detail["regency"] = ts[0].RegencyCode
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "cohort.targets", ObjectType: "cohort", ObjectID: strconv.FormatInt(id, 10), Detail: detail})
	})
}

// RemoveTarget removes a target kabupaten/kota.
func (s *Store) RemoveTarget(ctx context.Context, actor audit.Actor, id int64, regencyCode string) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockCohort(ctx, tx, id); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM cohort_regencies WHERE cohort_id = $1 AND regency_code = $2`, id, regencyCode)
		if err != nil || tag.RowsAffected() == 0 { // nothing removed, nothing to record
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "cohort.target_remove", ObjectType: "cohort", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"regency": regencyCode}})
	})
}

// RegencyCodes returns every known kabupaten/kota code, for checking imports.
func (s *Store) RegencyCodes(ctx context.Context) (map[string]bool, error) {
	rows, _ := s.db.Query(ctx, `SELECT code FROM regencies`)
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m, err
}
