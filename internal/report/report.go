// Package report computes the figures of the report pages: the recruitment dashboard of a
// cohort (funnel, registrations per day, quota against lulus, pass rates, assessor progress),
// the clinic report of a Dinas, and the assessor analytics. Every figure is counted in SQL with
// the viewer's region scope in the query (the same predicate as the regional application list,
// application.Condition), so a Dinas never receives another region's numbers.
package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"penggerak/internal/application"
	"penggerak/internal/database"
)

// Store reads the report figures.
type Store struct {
	db     database.DB
	labels Labels
}

// Labels gives the text of a message key in the language of the exports (Bahasa Indonesia,
// as their headers): the server passes its catalogue's.
type Labels func(key string) string

// WithLabels returns the store writing status texts with l (without it an export writes the
// message key).
func (s *Store) WithLabels(l Labels) *Store {
	c := *s
	c.labels = l
	return &c
}

func (s *Store) label(key string) string {
	if s.labels == nil {
		return key
	}
	return s.labels(key)
}

// NewStore returns a Store on the pool (or a transaction).
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

// query builds a statement whose first arguments are the scope's: arg appends one more and
// returns its placeholder.
type query struct {
	cond string
	args []any
}

func scoped(sc application.Scope) *query {
	cond, args := application.Condition(sc, application.Filter{})
	return &query{cond: cond, args: args}
}

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// regencyCond is the predicate over a kab/kota code column of the regencies the scope
// covers (quotas are per kab/kota, whatever the jenjang).
func regencyCond(sc application.Scope, col string, q *query) string {
	if sc.National {
		return "TRUE"
	}
	provs := append(append([]string{}, sc.Provinces...), sc.BGPProvinces...)
	return "(" + col + " = ANY(" + q.arg(database.NonNil(sc.Regencies)) + "::text[]) OR substr(" + col + ", 1, 2) = ANY(" + q.arg(database.NonNil(provs)) + "::text[]))"
}

// Funnel stages, in order.
const (
	StageRegistered  = "registered"
	StageSubmitted   = "submitted"
	StageLolosVerval = "lolos_verval"
	StageLulusTahap1 = "lulus_tahap1"
	StageLulusTahap2 = "lulus_tahap2"
	StageConfirmed   = "confirmed"
	StageCGP         = "cgp"
)

// FunnelStages lists the funnel's stages in order.
var FunnelStages = []string{StageRegistered, StageSubmitted, StageLolosVerval, StageLulusTahap1, StageLulusTahap2, StageConfirmed, StageCGP}

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

// Day is one day of the registration window.
type Day struct {
	Date       time.Time
	Registered int64 // applications started that day
	Submitted  int64 // applications submitted that day (and not withdrawn)
}

// QuotaRow is one kab/kota's quota against its lulus.
type QuotaRow struct {
	Code  string
	Name  string
	Quota int64
	Lulus int64
}

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

// Progress is the assessor work of one stage: sheets assigned, done and overdue.
type Progress struct {
	Stage    string
	Assigned int64
	Done     int64
	Overdue  int64
}

// Pass-rate dimensions.
const (
	ByJenjang    = "jenjang"
	ByGender     = "gender"
	ByEmployment = "employment"
	ByRegion     = "region"
)

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

// TZ is the time zone days are counted in (WIB, where the registration deadlines are set).
var TZ = mustLoad("Asia/Jakarta")

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("WIB", 7*3600)
	}
	return l
}

// MaxDays bounds the per-day series (a registration window longer than this shows its first
// MaxDays days).
const MaxDays = 120

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

// applicationFigures reads the first three funnel stages from the status counts kept per
// (cohort, kab/kota, jenjang, status) (application_counts, 000521) and the registrations and
// submissions per day from the sums kept per day (application_days, 000650), in one statement;
// the scope predicate applies to both (they carry the scope columns).
func (s *Store) applicationFigures(ctx context.Context, sc application.Scope, d *Dashboard) error {
	q := scoped(sc)
	cohort := q.arg(d.Cohort.ID)
	where := q.cond + ` AND a.cohort_id = ` + cohort + regencyFilter(sc, q)
	rows, _ := s.db.Query(ctx, `SELECT a.status, NULL::date, sum(a.n)::bigint, 0::bigint FROM application_counts a WHERE `+where+` GROUP BY a.status
		UNION ALL
		SELECT NULL, a.day, sum(a.registered)::bigint, sum(a.submitted)::bigint FROM application_days a WHERE `+where+` GROUP BY a.day`, q.args...)
	first := d.Cohort.OpensAt.In(TZ)
	first = time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, time.UTC)
	last := d.Cohort.ClosesAt.In(TZ)
	last = time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.UTC)
	n := min(int(last.Sub(first).Hours()/24)+1, MaxDays)
	d.Days = make([]Day, max(n, 0))
	for i := range d.Days {
		d.Days[i].Date = first.AddDate(0, 0, i)
	}
	if idx := int(last.Sub(first).Hours() / 24); idx < len(d.Days) {
		d.DeadlineDay = idx
	}
	var status *string
	var day *time.Time
	var count, submitted int64
	_, err := pgx.ForEachRow(rows, []any{&status, &day, &count, &submitted}, func() error {
		if status != nil {
			d.Funnel[StageRegistered] += count
			if *status == "submitted" || *status == "lolos_verval" || *status == "tidak_lolos_verval" {
				d.Funnel[StageSubmitted] += count
			}
			if *status == "lolos_verval" {
				d.Funnel[StageLolosVerval] += count
			}
			return nil
		}
		if day == nil {
			return nil
		}
		if i := int(day.Sub(first).Hours() / 24); i >= 0 && i < len(d.Days) {
			d.Days[i].Registered += count
			d.Days[i].Submitted += submitted
		}
		return nil
	})
	return err
}

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

// regencyFilter narrows a regional query to the kab/kota the scope can cover at all, as
// " AND a.regency_code = ANY(...)", so the planner reads them by index instead of filtering
// every row of the cohort; the scope predicate itself still decides. Empty for the nation.
func regencyFilter(sc application.Scope, q *query) string {
	if sc.National {
		return ""
	}
	provs := append(append([]string{}, sc.Provinces...), sc.BGPProvinces...)
	return " AND (a.regency_code = ANY(" + q.arg(database.NonNil(sc.Regencies)) + "::text[]) OR a.province_code = ANY(" + q.arg(database.NonNil(provs)) + "::text[]))"
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

// progress counts the score sheets of the cohort's applications in scope per stage: assigned,
// submitted, and open past their due time, from the sums kept per due hour (score_sheet_counts,
// 000650): the hours already over, plus the open sheets due earlier in the current hour read
// live (through the partial index of open sheets by due time).
func (s *Store) progress(ctx context.Context, sc application.Scope, cohortID int64) ([]Progress, error) {
	q := scoped(sc)
	cohort := q.arg(cohortID)
	where := q.cond + ` AND a.cohort_id = ` + cohort + regencyFilter(sc, q)
	rows, _ := s.db.Query(ctx, `SELECT stage, sum(assigned)::bigint, coalesce(sum(done), 0)::bigint, coalesce(sum(overdue), 0)::bigint FROM (
			SELECT a.stage, sum(a.n) AS assigned, sum(a.n) FILTER (WHERE a.due_hour = '-infinity') AS done,
				sum(a.n) FILTER (WHERE a.due_hour > '-infinity' AND a.due_hour + interval '1 hour' <= now()) AS overdue
			FROM score_sheet_counts a WHERE `+where+` GROUP BY a.stage
			UNION ALL
			SELECT sh.stage, 0, 0, count(*) FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
			WHERE sh.submitted_at IS NULL AND sh.due_at >= date_trunc('hour', now(), 'UTC') AND sh.due_at < now() AND `+where+`
			GROUP BY sh.stage) x
		GROUP BY stage HAVING sum(assigned) > 0`, q.args...)
	byStage := map[string]Progress{}
	var p Progress
	if _, err := pgx.ForEachRow(rows, []any{&p.Stage, &p.Assigned, &p.Done, &p.Overdue}, func() error { byStage[p.Stage] = p; return nil }); err != nil {
		return nil, err
	}
	var out []Progress
	for _, st := range []string{"tahap1", "simulasi", "wawancara"} {
		if p, ok := byStage[st]; ok {
			out = append(out, p)
		}
	}
	return out, nil
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
