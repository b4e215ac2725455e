// Package report computes the figures of the report pages: the recruitment dashboard of a
// cohort (funnel, registrations per day, quota against lulus, pass rates, assessor progress),
// the clinic report of a Dinas, and the assessor analytics. Every figure is counted in SQL with
// the viewer's region scope in the query (the same predicate as the regional application list,
// application.Condition), so a Dinas never receives another region's numbers.
package report

import (
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

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

// TZ is the time zone days are counted in (WIB, where the registration deadlines are set).
var TZ = mustLoad("Asia/Jakarta")

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("WIB", 7*3600)
	}
	return l
}
