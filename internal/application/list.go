package application

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
	"penggerak/internal/pdp"
	"penggerak/internal/school"
)

// Scope limits what regional staff see: national, or kabupaten/kota and provinces under the
// jurisdiction rule of DOMAIN.md (a kab/kota Dinas covers PAUD/TK, SD, SMP; a provincial Dinas
// covers SMA, SMK, SLB), while a BGP sees every applicant of its province.
type Scope struct {
	National bool
	// Regencies are a kab/kota Dinas's: applicants there at every jenjang but school.ProvincialJenjang.
	Regencies []string
	// Provinces are a provincial Dinas's: applicants there at school.ProvincialJenjang only.
	Provinces []string
	// BGPProvinces are a BGP's: every applicant of the province.
	BGPProvinces []string
}

// Filter narrows the regional list.
type Filter struct {
	CohortID int64  `form:"angkatan"`
	Status   Status `form:"status"`
	Regency  string `form:"kab"`
	Jenjang  string `form:"jenjang"`
	NPSN     string `form:"npsn"`
	Query    string `form:"q"`
	After    int64  `form:"setelah"`
}

// Row is one application in the regional list. NIK is already masked.
type Row struct {
	ID                 int64      `db:"id"`
	CohortName         string     `db:"cohort_name"`
	ApplicantName      string     `db:"applicant_name"`
	NIKMasked          string     `db:"nik"`
	SchoolName         string     `db:"school_name"`
	NPSN               string     `db:"npsn"`
	RegencyName        string     `db:"regency_name"`
	Jenjang            string     `db:"jenjang"`
	Status             Status     `db:"status"`
	RegistrationNumber *string    `db:"registration_number"`
	SubmittedAt        *time.Time `db:"submitted_at"`
	// Progress is where the application stands (StatusKey), read after the page.
	Progress Progress `db:"-"`
}

// Page is one page of the regional list with counts per status (over the same filters except
// status).
type Page struct {
	Rows   []Row
	Next   int64 // id to continue after, 0 at the end
	Counts map[Status]int
}

// PageSize is how many rows a list page shows.
const PageSize = 50

// where builds the scope and filter predicate; withStatus false leaves the status filter out.
func where(sc Scope, f Filter, withStatus bool) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if !sc.National {
		args = append(args, database.NonNil(sc.Regencies), database.NonNil(sc.Provinces), database.NonNil(sc.BGPProvinces), school.ProvincialJenjang)
		n := len(args)
		conds = append(conds, fmt.Sprintf(`((a.regency_code = ANY($%d) AND a.jenjang <> ALL($%d))
			OR (a.province_code = ANY($%d) AND a.jenjang = ANY($%d)) OR a.province_code = ANY($%d))`, n-3, n, n-2, n, n-1))
	}
	if f.CohortID != 0 {
		add("a.cohort_id = $?", f.CohortID)
	}
	if withStatus && f.Status != "" {
		add("a.status = $?", f.Status)
	}
	if f.Regency != "" {
		add("a.regency_code = $?", f.Regency)
	}
	if f.Jenjang != "" {
		add("a.jenjang = $?", f.Jenjang)
	}
	if f.NPSN != "" {
		add("a.npsn = $?", strings.TrimSpace(f.NPSN))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		q = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q))
		add("lower(a.applicant_name) LIKE '%' || $? || '%'", q)
	}
	if len(conds) == 0 {
		return "TRUE", args
	}
	return strings.Join(conds, " AND "), args
}

// Condition is the SQL predicate of the scope and the filter (status included) over
// applications aliased a, with its arguments numbered from $1, for report and export queries
// in other features that must see exactly what this list shows.
func Condition(sc Scope, f Filter) (string, []any) { return where(sc, f, true) }

// Query is one SQL statement with its arguments.
type Query struct {
	SQL  string
	Args []any
}

// ListQueries returns the two statements of List: the page, and the counts per status. The
// EXPLAIN checks (list_plan_test.go) run these.
func ListQueries(sc Scope, f Filter) (page, counts Query) {
	cond, args := where(sc, f, true)
	if f.After > 0 {
		args = append(args, f.After)
		cond += " AND a.id < $" + strconv.Itoa(len(args))
	}
	page = Query{SQL: `SELECT a.id, c.name AS cohort_name, a.applicant_name, coalesce(tp.nik, '') AS nik, sc.name AS school_name, a.npsn,
		r.name AS regency_name, a.jenjang, a.status, a.registration_number, a.submitted_at
		FROM applications a JOIN cohorts c ON c.id = a.cohort_id JOIN schools sc ON sc.npsn = a.npsn JOIN regencies r ON r.code = a.regency_code
		LEFT JOIN teacher_profiles tp ON tp.user_id = a.user_id
		WHERE ` + cond + ` ORDER BY a.id DESC LIMIT ` + strconv.Itoa(PageSize+1), Args: args}
	cond, args = where(sc, f, false)
	from := "count(*) FROM applications a"
	if f.NPSN == "" && strings.TrimSpace(f.Query) == "" {
		// Only scope columns: the sums kept per group (migration 000521) answer it.
		from = "sum(a.n)::bigint FROM application_counts a"
	}
	counts = Query{SQL: `SELECT a.status, ` + from + ` WHERE ` + cond + ` GROUP BY a.status`, Args: args}
	return page, counts
}

// List returns one page of applications in scope, newest first, continuing after f.After
// (keyset pagination on id), and the counts per status.
func (s *Store) List(ctx context.Context, sc Scope, f Filter) (Page, error) {
	var p Page
	pq, cq := ListQueries(sc, f)
	rows, _ := s.db.Query(ctx, pq.SQL, pq.Args...)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Row])
	if err != nil {
		return p, err
	}
	if len(list) > PageSize {
		list = list[:PageSize]
		p.Next = list[PageSize-1].ID
	}
	ids := make([]int64, len(list))
	for i := range list {
		list[i].NIKMasked = pdp.Mask(list[i].NIKMasked)
		ids[i] = list[i].ID
	}
	prog, err := s.Progresses(ctx, ids)
	if err != nil {
		return p, err
	}
	for i := range list {
		list[i].Progress = prog[list[i].ID]
	}
	p.Rows = list
	rows, _ = s.db.Query(ctx, cq.SQL, cq.Args...)
	p.Counts = map[Status]int{}
	var st string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&st, &n}, func() error {
		if n > 0 {
			p.Counts[Status(st)] = int(n)
		}
		return nil
	})
	return p, err
}

// InScope returns one application with its documents when it lies in the scope (ErrNotFound
// otherwise), for the read-only regional view.
func (s *Store) InScope(ctx context.Context, sc Scope, id int64) (Details, error) {
	cond, args := where(sc, Filter{}, false)
	args = append(args, id)
	rows, _ := s.db.Query(ctx, `SELECT `+prefixed("a.", appCols)+` FROM applications a WHERE `+cond+` AND a.id = $`+strconv.Itoa(len(args)), args...)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Application])
	if errors.Is(err, pgx.ErrNoRows) {
		return Details{}, fmt.Errorf("application %d: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return Details{}, err
	}
	return s.details(ctx, a)
}
