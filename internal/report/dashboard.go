// Dashboard assembles a cohort's recruitment dashboard from the sub-aggregates (funnel.go,
// rates.go, quotas.go, progress.go) in the viewer's scope.

package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"penggerak/internal/application"
	"penggerak/internal/database"
)

// Cohort is the cohort a dashboard is about.
type Cohort struct {
	ID       int64     `db:"id"`
	Name     string    `db:"name"`
	Status   string    `db:"status"`
	OpensAt  time.Time `db:"registration_opens_at"`
	ClosesAt time.Time `db:"registration_closes_at"`
}

// Run is the result run a dashboard's later stages come from.
type Run struct {
	ID        int64
	Published bool
	// Tahap1Grade is the passing grade of tahap 1 in the run (-1 when the run has no tahap 1).
	Tahap1Grade float64
	tahap1Index int
}

// Dashboard is the recruitment dashboard of one cohort in one scope.
type Dashboard struct {
	Cohort Cohort
	Run    *Run
	Funnel map[string]int64
	Days   []Day
	// DeadlineDay is the index in Days of the registration deadline (-1 if outside).
	DeadlineDay int
	Quotas      []QuotaRow
	Rates       map[string][]Rate
	Progress    []Progress
	// RegionIsProvince is true when the region pass rates are per province (national scope).
	RegionIsProvince bool
}

// Cohort returns a cohort (ErrNotFound when there is none).
func (s *Store) Cohort(ctx context.Context, id int64) (Cohort, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, name, status, registration_opens_at, registration_closes_at FROM cohorts WHERE id = $1`, id)
	return database.One[Cohort](rows, "cohort %d", id)
}

// Cohorts lists the cohorts, newest first.
func (s *Store) Cohorts(ctx context.Context) ([]Cohort, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, name, status, registration_opens_at, registration_closes_at FROM cohorts
		WHERE status <> 'draft' ORDER BY registration_opens_at DESC, id DESC LIMIT 100`)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Cohort])
}

// LatestRun returns the cohort's newest result run (the newest published one when
// publishedOnly), or nil.
func (s *Store) LatestRun(ctx context.Context, cohortID int64, publishedOnly bool) (*Run, error) {
	var r Run
	var inputs []byte
	var published *time.Time
	err := s.db.QueryRow(ctx, `SELECT id, published_at, inputs FROM result_runs WHERE cohort_id = $1 AND (NOT $2 OR published_at IS NOT NULL)
		ORDER BY id DESC LIMIT 1`, cohortID, publishedOnly).Scan(&r.ID, &published, &inputs)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.Published = published != nil
	var in struct {
		Stages []struct {
			Stage        string  `json:"stage"`
			PassingGrade float64 `json:"passing_grade"`
		} `json:"stages"`
	}
	if err := json.Unmarshal(inputs, &in); err != nil {
		return nil, err
	}
	r.Tahap1Grade, r.tahap1Index = -1, -1
	for i, st := range in.Stages {
		if st.Stage == "tahap1" {
			r.Tahap1Grade, r.tahap1Index = st.PassingGrade, i+1 // SQL arrays count from 1
		}
	}
	return &r, nil
}

// Dashboard computes the dashboard of a cohort in a scope. The run is the newest one (the
// newest published one when publishedOnly: a Dinas sees published results only). The queries
// run side by side on the pool.
func (s *Store) Dashboard(ctx context.Context, sc application.Scope, cohortID int64, publishedOnly bool) (Dashboard, error) {
	d := Dashboard{Funnel: map[string]int64{}, Rates: map[string][]Rate{}, DeadlineDay: -1, RegionIsProvince: sc.National}
	var err error
	if d.Cohort, err = s.Cohort(ctx, cohortID); err != nil {
		return d, err
	}
	if d.Cohort.Status == "draft" { // not announced: no dashboard
		return d, fmt.Errorf("cohort %d is a draft: %w", cohortID, database.ErrNotFound)
	}
	if d.Run, err = s.LatestRun(ctx, cohortID, publishedOnly); err != nil {
		return d, err
	}
	g, gctx := errgroup.WithContext(ctx)
	var funnelRun map[string]int64
	var lulusBy map[string]int64
	g.Go(func() error { return s.applicationFigures(gctx, sc, &d) })
	g.Go(func() error {
		var err error
		funnelRun, lulusBy, err = s.runFigures(gctx, sc, &d)
		return err
	})
	g.Go(func() error {
		var err error
		d.Quotas, err = s.quotas(gctx, sc, cohortID)
		return err
	})
	g.Go(func() error {
		var err error
		d.Progress, err = s.progress(gctx, sc, cohortID)
		return err
	})
	if err := g.Wait(); err != nil {
		return d, err
	}
	for k, v := range funnelRun {
		d.Funnel[k] = v
	}
	for i := range d.Quotas {
		d.Quotas[i].Lulus = lulusBy[d.Quotas[i].Code]
	}
	return d, nil
}
