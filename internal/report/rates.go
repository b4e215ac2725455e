// The run's figures: lulus tahap 1 and 2, pass rates per jenjang, gender, employment status and
// region, lulus per kab/kota, confirmed seats and CGP.

package report

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/application"
	"penggerak/internal/database"
)

// Rate is one group's pass rate: Lulus of Ranked (applicants in the run).
type Rate struct {
	Key    string
	Label  string
	Ranked int64
	Lulus  int64
}

// Percent is the pass rate in percent (0 when nobody was ranked), one decimal.
func (r Rate) Percent() float64 {
	if r.Ranked == 0 {
		return 0
	}
	return float64(int64(1000*float64(r.Lulus)/float64(r.Ranked)+0.5)) / 10
}

// Pass-rate dimensions.
const (
	ByJenjang    = "jenjang"
	ByGender     = "gender"
	ByEmployment = "employment"
	ByRegion     = "region"
)

// runGroups computes the run's counts per kab/kota, jenjang, gender and employment status
// into report_run_groups once (a run never changes); concurrent first viewers wait for one
// computation.
func (s *Store) runGroups(ctx context.Context, r *Run) error {
	var done bool
	if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM report_runs_computed WHERE run_id = $1)`, r.ID).Scan(&done); err != nil || done {
		return err
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200550, $1::int)`, r.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '120s'`); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO report_runs_computed (run_id) VALUES ($1) ON CONFLICT DO NOTHING`, r.ID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		t1 := "false"
		args := []any{r.ID}
		if r.tahap1Index > 0 {
			t1 = "rr.stage_scores[" + strconv.Itoa(r.tahap1Index) + "] >= $2::numeric"
			args = append(args, r.Tahap1Grade)
		}
		_, err = tx.Exec(ctx, `INSERT INTO report_run_groups (run_id, regency_code, province_code, jenjang, gender, employment_status, ranked, lulus, tahap1)
			SELECT $1, a.regency_code, a.province_code, a.jenjang, coalesce(tp.gender, ''), coalesce(tp.employment_status, ''),
				count(*), count(*) FILTER (WHERE rr.outcome = 'lulus'), count(*) FILTER (WHERE `+t1+`)
			FROM run_results rr JOIN applications a ON a.id = rr.application_id LEFT JOIN teacher_profiles tp ON tp.user_id = a.user_id
			WHERE rr.run_id = $1 GROUP BY 2, 3, 4, 5, 6`, args...)
		return err
	})
}

// runFigures counts lulus tahap 1 and lulus (tahap 2, within the quota), the pass rates per
// jenjang, gender, employment status and region, and lulus per kab/kota from the run's groups
// in scope (the same scope predicate applies: the groups carry kab/kota, province and
// jenjang); then the confirmed seats and the CGP (present at the briefing), live.
func (s *Store) runFigures(ctx context.Context, sc application.Scope, d *Dashboard) (map[string]int64, map[string]int64, error) {
	funnel := map[string]int64{StageLulusTahap1: 0, StageLulusTahap2: 0, StageConfirmed: 0, StageCGP: 0}
	lulusBy := map[string]int64{}
	if d.Run == nil {
		return funnel, lulusBy, nil
	}
	if err := s.runGroups(ctx, d.Run); err != nil {
		return nil, nil, err
	}
	q := scoped(sc)
	run := q.arg(d.Run.ID)
	// Regional scopes rate by kab/kota, which also gives lulus per kab/kota; the national one
	// rates by province and groups by kab/kota once more for the quota table.
	region, regencySet := "a.regency_code", ""
	if sc.National {
		region, regencySet = "a.province_code", "(a.regency_code), "
	}
	rows, _ := s.db.Query(ctx, `SELECT CASE WHEN GROUPING(a.jenjang) = 0 THEN 'jenjang:' || a.jenjang
				WHEN GROUPING(a.gender) = 0 THEN 'gender:' || a.gender
				WHEN GROUPING(a.employment_status) = 0 THEN 'employment:' || a.employment_status
				WHEN GROUPING(`+region+`) = 0 THEN 'region:' || `+region+`
				WHEN GROUPING(a.regency_code) = 0 THEN 'regency:' || a.regency_code
				ELSE 'all' END,
			sum(a.ranked)::bigint, sum(a.lulus)::bigint, sum(a.tahap1)::bigint
		FROM report_run_groups a
		WHERE a.run_id = `+run+` AND `+q.cond+regencyFilter(sc, q)+`
		GROUP BY GROUPING SETS ((a.jenjang), (a.gender), (a.employment_status), (`+region+`), `+regencySet+`())`, q.args...)
	var key string
	var ranked, lulus, tahap1 int64
	_, err := pgx.ForEachRow(rows, []any{&key, &ranked, &lulus, &tahap1}, func() error {
		if key == "all" {
			funnel[StageLulusTahap1], funnel[StageLulusTahap2] = tahap1, lulus
			return nil
		}
		dim, val, _ := strings.Cut(key, ":")
		if dim == "regency" || (dim == ByRegion && !sc.National) {
			lulusBy[val] = lulus
		}
		if dim == "regency" {
			return nil
		}
		d.Rates[dim] = append(d.Rates[dim], Rate{Key: val, Label: val, Ranked: ranked, Lulus: lulus})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for dim := range d.Rates {
		slices.SortFunc(d.Rates[dim], func(x, y Rate) int { return strings.Compare(x.Key, y.Key) })
	}
	if err := s.regionNames(ctx, d.Rates[ByRegion], sc.National); err != nil {
		return nil, nil, err
	}
	q = scoped(sc)
	run = q.arg(d.Run.ID)
	var confirmed, cgp int64
	err = s.db.QueryRow(ctx, `SELECT coalesce(sum(a.n), 0)::bigint, coalesce(sum(a.n) FILTER (WHERE a.status = 'attended'), 0)::bigint
		FROM seat_counts a WHERE a.run_id = `+run+` AND a.status IN ('confirmed', 'attended') AND `+q.cond+regencyFilter(sc, q), q.args...).Scan(&confirmed, &cgp)
	funnel[StageConfirmed], funnel[StageCGP] = confirmed, cgp
	return funnel, lulusBy, err
}

// regionNames puts the province or kab/kota names on region rates.
func (s *Store) regionNames(ctx context.Context, rates []Rate, provinces bool) error {
	if len(rates) == 0 {
		return nil
	}
	codes := make([]string, len(rates))
	for i, r := range rates {
		codes[i] = r.Key
	}
	table := "regencies"
	if provinces {
		table = "provinces"
	}
	rows, _ := s.db.Query(ctx, `SELECT code, name FROM `+table+` WHERE code = ANY($1)`, codes)
	names := map[string]string{}
	var code, name string
	if _, err := pgx.ForEachRow(rows, []any{&code, &name}, func() error { names[code] = name; return nil }); err != nil {
		return err
	}
	for i := range rates {
		if n, ok := names[rates[i].Key]; ok {
			rates[i].Label = n
		}
	}
	slices.SortFunc(rates, func(x, y Rate) int { return strings.Compare(x.Label, y.Label) })
	return nil
}
