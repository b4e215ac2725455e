package school

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// Store reads and writes schools.
type Store struct{ db database.DB }

// NewStore returns a Store on the pool.
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

const selectSchool = `SELECT s.npsn, s.name, s.jenjang, s.status, s.regency_code, r.name AS regency_name,
	coalesce(s.district_code, '') AS district_code, coalesce(d.name, '') AS district_name,
	s.address, s.email, s.principal_name, s.updated_at
	FROM schools s JOIN regencies r ON r.code = s.regency_code
	LEFT JOIN districts d ON d.code = s.district_code`

// ByNPSN returns one school, or database.ErrNotFound.
func (s *Store) ByNPSN(ctx context.Context, npsn string) (School, error) {
	rows, _ := s.db.Query(ctx, selectSchool+` WHERE s.npsn = $1`, npsn)
	return database.One[School](rows, "school %s", npsn)
}

// likePattern escapes LIKE wildcards in q and wraps it in %…%.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(q)) + "%"
}

// Search finds schools whose NPSN starts with q (when q is an NPSN prefix) or whose name
// contains q, optionally within one kabupaten/kota and one jenjang; names starting with q come
// first. An empty q finds nothing.
func (s *Store) Search(ctx context.Context, q, regencyCode, jenjang string, limit int) ([]School, error) {
	q = strings.TrimSpace(q)
	if len([]rune(q)) < 2 {
		return nil, nil
	}
	if limit <= 0 || limit > 50 {
		limit = 20
	}
	rows, _ := s.db.Query(ctx, selectSchool+`
		WHERE (s.npsn LIKE upper($1) || '%' OR lower(s.name) LIKE $2)
		  AND ($3 = '' OR s.regency_code = $3) AND ($4 = '' OR s.jenjang = $4)
		ORDER BY (s.npsn = upper($1)) DESC, (lower(s.name) LIKE lower($1) || '%') DESC, s.name, s.npsn
		LIMIT $5`, strings.NewReplacer("%", "", "_", "").Replace(q), likePattern(q), regencyCode, jenjang, limit)
	return pgx.CollectRows(rows, pgx.RowToStructByName[School])
}

// Filter narrows the admin list. After is the NPSN of the last school of the previous page
// (keyset pagination by name, then NPSN).
type Filter struct {
	RegencyCode string
	Jenjang     string
	Q           string
	After       string
	Limit       int
}

// Page is one page of the admin list; Next is the After of the next page, "" on the last.
type Page struct {
	Schools []School
	Next    string
}

// List returns one page of schools matching f, ordered by name then NPSN. The conditions are
// put together from fixed SQL fragments (values are always parameters) so that the planner can
// walk the (name, npsn) index from the cursor instead of sorting every match.
func (s *Store) List(ctx context.Context, f Filter) (Page, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.RegencyCode != "" {
		where = append(where, "s.regency_code = "+arg(f.RegencyCode))
	}
	if f.Jenjang != "" {
		where = append(where, "s.jenjang = "+arg(f.Jenjang))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, "(lower(s.name) LIKE "+arg(likePattern(q))+" OR s.npsn = upper("+arg(q)+"))")
	}
	if f.After != "" {
		var name string
		err := s.db.QueryRow(ctx, `SELECT name FROM schools WHERE npsn = $1`, f.After).Scan(&name)
		if errors.Is(err, pgx.ErrNoRows) {
			return Page{}, nil
		}
		if err != nil {
			return Page{}, err
		}
		where = append(where, "(s.name, s.npsn) > ("+arg(name)+", "+arg(f.After)+")")
	}
	inner := "SELECT * FROM schools s"
	if len(where) > 0 {
		inner += " WHERE " + strings.Join(where, " AND ")
	}
	inner += " ORDER BY s.name, s.npsn LIMIT " + arg(f.Limit+1)
	sql := strings.Replace(selectSchool, "FROM schools s", "FROM ("+inner+") s", 1) + " ORDER BY s.name, s.npsn"
	rows, _ := s.db.Query(ctx, sql, args...)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[School])
	if err != nil {
		return Page{}, err
	}
	var p Page
	p.Schools, p.Next = database.Keyset(list, f.Limit, func(s School) string { return s.NPSN })
	return p, nil
}

// Reference is the region data an import is checked against.
type Reference struct {
	// Regencies holds every kabupaten/kota code.
	Regencies map[string]bool
	// Districts maps every kecamatan code to its kabupaten/kota code.
	Districts map[string]string
}

// Reference loads the kabupaten/kota and kecamatan codes for checking an import.
func (s *Store) Reference(ctx context.Context) (Reference, error) {
	ref := Reference{Regencies: map[string]bool{}, Districts: map[string]string{}}
	rows, _ := s.db.Query(ctx, `SELECT code FROM regencies`)
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return ref, err
	}
	for _, c := range codes {
		ref.Regencies[c] = true
	}
	rows, _ = s.db.Query(ctx, `SELECT code, regency_code FROM districts`)
	var code, reg string
	_, err = pgx.ForEachRow(rows, []any{&code, &reg}, func() error {
		ref.Districts[code] = reg
		return nil
	})
	return ref, err
}

// ImportResult counts what an import changed.
type ImportResult struct {
	Rows     int
	Inserted int
	Updated  int
}

// Upsert writes schools by NPSN (new ones inserted, existing ones updated) in one
// transaction, and records the import in the audit log with its counts. The rows must already
// be valid (see Validate).
func (s *Store) Upsert(ctx context.Context, actor audit.Actor, source string, schools []School) (ImportResult, error) {
	res := ImportResult{Rows: len(schools)}
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE school_import (LIKE schools INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
			return err
		}
		cols := []string{"npsn", "name", "jenjang", "status", "regency_code", "district_code", "address", "email", "principal_name"}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"school_import"}, cols, pgx.CopyFromSlice(len(schools), func(i int) ([]any, error) {
			sc := schools[i]
			var district *string
			if sc.DistrictCode != "" {
				district = &sc.DistrictCode
			}
			return []any{sc.NPSN, sc.Name, sc.Jenjang, sc.Status, sc.RegencyCode, district, sc.Address, sc.Email, sc.PrincipalName}, nil
		}))
		if err != nil {
			return fmt.Errorf("copy schools: %w", err)
		}
		err = tx.QueryRow(ctx, `WITH up AS (
				INSERT INTO schools (npsn, name, jenjang, status, regency_code, district_code, address, email, principal_name)
				SELECT npsn, name, jenjang, status, regency_code, district_code, address, email, principal_name FROM school_import
				ON CONFLICT (npsn) DO UPDATE SET name = EXCLUDED.name, jenjang = EXCLUDED.jenjang, status = EXCLUDED.status,
					regency_code = EXCLUDED.regency_code, district_code = EXCLUDED.district_code, address = EXCLUDED.address,
					email = EXCLUDED.email, principal_name = EXCLUDED.principal_name, updated_at = now()
				RETURNING (xmax = 0) AS inserted)
			SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up`).Scan(&res.Inserted, &res.Updated)
		if err != nil {
			return fmt.Errorf("upsert schools: %w", err)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "school.import", ObjectType: "school", ObjectID: "import",
			Detail: map[string]any{"source": source, "rows": res.Rows, "inserted": res.Inserted, "updated": res.Updated}})
	})
	if err == nil && res.Inserted > 1000 {
		// Fresh statistics so that lists and searches plan well right after a large import.
		_, err = s.db.Exec(ctx, `ANALYZE schools`)
	}
	return res, err
}
