package selection

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
	"penggerak/internal/region"
)

// Program is what the selection needs of a cohort's configuration: its program numbers and the
// dates of its stages (WIB calendar days, nil when the stage has no date set).
type Program struct {
	ConfirmDays    int
	SheetDueDays   int
	Tahap2DueHours int
	AppealDays     int
	Administrasi   DateRange
	Simulasi       DateRange
	Pembekalan     DateRange
}

// DateRange is a stage's first and last day (either may be unset).
type DateRange struct{ From, To *time.Time }

// SheetDue is when a sheet assigned at now is due.
func (p Program) SheetDue(now time.Time) time.Time {
	return now.Add(time.Duration(p.SheetDueDays) * 24 * time.Hour)
}

// Tahap2Due is when the sheets of a session starting at start are due.
func (p Program) Tahap2Due(start time.Time) time.Time {
	return start.Add(time.Duration(p.Tahap2DueHours) * time.Hour)
}

// ConfirmBy is the confirmation deadline of a seat offered at now.
func (p Program) ConfirmBy(now time.Time) time.Time {
	return now.Add(time.Duration(p.ConfirmDays) * 24 * time.Hour)
}

// AppealCloses is when the appeal window of a publication at publishedAt closes.
func (p Program) AppealCloses(publishedAt time.Time) time.Time {
	return publishedAt.Add(time.Duration(p.AppealDays) * 24 * time.Hour)
}

// ScoringDates are the dates within which a stage may be scored: administrasi for tahap 1,
// simulasi (tahap 2) for simulasi mengajar and wawancara.
func (p Program) ScoringDates(st Stage) (DateRange, string) {
	if st == StageTahap1 {
		return p.Administrasi, "administrasi"
	}
	return p.Simulasi, "simulasi"
}

// Contains reports whether t falls on a day of the range (WIB days; an unset end is open).
func (d DateRange) Contains(t time.Time) bool {
	day := t.In(region.Location("WIB")).Format("2006-01-02")
	if d.From != nil && day < d.From.Format("2006-01-02") {
		return false
	}
	if d.To != nil && day > d.To.Format("2006-01-02") {
		return false
	}
	return true
}

// ErrOutsideDates is returned (inside a *DateError, see AsDateError) when an action of a stage
// is asked for outside the stage's dates.
var ErrOutsideDates = errors.New("selection: outside the stage's dates")

// DateError names the stage and its dates that refused an action.
type DateError struct {
	Stage string // administrasi, simulasi or pembekalan
	Dates DateRange
}

func (e *DateError) Error() string {
	return fmt.Sprintf("outside the %s dates %v–%v", e.Stage, e.Dates.From, e.Dates.To)
}

// Unwrap makes errors.Is(err, ErrOutsideDates) and database.ErrConflict hold.
func (e *DateError) Unwrap() []error { return []error{ErrOutsideDates, database.ErrConflict} }

// AsDateError returns the DateError inside err.
func AsDateError(err error) (*DateError, bool) {
	var d *DateError
	ok := errors.As(err, &d)
	return d, ok
}

// checkDates refuses t outside the range of the stage.
func checkDates(d DateRange, stage string, t time.Time) error {
	if d.Contains(t) {
		return nil
	}
	return &DateError{Stage: stage, Dates: d}
}

// loadProgram reads a cohort's program numbers and stage dates.
func loadProgram(ctx context.Context, q querier, cohortID int64) (Program, error) {
	var p Program
	err := q.QueryRow(ctx, `SELECT confirm_days, sheet_due_days, tahap2_due_hours, appeal_days,
			administrasi_starts_on, administrasi_ends_on, simulasi_starts_on, simulasi_ends_on, pembekalan_starts_on, pembekalan_ends_on
		FROM cohorts WHERE id = $1`, cohortID).Scan(&p.ConfirmDays, &p.SheetDueDays, &p.Tahap2DueHours, &p.AppealDays,
		&p.Administrasi.From, &p.Administrasi.To, &p.Simulasi.From, &p.Simulasi.To, &p.Pembekalan.From, &p.Pembekalan.To)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("cohort %d: %w", cohortID, database.ErrNotFound)
	}
	return p, err
}

// Program returns a cohort's program numbers and stage dates.
func (s *Store) Program(ctx context.Context, cohortID int64) (Program, error) {
	return loadProgram(ctx, s.db, cohortID)
}

// RunProgram returns the program of the cohort a run belongs to.
func (s *Store) RunProgram(ctx context.Context, runID int64) (Program, error) {
	var cohortID int64
	err := s.db.QueryRow(ctx, `SELECT cohort_id FROM result_runs WHERE id = $1`, runID).Scan(&cohortID)
	if errors.Is(err, pgx.ErrNoRows) {
		return Program{}, fmt.Errorf("run %d: %w", runID, database.ErrNotFound)
	}
	if err != nil {
		return Program{}, err
	}
	return loadProgram(ctx, s.db, cohortID)
}
