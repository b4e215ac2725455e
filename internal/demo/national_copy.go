package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/argon2"

	"penggerak/internal/account"
)

// fixedHash is the argon2id hash of Password with the production parameters and a salt from
// the seed: computed once, shared by every national account (hashing 250,000 passwords would
// take an hour).
func fixedHash(seed uint64) string {
	p := account.DefaultParams
	salt := sha256.Sum256([]byte(fmt.Sprintf("penggerak-national-%d", seed)))
	key := argon2.IDKey([]byte(Password), salt[:p.SaltLength], p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		base64.RawStdEncoding.EncodeToString(salt[:p.SaltLength]), base64.RawStdEncoding.EncodeToString(key))
}

// deferChecks does what pg_restore does for a bulk load: it drops the table's foreign keys and
// its secondary (non-unique) indexes inside the transaction, and the returned function puts
// them back — one index build per index and one validating join per foreign key instead of a
// check and an index insertion per row. Primary keys, unique indexes and CHECK constraints stay
// in place, so every row is still checked, and every foreign key is validated over the whole
// table when it is added back (the transaction fails if one row does not match).
// keptSumsTriggers are the functions of the triggers that keep sums of other tables' rows.
var keptSumsTriggers = []string{"application_counts_apply", "application_days_apply", "application_sheets_forget", "score_sheet_counts_apply",
	"seat_counts_apply", "school_counts_apply", "teacher_counts_apply", "user_counts_apply"}

// keptSumsFill recomputes every kept sum from the rows (the migrations' initial fills).
var keptSumsFill = []string{
	`DELETE FROM application_counts`,
	`INSERT INTO application_counts (cohort_id, regency_code, province_code, jenjang, status, n)
		SELECT cohort_id, regency_code, province_code, jenjang, status, count(*) FROM applications GROUP BY 1, 2, 3, 4, 5`,
	`DELETE FROM application_days`,
	`INSERT INTO application_days (cohort_id, regency_code, province_code, jenjang, day, registered, submitted)
		SELECT cohort_id, regency_code, province_code, jenjang, day, sum(r), sum(s) FROM (
			SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, 1 AS r, 0 AS s FROM applications
			UNION ALL
			SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, 1 FROM applications
			WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'verval_passed', 'verval_failed')) x
		GROUP BY 1, 2, 3, 4, 5`,
	`DELETE FROM score_sheet_counts`,
	`INSERT INTO score_sheet_counts (cohort_id, regency_code, province_code, jenjang, stage, due_hour, n)
		SELECT a.cohort_id, a.regency_code, a.province_code, a.jenjang, sh.stage, sheet_due_hour(sh.submitted_at, sh.due_at), count(*)
		FROM score_sheets sh JOIN applications a ON a.id = sh.application_id GROUP BY 1, 2, 3, 4, 5, 6`,
	`DELETE FROM seat_counts`,
	`INSERT INTO seat_counts (run_id, regency_code, province_code, jenjang, status, n)
		SELECT ps.run_id, a.regency_code, a.province_code, a.jenjang, ps.status, count(*)
		FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id GROUP BY 1, 2, 3, 4, 5`,
	`DELETE FROM region_counts`,
	`INSERT INTO region_counts (regency_code, province_code, schools, teachers)
		SELECT r.code, r.province_code, coalesce(s.n, 0), coalesce(t.n, 0) FROM regencies r
		LEFT JOIN (SELECT regency_code, count(*) AS n FROM schools GROUP BY 1) s ON s.regency_code = r.code
		LEFT JOIN (SELECT sc.regency_code, count(*) AS n FROM teacher_profiles tp JOIN schools sc ON sc.npsn = tp.npsn GROUP BY 1) t ON t.regency_code = r.code`,
	`DELETE FROM user_counts`,
	`INSERT INTO user_counts (slot, n) SELECT (id % 16)::int, count(*) FROM users GROUP BY 1`,
}

// keptSums turns the sum-keeping triggers off for the seed (on false), or back on and
// recomputes the sums from the rows (on true), inside the seed's transaction.
func keptSums(ctx context.Context, tx pgx.Tx, on bool) error {
	if err := fireDeferred(ctx, tx); err != nil {
		return err
	}
	rows, _ := tx.Query(ctx, `SELECT format('ALTER TABLE %s %s TRIGGER %I', t.tgrelid::regclass, CASE WHEN $2 THEN 'ENABLE' ELSE 'DISABLE' END, t.tgname)
		FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = ANY($1) AND NOT t.tgisinternal ORDER BY 1`, keptSumsTriggers, on)
	alters, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	if len(alters) == 0 {
		return errors.New("no sum-keeping triggers found")
	}
	if on {
		alters = append(alters, keptSumsFill...)
	}
	for _, sql := range alters {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return fmt.Errorf("%s: %w", sql, err)
		}
	}
	return nil
}

// fireDeferred runs the checks deferred to commit that are pending in tx now (the
// configuration-version and result-set constraint triggers), so that the ALTER TABLE of the
// seed may follow: PostgreSQL refuses to alter a table with pending trigger events. Every
// deferrable constraint of the schema is INITIALLY DEFERRED, so deferring them all again
// restores the transaction's default.
func fireDeferred(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED`)
	return err
}

func deferChecks(ctx context.Context, tx pgx.Tx, table string) (func() error, error) {
	if err := fireDeferred(ctx, tx); err != nil {
		return nil, err
	}
	rows, _ := tx.Query(ctx, `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
			format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
		FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'
		UNION ALL
		SELECT format('DROP INDEX %s', indexrelid::regclass), pg_get_indexdef(indexrelid)
		FROM pg_index WHERE indrelid = $1::regclass AND NOT indisunique AND NOT indisprimary`, table)
	var drops, adds []string
	var d, a string
	if _, err := pgx.ForEachRow(rows, []any{&d, &a}, func() error { drops, adds = append(drops, d), append(adds, a); return nil }); err != nil {
		return nil, err
	}
	for _, sql := range drops {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return nil, err
		}
	}
	return func() error {
		if err := fireDeferred(ctx, tx); err != nil {
			return err
		}
		// indexes first (the foreign keys' validation may use them), then the keys
		for pass := 0; pass < 2; pass++ {
			for _, sql := range adds {
				if strings.HasPrefix(sql, "ALTER") == (pass == 1) {
					if _, err := tx.Exec(ctx, sql); err != nil {
						return fmt.Errorf("%s: %w", sql, err)
					}
				}
			}
		}
		return nil
	}, nil
}

// rawCopy copies the rows just loaded out as COPY text, then times a plain COPY of that text
// into a scratch table LIKE the table (indexes, checks and defaults, no foreign keys or
// triggers), and drops it.
func rawCopy(ctx context.Context, tx pgx.Tx, table string, cols []string, where string) (time.Duration, error) {
	var buf bytes.Buffer
	list := strings.Join(cols, ", ")
	if _, err := tx.Conn().PgConn().CopyTo(ctx, &buf, `COPY (SELECT `+list+` FROM `+pgx.Identifier{table}.Sanitize()+` WHERE `+where+`) TO STDOUT`); err != nil {
		return 0, err
	}
	scratch := "seed_raw_" + table
	if _, err := tx.Exec(ctx, `CREATE TABLE `+pgx.Identifier{scratch}.Sanitize()+` (LIKE `+pgx.Identifier{table}.Sanitize()+` INCLUDING ALL)`); err != nil {
		return 0, err
	}
	t0 := time.Now()
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, &buf, `COPY `+pgx.Identifier{scratch}.Sanitize()+` (`+list+`) FROM STDIN`); err != nil {
		return 0, err
	}
	took := time.Since(t0)
	_, err := tx.Exec(ctx, `DROP TABLE `+scratch)
	return took, err
}

// plan reads the regions, reserves ids and decides every school and teacher.

type natTable struct {
	name   string
	cols   []string
	where  string // selects the loaded rows, for the raw COPY baseline
	src    pgx.CopyFromSource
	before func(context.Context, pgx.Tx) error
	after  func(context.Context, pgx.Tx) error
}

// gen is a CopyFromSource over rows produced by next(i) for i in [0, count); next returns
// nil to skip i.
type gen struct {
	count int
	i     int
	row   []any
	next  func(i int) []any
	// multi: more rows per i (sub index), e.g. CV entries; next is called with i*per+k.
	per int
}

func (g *gen) Next() bool {
	total := g.count * max(g.per, 1)
	for g.i < total {
		g.row = g.next(g.i)
		g.i++
		if g.row != nil {
			return true
		}
	}
	return false
}
func (g *gen) Values() ([]any, error) { return g.row, nil }
func (g *gen) Err() error             { return nil }
