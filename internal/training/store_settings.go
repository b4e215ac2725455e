package training

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// ErrCohortDone: the cohort is selesai, so its training settings no longer change.
var ErrCohortDone = fmt.Errorf("%w: cohort finished", database.ErrConflict)

// SettingField is one editable training setting: its form name, its bounds and where it lives.
type SettingField struct {
	Name     string
	Min, Max int
	get      func(*Settings) *int
}

// SettingFields are the editable settings in the order the form shows them; the bounds are those
// of the columns' CHECK constraints.
var SettingFields = []SettingField{
	{"group_min", 1, 50, func(s *Settings) *int { return &s.GroupMin }},
	{"group_max", 1, 50, func(s *Settings) *int { return &s.GroupMax }},
	{"pp_cap", 1, 200, func(s *Settings) *int { return &s.PPCap }},
	{"fasilitator_cap", 1, 50, func(s *Settings) *int { return &s.FasilitatorCap }},
	{"visits_planned", 0, 30, func(s *Settings) *int { return &s.VisitsPlanned }},
	{"ack_days", 1, 90, func(s *Settings) *int { return &s.AckDays }},
	{"lokakarya_count", 1, 20, func(s *Settings) *int { return &s.LokakaryaCount }},
	{"reminder_days", 1, 30, func(s *Settings) *int { return &s.ReminderDays }},
	{"attendance_min_pct", 0, 100, func(s *Settings) *int { return &s.AttendanceMinPct }},
	{"module_packages", 1, 20, func(s *Settings) *int { return &s.ModulePackages }},
	{"modules", 1, 100, func(s *Settings) *int { return &s.Modules }},
	{"assessment_pass_score", 0, 100, func(s *Settings) *int { return &s.AssessmentPass }},
}

// Value returns the field's value in s.
func (f SettingField) Value(s Settings) int { return *f.get(&s) }

// SettingsValues returns the settings as the form's text values.
func SettingsValues(s Settings) map[string]string {
	out := map[string]string{}
	for _, f := range SettingFields {
		out[f.Name] = strconv.Itoa(f.Value(s))
	}
	return out
}

// ParseSettings checks the typed settings form: each field a whole number within its bounds, the
// minimum group size not above the maximum, a PP's cap at least the minimum group size, no more
// module packages than modules. Errors are message keys per field.
func ParseSettings(in map[string]string) (Settings, map[string]string) {
	var st Settings
	errs := map[string]string{}
	for _, f := range SettingFields {
		n, err := strconv.Atoi(strings.TrimSpace(in[f.Name]))
		if err != nil || n < f.Min || n > f.Max {
			errs[f.Name] = "training.settings.error." + f.Name
			continue
		}
		*f.get(&st) = n
	}
	if errs["group_min"] == "" && errs["group_max"] == "" && st.GroupMin > st.GroupMax {
		errs["group_max"] = "training.settings.error.group_order"
	}
	if errs["pp_cap"] == "" && errs["group_min"] == "" && st.PPCap < st.GroupMin {
		errs["pp_cap"] = "training.settings.error.pp_cap_small"
	}
	if errs["module_packages"] == "" && errs["modules"] == "" && st.ModulePackages > st.Modules {
		errs["module_packages"] = "training.settings.error.packages_order"
	}
	return st, errs
}

// CohortSettings is a cohort with its training settings for the admin's form.
type CohortSettings struct {
	CohortID int64
	Name     string
	Status   string
	Settings Settings
	// Stored: the cohort has its own settings row (else Settings are the defaults).
	Stored bool
}

// errRollback ends the transaction that reads the defaults.
var errRollback = errors.New("rollback")

// SettingsForEdit returns a cohort's training settings, or the defaults (the columns' defaults,
// read in a transaction that is rolled back) when it has none yet; ErrNotFound for no cohort.
func (s *Store) SettingsForEdit(ctx context.Context, cohortID int64) (CohortSettings, error) {
	cs := CohortSettings{CohortID: cohortID}
	err := s.db.QueryRow(ctx, `SELECT name, status, EXISTS (SELECT 1 FROM training_settings WHERE cohort_id = c.id) FROM cohorts c WHERE id = $1`,
		cohortID).Scan(&cs.Name, &cs.Status, &cs.Stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return cs, fmt.Errorf("cohort %d: %w", cohortID, database.ErrNotFound)
	}
	if err != nil {
		return cs, err
	}
	if cs.Stored {
		cs.Settings, err = s.Settings(ctx, cohortID)
		return cs, err
	}
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO training_settings (cohort_id) VALUES ($1)`, cohortID); err != nil {
			return err
		}
		if cs.Settings, err = s.WithTx(tx).Settings(ctx, cohortID); err != nil {
			return err
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	return cs, err
}

// SaveSettings stores a cohort's training settings (checked by ParseSettings), creating its row
// when the cohort has none yet; refused once the cohort is selesai. Audited with the values
// before and after.
func (s *Store) SaveSettings(ctx context.Context, actor audit.Actor, cohortID int64, st Settings) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var status string
		err := tx.QueryRow(ctx, `SELECT status FROM cohorts WHERE id = $1 FOR UPDATE`, cohortID).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("cohort %d: %w", cohortID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if status == "selesai" {
			return ErrCohortDone
		}
		before, err := s.WithTx(tx).Settings(ctx, cohortID)
		had := err == nil
		if err != nil && !errors.Is(err, database.ErrNotFound) {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO training_settings (cohort_id, group_min, group_max, pp_cap, fasilitator_cap, visits_planned, ack_days,
				attendance_min_pct, module_packages, modules, lokakarya_count, assessment_pass_score, reminder_days, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
			ON CONFLICT (cohort_id) DO UPDATE SET group_min = EXCLUDED.group_min, group_max = EXCLUDED.group_max, pp_cap = EXCLUDED.pp_cap,
				fasilitator_cap = EXCLUDED.fasilitator_cap, visits_planned = EXCLUDED.visits_planned, ack_days = EXCLUDED.ack_days,
				attendance_min_pct = EXCLUDED.attendance_min_pct, module_packages = EXCLUDED.module_packages, modules = EXCLUDED.modules,
				lokakarya_count = EXCLUDED.lokakarya_count, assessment_pass_score = EXCLUDED.assessment_pass_score,
				reminder_days = EXCLUDED.reminder_days, updated_at = now()`,
			cohortID, st.GroupMin, st.GroupMax, st.PPCap, st.FasilitatorCap, st.VisitsPlanned, st.AckDays,
			st.AttendanceMinPct, st.ModulePackages, st.Modules, st.LokakaryaCount, st.AssessmentPass, st.ReminderDays); err != nil {
			return err
		}
		changed := map[string]any{}
		for _, f := range SettingFields {
			if !had || f.Value(before) != f.Value(st) {
				v := map[string]int{"to": f.Value(st)}
				if had {
					v["from"] = f.Value(before)
				}
				changed[f.Name] = v
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.settings", ObjectType: "cohort", ObjectID: itoa(cohortID),
			Detail: map[string]any{"changed": changed}})
	})
}

// SettingsCohorts lists every cohort not yet selesai, newest first, for the admin to open its
// training settings.
func (s *Store) SettingsCohorts(ctx context.Context) ([]CohortSettings, error) {
	rows, _ := s.db.Query(ctx, `SELECT c.id, c.name, c.status, t.cohort_id IS NOT NULL FROM cohorts c
		LEFT JOIN training_settings t ON t.cohort_id = c.id WHERE c.status <> 'selesai' ORDER BY c.id DESC`)
	var out []CohortSettings
	var c CohortSettings
	_, err := pgx.ForEachRow(rows, []any{&c.CohortID, &c.Name, &c.Status, &c.Stored}, func() error {
		out = append(out, c)
		return nil
	})
	return out, err
}
