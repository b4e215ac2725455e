package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/argon2"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/selection"
)

// NationalOptions sizes the national data set of `penggerak seed --scale national`.
type NationalOptions struct {
	// Seed makes the data: the same seed gives the same rows (timestamps are relative to the
	// day of seeding, so a cohort seeded today is open today).
	Seed uint64
	// Teachers is the number of teacher accounts, each with one application (default 250,000).
	Teachers int
	// SchoolsPerDistrict is the number of schools in each of the 7,285 kecamatan (default 30,
	// about 218,000 schools).
	SchoolsPerDistrict int
	// Baseline also loads every table's rows a second time with a raw text COPY into a scratch
	// copy of the table (same columns, indexes and checks; no foreign keys or triggers), timed,
	// and drops it: the reference the seed's rows per second are compared with.
	Baseline bool
	// Out receives the progress lines (nil: discarded).
	Out io.Writer
}

// NationalCohortNumber is the number of the national cohort (CGP "Angkatan 20").
const NationalCohortNumber = 20

// NationalEmail is the email of national teacher i (1-based), password Password.
func NationalEmail(i int) string { return fmt.Sprintf("guru%06d@nasional.penggerak.id", i) }

// TableLoad is the load figure of one table.
type TableLoad struct {
	Table string
	Rows  int
	Took  time.Duration
	// Raw is the time of the raw COPY of the same rows (0 without Baseline).
	Raw time.Duration
}

// NationalReport is what SeedNational loaded.
type NationalReport struct {
	CohortID int64
	Tables   []TableLoad
	Took     time.Duration // whole seed, including planning and the commit
	// AlreadyLoaded is true when the national cohort existed and nothing was done.
	AlreadyLoaded bool
}

// Rows is the number of rows loaded over every table.
func (r NationalReport) Rows() (n int) {
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// LoadTime and RawTime sum the per-table times.
func (r NationalReport) LoadTime() (d time.Duration) {
	for _, t := range r.Tables {
		d += t.Took
	}
	return d
}

// RawTime sums the raw COPY times.
func (r NationalReport) RawTime() (d time.Duration) {
	for _, t := range r.Tables {
		d += t.Raw
	}
	return d
}

// Application statuses of the national cohort, by share of teachers (per mille).
const (
	permilleDraftPartial = 60  // a draft still being filled in
	permilleDraftReady   = 90  // a complete draft, ready to submit
	permilleWithdrawn    = 20  // withdrew
	permilleSubmitted    = 230 // submitted, verval pending
	permilleTidakLolos   = 100 // verval failed
	// the rest (500) passed verval and is scored in tahap 1 by two assessors
)

type appState uint8

const (
	stDraftPartial appState = iota
	stDraftReady
	stWithdrawn
	stSubmitted
	stTidakLolos
	stLolos
)

func (s appState) status() string {
	switch s {
	case stDraftPartial, stDraftReady:
		return "draft"
	case stWithdrawn:
		return "withdrawn"
	case stSubmitted:
		return "submitted"
	case stTidakLolos:
		return "tidak_lolos_verval"
	}
	return "lolos_verval"
}

func (s appState) submitted() bool { return s >= stSubmitted }
func (s appState) complete() bool  { return s != stDraftPartial }
func (s appState) decided() bool   { return s == stTidakLolos || s == stLolos }

type natSchool struct {
	NPSN, Name, Jenjang, Regency, District string
}

type natTeacher struct {
	School      int32
	State       appState
	Female      bool
	Birth       time.Time
	First, Last int8
}

// national is the plan: everything rows are derived from.
type national struct {
	o          NationalOptions
	anchor     time.Time // midnight UTC of the seeding day
	opens      time.Time // registration opened
	schools    []natSchool
	teachers   []natTeacher
	byRegency  map[string][]int32 // teacher indexes per kab/kota
	regencies  []string
	assessors  map[string][2]int64 // two assessors per kab/kota
	userBase   int64               // teacher i has user id userBase+i+1
	appBase    int64
	cvBase     int64
	docBase    int64
	sheetBase  int64
	clinicBase int64
	regBase    int64
	cohortID   int64
	questions  []int64
	documents  []int64 // required document ids; the last one is optional
	hash       string
}

// rng returns the deterministic random stream of row i of a table (salt).
func (n *national) rng(salt, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(n.o.Seed^(salt*0x9E3779B97F4A7C15), i))
}

const (
	saltSchool = iota + 1
	saltTeacher
	saltProfile
	saltCV
	saltEssay
	saltDoc
	saltSheet
	saltClinic
	saltReg
)

var (
	natJenjang  = []string{"SD", "SD", "SD", "SD", "SD", "SD", "SD", "SD", "SD", "SD", "SD", "SD", "SD", "SD", "PAUD", "PAUD", "PAUD", "PAUD", "PAUD", "PAUD", "PAUD", "SMP", "SMP", "SMP", "SMP", "SMP", "SMA", "SMA", "SMK", "SLB"}
	natSubjects = []string{"Guru Kelas", "Matematika", "Bahasa Indonesia", "IPA", "IPS", "Bahasa Inggris", "PJOK", "Seni Budaya", "PPKn", "Pendidikan Agama", "Informatika", "Guru PAUD"}
	natCVTitles = [][3]string{
		{"umum", "Wali kelas", "Sekolah tempat mengajar"},
		{"pelatihan", "Pelatihan Kurikulum Merdeka", "Balai Guru Penggerak"},
		{"organisasi", "Anggota Kelompok Kerja Guru", "KKG Gugus"},
		{"relawan", "Relawan literasi desa", "Taman Baca Masyarakat"},
		{"pengembangan", "Narasumber komunitas belajar", "Komunitas Belajar Sekolah"},
	}
	natSentences = []string{
		"Saya mengajak murid menyusun pertanyaan sendiri sebelum pelajaran dimulai.",
		"Di kelas saya, murid bekerja dalam kelompok kecil dan saling memberi umpan balik.",
		"Saya memakai asesmen awal untuk mengetahui kesiapan belajar setiap murid.",
		"Tantangan terbesar kami adalah jarak rumah murid yang jauh dari sekolah.",
		"Bersama rekan guru, kami membentuk komunitas belajar yang bertemu setiap Kamis.",
		"Saya mendokumentasikan praktik baik dan membagikannya di forum KKG.",
		"Orang tua murid kami libatkan dalam kegiatan proyek penguatan profil pelajar Pancasila.",
		"Murid yang belum lancar membaca mendapat pendampingan sebaya setiap pagi.",
		"Saya belajar dari refleksi murid tentang cara saya mengajar.",
		"Rencana saya adalah mengajak guru lain mencoba pembelajaran berdiferensiasi.",
	}
)

// natNames returns first and last name lists (shared with the small demo).
func natName(t natTeacher) string {
	return firstNames[int(t.First)%len(firstNames)] + " " + lastNames[int(t.Last)%len(lastNames)]
}

// SeedNational loads the national data set in one transaction, unless the national cohort is
// already there: schools in every kecamatan, teacher accounts with valid NIK/NUPTK (and NIP for
// civil servants) and profiles, one application each to the national cohort "Angkatan 20"
// (open for registration, targeting all 514 kabupaten/kota) at every stage — partial and
// complete drafts, withdrawn, submitted, verval failed and passed — with CV entries, essays,
// document records, consent, verval assignments and decisions, tahap 1 score sheets by two
// assessors on 8 criteria (scores reach the passing grade, quotas bind), and a coaching clinic
// per kab/kota with registrations. Every table is loaded with COPY (pgx CopyFrom). Every
// account has the password Password through one precomputed argon2id hash.
// The regions and the small demo (Seed) must be loaded first.
func SeedNational(ctx context.Context, db *pgxpool.Pool, o NationalOptions) (NationalReport, error) {
	start := time.Now()
	if o.Teachers == 0 {
		o.Teachers = 250_000
	}
	if o.SchoolsPerDistrict == 0 {
		o.SchoolsPerDistrict = 30
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	var rep NationalReport
	var exists bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cohorts WHERE program_kind = 'cgp' AND number = $1)`, NationalCohortNumber).Scan(&exists); err != nil {
		return rep, err
	}
	if exists {
		rep.AlreadyLoaded = true
		return rep, nil
	}
	n := &national{o: o, anchor: time.Now().UTC().Truncate(24 * time.Hour)}
	n.opens = n.anchor.AddDate(0, 0, -20)
	n.hash = fixedHash(o.Seed)
	conn, err := db.Acquire(ctx)
	if err != nil {
		return rep, err
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return rep, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return rep, err
	}
	if err := n.plan(ctx, tx); err != nil {
		return rep, err
	}
	// The sums kept by statement triggers (000521, 000650, 000653) are computed once at the end
	// instead of from each COPY's transition table (which holds every copied row a second time:
	// about a fifth of the seed's time at 20,000 teachers).
	if err := keptSums(ctx, tx, false); err != nil {
		return rep, err
	}
	fmt.Fprintf(o.Out, "national data: %d schools, %d teachers, seed %d\n", len(n.schools), len(n.teachers), o.Seed)
	fmt.Fprintf(o.Out, "%-24s %10s %9s %12s", "table", "rows", "seconds", "rows/s")
	if o.Baseline {
		fmt.Fprintf(o.Out, " %12s %7s", "raw COPY/s", "ratio")
	}
	fmt.Fprintln(o.Out)
	for _, t := range n.tables() {
		if t.before != nil {
			if err := t.before(ctx, tx); err != nil {
				return rep, fmt.Errorf("%s: %w", t.name, err)
			}
		}
		t0 := time.Now()
		restore, err := deferChecks(ctx, tx, t.name)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", t.name, err)
		}
		rows, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, t.src)
		if err != nil {
			return rep, fmt.Errorf("copy %s: %w", t.name, err)
		}
		if err := restore(); err != nil {
			return rep, fmt.Errorf("%s: %w", t.name, err)
		}
		load := TableLoad{Table: t.name, Rows: int(rows), Took: time.Since(t0)}
		if t.after != nil {
			if err := t.after(ctx, tx); err != nil {
				return rep, fmt.Errorf("%s: %w", t.name, err)
			}
		}
		if o.Baseline {
			if load.Raw, err = rawCopy(ctx, tx, t.name, t.cols, t.where); err != nil {
				return rep, fmt.Errorf("raw copy %s: %w", t.name, err)
			}
		}
		rep.Tables = append(rep.Tables, load)
		fmt.Fprintf(o.Out, "%-24s %10d %9.2f %12.0f", load.Table, load.Rows, load.Took.Seconds(), float64(load.Rows)/load.Took.Seconds())
		if o.Baseline {
			fmt.Fprintf(o.Out, " %12.0f %7.2f", float64(load.Rows)/load.Raw.Seconds(), load.Raw.Seconds()/load.Took.Seconds())
		}
		fmt.Fprintln(o.Out)
	}
	// The sums' recomputation counts as load time (a table of its own, no rows of its own).
	ts := time.Now()
	if err := keptSums(ctx, tx, true); err != nil {
		return rep, err
	}
	rep.Tables = append(rep.Tables, TableLoad{Table: "(kept sums)", Took: time.Since(ts)})
	fmt.Fprintf(o.Out, "%-24s %10s %9.2f\n", "(kept sums recomputed)", "", time.Since(ts).Seconds())
	for _, t := range []string{"users", "applications", "application_cv_entries", "application_documents", "score_sheets", "clinics", "clinic_registrations", "role_grants", "clinic_sessions", "verval_decisions"} {
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM `+pgx.Identifier{t}.Sanitize()+`))`, t); err != nil {
			return rep, fmt.Errorf("sequence %s: %w", t, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return rep, err
	}
	// Visibility map and statistics, as autovacuum would leave them after a registration day:
	// counts can use index-only scans and the planner knows the sizes.
	t0 := time.Now()
	if _, err := conn.Exec(ctx, `SET statement_timeout = 0`); err != nil {
		return rep, err
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), `RESET statement_timeout`) }()
	for _, t := range []string{"schools", "users", "teacher_profiles", "applications", "application_cv_entries", "application_essays",
		"application_documents", "application_consents", "verval_assignments", "verval_decisions", "score_sheets", "score_items",
		"clinic_registrations", "role_grants"} {
		if _, err := conn.Exec(ctx, `VACUUM (ANALYZE) `+t); err != nil {
			return rep, fmt.Errorf("vacuum %s: %w", t, err)
		}
	}
	fmt.Fprintf(o.Out, "vacuum + analyze: %.1f s\n", time.Since(t0).Seconds())
	rep.CohortID = n.cohortID
	rep.Took = time.Since(start)
	fmt.Fprintf(o.Out, "total: %d rows, COPY %.1f s = %.0f rows/s", rep.Rows(), rep.LoadTime().Seconds(), float64(rep.Rows())/rep.LoadTime().Seconds())
	if o.Baseline {
		fmt.Fprintf(o.Out, "; raw COPY %.1f s = %.0f rows/s; seed/raw throughput ratio %.2f", rep.RawTime().Seconds(),
			float64(rep.Rows())/rep.RawTime().Seconds(), rep.RawTime().Seconds()/rep.LoadTime().Seconds())
	}
	fmt.Fprintf(o.Out, "; whole seed %.1f s\n", rep.Took.Seconds())
	return rep, nil
}

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
			WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'lolos_verval', 'tidak_lolos_verval')) x
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

func deferChecks(ctx context.Context, tx pgx.Tx, table string) (func() error, error) {
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
func (n *national) plan(ctx context.Context, tx pgx.Tx) error {
	rows, _ := tx.Query(ctx, `SELECT d.code, d.regency_code, d.name FROM districts d ORDER BY d.code`)
	type dist struct{ code, regency, name string }
	var ds []dist
	var d dist
	if _, err := pgx.ForEachRow(rows, []any{&d.code, &d.regency, &d.name}, func() error { ds = append(ds, d); return nil }); err != nil {
		return err
	}
	if len(ds) == 0 {
		return errors.New("no kecamatan: load the regions first (penggerak migrate)")
	}
	rows, _ = tx.Query(ctx, `SELECT code FROM regencies ORDER BY code`)
	var err error
	if n.regencies, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return err
	}
	k := 0
	for _, d := range ds {
		counter := map[string]int{}
		for j := 0; j < n.o.SchoolsPerDistrict; j++ {
			jen := natJenjang[j%len(natJenjang)]
			counter[jen]++
			status := "Negeri"
			if counter[jen] > 2 && j%3 == 0 {
				status = "Swasta"
			}
			prefix := jen
			if jen == "PAUD" {
				prefix = "TK"
			}
			k++
			n.schools = append(n.schools, natSchool{NPSN: fmt.Sprintf("%08d", 60_000_000+k),
				Name: fmt.Sprintf("%s %s %d %s", prefix, status, counter[jen], d.name), Jenjang: jen, Regency: d.regency, District: d.code})
		}
	}
	r := n.rng(saltTeacher, 0)
	n.byRegency = map[string][]int32{}
	for i := 0; i < n.o.Teachers; i++ {
		t := natTeacher{School: int32(r.IntN(len(n.schools))), Female: r.IntN(10) < 6, First: int8(r.IntN(len(firstNames))), Last: int8(r.IntN(len(lastNames)))}
		t.Birth = time.Date(1968+r.IntN(29), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		p := r.IntN(1000)
		switch {
		case p < permilleDraftPartial:
			t.State = stDraftPartial
		case p < permilleDraftPartial+permilleDraftReady:
			t.State = stDraftReady
		case p < permilleDraftPartial+permilleDraftReady+permilleWithdrawn:
			t.State = stWithdrawn
		case p < permilleDraftPartial+permilleDraftReady+permilleWithdrawn+permilleSubmitted:
			t.State = stSubmitted
		case p < permilleDraftPartial+permilleDraftReady+permilleWithdrawn+permilleSubmitted+permilleTidakLolos:
			t.State = stTidakLolos
		default:
			t.State = stLolos
		}
		n.teachers = append(n.teachers, t)
		reg := n.schools[t.School].Regency
		n.byRegency[reg] = append(n.byRegency[reg], int32(i))
	}
	// Ids: identity columns take the values COPY gives them (the sequences are moved past
	// them at the end); each application owns fixed slots of CV, document and sheet ids.
	next := func(table string) (int64, error) {
		var id int64
		err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) + 1000 FROM `+table).Scan(&id)
		return id, err
	}
	for _, x := range []struct {
		p     *int64
		table string
	}{{&n.userBase, "users"}, {&n.appBase, "applications"}, {&n.cvBase, "application_cv_entries"}, {&n.docBase, "application_documents"},
		{&n.sheetBase, "score_sheets"}, {&n.clinicBase, "clinics"}, {&n.regBase, "clinic_registrations"}} {
		if *x.p, err = next(x.table); err != nil {
			return err
		}
	}
	return n.cohort(ctx, tx)
}

// cohort creates the national cohort with its targets (quotas about a fifth of the applicants
// who passed verval in each kab/kota), questions, documents and tahap 1 rubric.
func (n *national) cohort(ctx context.Context, tx pgx.Tx) error {
	closes := endOfDayWIB(n.anchor.AddDate(0, 0, 30))
	if err := tx.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at,
		administrasi_starts_on, administrasi_ends_on, simulasi_starts_on, simulasi_ends_on, pembekalan_starts_on, pembekalan_ends_on,
		training_months, correction_days, status)
		VALUES ($1, 'Angkatan 20 (nasional)', 'cgp', $2, $3, $4, $5, $6, $7, $8, $9, 6, 3, 'pendaftaran') RETURNING id`,
		NationalCohortNumber, n.opens, closes, n.anchor.AddDate(0, 1, 1), n.anchor.AddDate(0, 1, 21), n.anchor.AddDate(0, 2, 1),
		n.anchor.AddDate(0, 2, 14), n.anchor.AddDate(0, 3, 1), n.anchor.AddDate(0, 3, 5)).Scan(&n.cohortID); err != nil {
		return err
	}
	b := &pgx.Batch{}
	for _, reg := range n.regencies {
		lolos := 0
		for _, i := range n.byRegency[reg] {
			if n.teachers[i].State == stLolos {
				lolos++
			}
		}
		b.Queue(`INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, $2, $3)`, n.cohortID, reg, max(1, lolos/5))
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	for i, p := range []string{"Ceritakan satu praktik baik pembelajaran yang berpusat pada murid yang pernah Anda lakukan.",
		"Apa tantangan terbesar di kelas Anda dan bagaimana Anda menghadapinya?",
		"Bagaimana Anda pernah membantu rekan guru berkembang?",
		"Apa rencana Anda untuk komunitas belajar di sekolah setelah menjadi Guru Penggerak?"} {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO essay_questions (cohort_id, group_name, position, prompt, min_chars, max_chars)
			VALUES ($1, $2, $3, $4, 150, 2000) RETURNING id`, n.cohortID, fmt.Sprintf("Paket %d", i/2+1), i+1, p).Scan(&id); err != nil {
			return err
		}
		n.questions = append(n.questions, id)
	}
	for i, d := range []string{"KTP", "Surat rekomendasi kepala sekolah", "SK pembagian tugas mengajar", "Modul ajar / RPP"} {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO required_documents (cohort_id, position, name, required) VALUES ($1, $2, $3, $4) RETURNING id`,
			n.cohortID, i+1, d, i < 3).Scan(&id); err != nil {
			return err
		}
		n.documents = append(n.documents, id)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO selection_rubrics (cohort_id, stage, passing_grade, threshold) VALUES ($1, 'tahap1', 60, 15)`, n.cohortID); err != nil {
		return err
	}
	for c, rc := range natRubric().Criteria {
		if _, err := tx.Exec(ctx, `INSERT INTO selection_criteria (cohort_id, stage, position, name, min_score, max_score, weight, levels)
			VALUES ($1, 'tahap1', $2, $3, $4, $5, $6, $7)`, n.cohortID, c+1, rc.Name, rc.Min, rc.Max, rc.Weight, strings.Join(rc.Levels, "\n")); err != nil {
			return err
		}
	}
	return nil
}

// natRubric is the national cohort's tahap 1 rubric: 8 criteria scored 1-4, weights 1-3.
func natRubric() selection.Rubric {
	r := selection.Rubric{PassingGrade: 60, Threshold: 15}
	for c := 0; c < 8; c++ {
		r.Criteria = append(r.Criteria, selection.Criterion{Name: fmt.Sprintf("Kriteria %d", c+1), Min: 1, Max: 4, Weight: float64(c%3 + 1),
			Levels: []string{"Belum tampak", "Mulai tampak", "Cakap", "Mahir"}})
	}
	return r
}

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

func (n *national) userID(i int) int64 { return n.userBase + int64(i) + 1 }
func (n *national) appID(i int) int64  { return n.appBase + int64(i) + 1 }

// times of teacher i's application, relative to the registration opening.
func (n *national) appTimes(i int) (created, submitted time.Time) {
	r := n.rng(saltTeacher, uint64(i)+1)
	created = n.opens.Add(time.Duration(r.IntN(18*24*60)) * time.Minute)
	submitted = created.Add(time.Duration(60+r.IntN(48*60)) * time.Minute)
	if cap := n.anchor.Add(-time.Hour); submitted.After(cap) {
		submitted = cap
	}
	return created, submitted.Truncate(time.Microsecond)
}

// nik builds a valid NIK for teacher i: kab/kota and kecamatan of the school, birth date
// (day + 40 for women), serial i%9999+1 within that prefix (unique since prefixes with the
// same serial differ in i... made unique by the seen set).
func (n *national) nik(i int, seen map[string]bool) string {
	t := n.teachers[i]
	s := n.schools[t.School]
	day := t.Birth.Day()
	if t.Female {
		day += 40
	}
	prefix := strings.ReplaceAll(s.District, ".", "") + fmt.Sprintf("%02d%02d%02d", day, int(t.Birth.Month()), t.Birth.Year()%100)
	for serial := 1; ; serial++ {
		nik := prefix + fmt.Sprintf("%04d", serial)
		if !seen[nik] {
			seen[nik] = true
			return nik
		}
	}
}

func (n *national) essay(i, q int) string {
	r := n.rng(saltEssay, uint64(i*8+q))
	target := 160 + r.IntN(120)
	var b strings.Builder
	for b.Len() < target {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(natSentences[r.IntN(len(natSentences))])
	}
	return b.String()
}

// docs returns which of the 4 document slots teacher i has uploaded.
func (n *national) docs(i int) []bool {
	switch st := n.teachers[i].State; {
	case st == stDraftPartial:
		return []bool{i%2 == 0, i%4 == 0, false, false}
	default:
		return []bool{true, true, true, i%3 != 0}
	}
}

func (n *national) docRow(i, k int) (storage, sum string, size int) {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d/%d/%d", n.o.Seed, i, k)))
	return hex.EncodeToString(h[:16]) + ".pdf", hex.EncodeToString(h[:]), 80_000 + int(h[20])*4000
}

func (n *national) cvEntry(i, k int) application.CVEntry {
	c := natCVTitles[(i+k)%len(natCVTitles)]
	from := 2010 + (i+k)%12
	to := from + 1 + k
	return application.CVEntry{ID: n.cvBase + int64(i)*3 + int64(k) + 1, Section: c[0], Title: c[1], Organisation: c[2], YearFrom: &from, YearTo: &to,
		Description: "Kegiatan rutin bersama rekan guru."}
}

func (n *national) cvCount(i int) int {
	if n.teachers[i].State == stDraftPartial {
		return i % 2
	}
	return 3
}

// scores of the two tahap 1 sheets of teacher i: an ability decides the level, the second
// assessor differs on at most one criterion by one point (within the threshold).
func (n *national) scores(i int) [2][]int32 {
	r := n.rng(saltSheet, uint64(i))
	ability := 0.25 + 0.75*r.Float64()
	var a [2][]int32
	for c := 0; c < 8; c++ {
		v := 1 + int32(math.Round(3*math.Max(0, math.Min(1, ability+(r.Float64()-0.5)*0.5))))
		a[0] = append(a[0], v)
	}
	a[1] = append([]int32(nil), a[0]...)
	c := r.IntN(8)
	if a[1][c] < 4 && r.IntN(2) == 0 {
		a[1][c]++
	} else if a[1][c] > 1 {
		a[1][c]--
	}
	return a
}

func (n *national) tables() []natTable {
	hash := n.hash
	var seenNIK map[string]bool
	contentCache := func(i int) ([]byte, string, string) {
		t := n.teachers[i]
		s := n.schools[t.School]
		_, submitted := n.appTimes(i)
		number := application.RegistrationNumber("cgp", NationalCohortNumber, s.Regency, n.appID(i))
		c := application.Content{ApplicationID: n.appID(i), CohortID: n.cohortID, UserID: n.userID(i), RegistrationNumber: number,
			SubmittedAt: submitted.UTC().Format(time.RFC3339Nano), CV: []application.CVEntry{}, Essays: []application.ContentEssay{}, Documents: []application.ContentDoc{}}
		r := n.rng(saltProfile, uint64(i))
		c.Profile = application.ContentProfile{Name: natName(t), NPSN: s.NPSN, RegencyCode: s.Regency, Jenjang: s.Jenjang,
			Subject: natSubjects[r.IntN(len(natSubjects))], EmploymentStatus: natEmployment(r), YearsTeaching: natYears(i, t), Education: "S1"}
		for k := 0; k < n.cvCount(i); k++ {
			c.CV = append(c.CV, n.cvEntry(i, k))
		}
		for q, id := range n.questions {
			c.Essays = append(c.Essays, application.ContentEssay{QuestionID: id, Body: n.essay(i, q)})
		}
		for k, ok := range n.docs(i) {
			if ok {
				_, sum, size := n.docRow(i, k)
				c.Documents = append(c.Documents, application.ContentDoc{RequiredDocumentID: n.documents[k], SHA256: sum, Size: size})
			}
		}
		c.ConsentVersion = application.ConsentVersion
		c.ConsentedAt = submitted.Add(-10 * time.Minute).UTC().Format(time.RFC3339Nano)
		b, sum := c.Checksum()
		return b, sum, number
	}
	nt := len(n.teachers)
	apps := fmt.Sprintf("application_id BETWEEN %d AND %d", n.appBase+1, n.appBase+int64(nt))
	rub := natRubric()
	return []natTable{
		{name: "schools", cols: []string{"npsn", "name", "jenjang", "status", "regency_code", "district_code", "address", "email", "principal_name"},
			where: "npsn LIKE '6%'",
			src: &gen{count: len(n.schools), next: func(i int) []any {
				s := n.schools[i]
				r := n.rng(saltSchool, uint64(i))
				status := "negeri"
				if strings.Contains(s.Name, "Swasta") {
					status = "swasta"
				}
				return []any{s.NPSN, s.Name, s.Jenjang, status, s.Regency, s.District,
					fmt.Sprintf("%s No. %d", streets[r.IntN(len(streets))], 1+r.IntN(150)), s.NPSN + "@sekolah.nasional.id",
					firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))] + ", " + titles[r.IntN(len(titles))]}
			}}},
		{name: "users", cols: []string{"id", "email", "name", "phone", "password_hash", "email_verified_at", "created_at"},
			where: fmt.Sprintf("id > %d", n.userBase),
			src: &gen{count: nt + 2*len(n.regencies), next: func(i int) []any {
				if i >= nt { // two assessors per kab/kota
					k := i - nt
					reg := n.regencies[k/2]
					return []any{n.userID(i), fmt.Sprintf("asesor%s.%d@nasional.penggerak.id", strings.ReplaceAll(reg, ".", ""), k%2+1),
						fmt.Sprintf("Asesor %s %d", reg, k%2+1), "081300000000", hash, n.opens.AddDate(0, -1, 0), n.opens.AddDate(0, -1, 0)}
				}
				created, _ := n.appTimes(i)
				return []any{n.userID(i), NationalEmail(i + 1), natName(n.teachers[i]), fmt.Sprintf("08%010d", 1_000_000_000+i), hash, created.Add(-time.Hour), created.Add(-2 * time.Hour)}
			}}},
		// Every account holds guru (as account.CreateUser gives it); the assessors also asesor
		// in their province.
		{name: "role_grants", cols: []string{"user_id", "role", "province_code"}, where: fmt.Sprintf("user_id > %d", n.userBase),
			src: &gen{count: nt + 4*len(n.regencies), next: func(k int) []any {
				if k < nt+2*len(n.regencies) {
					return []any{n.userID(k), "guru", nil}
				}
				k -= nt + 2*len(n.regencies)
				return []any{n.userID(nt + k), "asesor", n.regencies[k/2][:2]}
			}},
			after: func(ctx context.Context, tx pgx.Tx) error {
				n.assessors = map[string][2]int64{}
				for k, reg := range n.regencies {
					n.assessors[reg] = [2]int64{n.userID(nt + 2*k), n.userID(nt + 2*k + 1)}
				}
				return nil
			}},
		{name: "teacher_profiles", cols: []string{"user_id", "nik", "nuptk", "nip", "birth_date", "gender", "npsn", "jenjang", "subject", "employment_status", "years_teaching", "education"},
			where: fmt.Sprintf("user_id > %d", n.userBase),
			before: func(ctx context.Context, tx pgx.Tx) error {
				rows, _ := tx.Query(ctx, `SELECT nik FROM teacher_profiles`)
				list, err := pgx.CollectRows(rows, pgx.RowTo[string])
				seenNIK = map[string]bool{}
				for _, x := range list {
					seenNIK[x] = true
				}
				return err
			},
			src: &gen{count: nt, next: func(i int) []any {
				t := n.teachers[i]
				s := n.schools[t.School]
				r := n.rng(saltProfile, uint64(i))
				subject, emp := natSubjects[r.IntN(len(natSubjects))], natEmployment(r)
				gender := "L"
				if t.Female {
					gender = "P"
				}
				nuptk, nip := "", ""
				if emp == "PNS" || emp == "PPPK" || r.IntN(3) > 0 {
					nuptk = fmt.Sprintf("%d%015d", 1+r.IntN(9), r.Int64N(1_000_000_000_000_000))
				}
				if emp == "PNS" || emp == "PPPK" {
					g := "1"
					if t.Female {
						g = "2"
					}
					nip = t.Birth.Format("20060102") + fmt.Sprintf("%04d%02d", t.Birth.Year()+23+r.IntN(5), 1+r.IntN(12)) + g + fmt.Sprintf("%03d", 1+r.IntN(999))
				}
				return []any{n.userID(i), n.nik(i, seenNIK), nuptk, nip, t.Birth, gender, s.NPSN, s.Jenjang, subject, emp, natYears(i, t), "S1"}
			}}},
		{name: "applications", cols: []string{"id", "cohort_id", "user_id", "status", "applicant_name", "npsn", "regency_code", "province_code", "jenjang",
			"profile_confirmed_at", "submitted_at", "registration_number", "receipt_checksum", "submitted_content", "withdrawn_at",
			"verval_decided_at", "verval_decided_by", "created_at", "updated_at"},
			where: fmt.Sprintf("cohort_id = %d", n.cohortID),
			src: &gen{count: nt, next: func(i int) []any {
				t := n.teachers[i]
				s := n.schools[t.School]
				created, submitted := n.appTimes(i)
				var confirmed, sub, withdrawn, decided, by any
				var number, sum, content any
				if t.State.complete() {
					confirmed = created.Add(5 * time.Minute)
				}
				if t.State == stWithdrawn {
					withdrawn = submitted
				}
				if t.State.submitted() {
					b, c, num := contentCache(i)
					sub, number, sum, content = submitted, num, c, b
				}
				updated := submitted
				if t.State.decided() {
					d := submitted.Add(72 * time.Hour)
					if d.After(n.anchor) {
						d = n.anchor.Add(-time.Minute)
					}
					decided, by, updated = d, n.assessors[s.Regency][0], d
				}
				return []any{n.appID(i), n.cohortID, n.userID(i), t.State.status(), natName(t), s.NPSN, s.Regency, s.Regency[:2], s.Jenjang,
					confirmed, sub, number, sum, content, withdrawn, decided, by, created, updated}
			}}},
		{name: "application_cv_entries", cols: []string{"id", "application_id", "section", "title", "organisation", "year_from", "year_to", "description"},
			where: apps,
			src: &gen{count: nt, per: 3, next: func(x int) []any {
				i, k := x/3, x%3
				if k >= n.cvCount(i) {
					return nil
				}
				e := n.cvEntry(i, k)
				return []any{e.ID, n.appID(i), e.Section, e.Title, e.Organisation, *e.YearFrom, *e.YearTo, e.Description}
			}}},
		{name: "application_essays", cols: []string{"application_id", "question_id", "body", "updated_at"}, where: apps,
			src: &gen{count: nt, per: 4, next: func(x int) []any {
				i, q := x/4, x%4
				if n.teachers[i].State == stDraftPartial && q >= 2 {
					return nil
				}
				created, _ := n.appTimes(i)
				return []any{n.appID(i), n.questions[q], n.essay(i, q), created.Add(time.Duration(30+q*10) * time.Minute)}
			}}},
		{name: "application_documents", cols: []string{"id", "application_id", "required_document_id", "storage_name", "original_name", "size_bytes", "sha256",
			"uploaded_at", "verval_status", "verval_reason", "verval_by", "verval_at"}, where: apps,
			src: &gen{count: nt, per: 4, next: func(x int) []any {
				i, k := x/4, x%4
				if !n.docs(i)[k] {
					return nil
				}
				t := n.teachers[i]
				created, submitted := n.appTimes(i)
				storage, sum, size := n.docRow(i, k)
				status, reason := "pending", ""
				var by, at any
				if t.State.decided() {
					status, by, at = "valid", n.assessors[n.schools[t.School].Regency][0], submitted.Add(71*time.Hour)
					if t.State == stTidakLolos && k == i%3 {
						status, reason = "invalid", application.VervalReasons[i%len(application.VervalReasons)]
					}
				}
				return []any{n.docBase + int64(i)*4 + int64(k) + 1, n.appID(i), n.documents[k], storage, fmt.Sprintf("dokumen-%d.pdf", k+1), size, sum,
					created.Add(time.Duration(40+k) * time.Minute), status, reason, by, at}
			}}},
		{name: "application_consents", cols: []string{"application_id", "text_version", "consented_at", "ip"}, where: apps,
			src: &gen{count: nt, next: func(i int) []any {
				if !n.teachers[i].State.complete() {
					return nil
				}
				_, submitted := n.appTimes(i)
				return []any{n.appID(i), application.ConsentVersion, submitted.Add(-10 * time.Minute), "10.20.0.1"}
			}}},
		{name: "verval_assignments", cols: []string{"application_id", "assessor_id", "assigned_at"}, where: apps,
			src: &gen{count: nt, next: func(i int) []any {
				t := n.teachers[i]
				if !t.State.submitted() {
					return nil
				}
				_, submitted := n.appTimes(i)
				return []any{n.appID(i), n.assessors[n.schools[t.School].Regency][0], submitted.Add(time.Hour)}
			}}},
		{name: "verval_decisions", cols: []string{"document_id", "assessor_id", "verdict", "reason", "decided_at"},
			where: fmt.Sprintf("document_id BETWEEN %d AND %d", n.docBase+1, n.docBase+int64(nt)*4),
			src: &gen{count: nt, per: 4, next: func(x int) []any {
				i, k := x/4, x%4
				t := n.teachers[i]
				if !t.State.decided() || !n.docs(i)[k] {
					return nil
				}
				_, submitted := n.appTimes(i)
				verdict, reason := "valid", ""
				if t.State == stTidakLolos && k == i%3 {
					verdict, reason = "invalid", application.VervalReasons[i%len(application.VervalReasons)]
				}
				return []any{n.docBase + int64(i)*4 + int64(k) + 1, n.assessors[n.schools[t.School].Regency][0], verdict, reason, submitted.Add(71 * time.Hour)}
			}}},
		{name: "score_sheets", cols: []string{"id", "application_id", "stage", "assessor_id", "assigned_at", "due_at", "submitted_at", "stage_score", "scores"},
			where: apps,
			src: &gen{count: nt, per: 2, next: func(x int) []any {
				i, k := x/2, x%2
				t := n.teachers[i]
				if t.State != stLolos {
					return nil
				}
				_, submitted := n.appTimes(i)
				sc := n.scores(i)[k]
				ints := make([]int, len(sc))
				for j, v := range sc {
					ints[j] = int(v)
				}
				score, _ := rub.StageScore(ints)
				assigned := submitted.Add(80 * time.Hour)
				return []any{n.sheetBase + int64(i)*2 + int64(k) + 1, n.appID(i), "tahap1", n.assessors[n.schools[t.School].Regency][k],
					assigned, assigned.AddDate(0, 0, 7), assigned.Add(time.Duration(2+k) * time.Hour), score, sc}
			}}},
		{name: "score_items", cols: []string{"sheet_id", "position", "score"},
			where: fmt.Sprintf("sheet_id BETWEEN %d AND %d", n.sheetBase+1, n.sheetBase+int64(nt)*2),
			// The items are the sheets' submitted scores; the lock trigger (which refuses items
			// of a submitted sheet) is off for this COPY only, inside the transaction.
			before: func(ctx context.Context, tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `ALTER TABLE score_items DISABLE TRIGGER score_items_locked`)
				return err
			},
			after: func(ctx context.Context, tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `ALTER TABLE score_items ENABLE TRIGGER score_items_locked`)
				return err
			},
			src: &gen{count: nt, per: 16, next: func(x int) []any {
				i, k, c := x/16, (x%16)/8, x%8
				if n.teachers[i].State != stLolos {
					return nil
				}
				return []any{n.sheetBase + int64(i)*2 + int64(k) + 1, c + 1, n.scores(i)[k][c]}
			}}},
		{name: "clinics", cols: []string{"id", "kind", "title", "description", "organiser", "province_code", "regency_code", "mode", "venue", "capacity",
			"school_slots", "jenjang", "registration_opens", "registration_closes", "contact_name", "contact_phone", "status"},
			where: fmt.Sprintf("id > %d", n.clinicBase),
			src: &gen{count: len(n.regencies), next: func(k int) []any {
				reg := n.regencies[k]
				return []any{n.clinicBase + int64(k) + 1, "coaching_clinic", "Coaching Clinic Rekrutmen CGP Angkatan 20 Kab/Kota " + reg,
					"Persiapan rekrutmen Calon Guru Penggerak bagi guru di kabupaten/kota ini.", "Dinas Pendidikan " + reg, reg[:2], reg, "offline",
					"Aula Dinas Pendidikan", 150, 0, []string{"PAUD", "SD", "SMP", "SMA", "SMK", "SLB"}, n.opens, n.anchor.AddDate(0, 0, 14),
					"Sekretariat", "081234567890", "published"}
			}}},
		{name: "clinic_sessions", cols: []string{"clinic_id", "title", "starts_at", "ends_at"}, where: fmt.Sprintf("clinic_id > %d", n.clinicBase),
			src: &gen{count: len(n.regencies), per: 2, next: func(x int) []any {
				k, s := x/2, x%2
				start := n.anchor.AddDate(0, 0, 16).Add(time.Duration(1+5*s) * time.Hour)
				return []any{n.clinicBase + int64(k) + 1, []string{"Paparan program", "Praktik esai dan CV"}[s], start, start.Add(4 * time.Hour)}
			}}},
		{name: "clinic_registrations", cols: []string{"id", "clinic_id", "user_id", "name", "email", "phone", "npsn", "school_name", "jenjang", "status", "code", "cert_code", "created_at"},
			where: fmt.Sprintf("clinic_id > %d", n.clinicBase),
			src:   n.registrations(),
		},
	}
}

// registrations: the first 120 teachers of each kab/kota (by index) register for its clinic,
// the first 100 with a seat, the rest on the waiting list.
func (n *national) registrations() pgx.CopyFromSource {
	type reg struct {
		clinic int
		i      int32
		k      int
	}
	var list []reg
	for c, code := range n.regencies {
		ts := n.byRegency[code]
		for k := 0; k < len(ts) && k < 120; k++ {
			list = append(list, reg{c, ts[k], k})
		}
	}
	seen := map[string]bool{}
	code := func(r *rand.Rand, l int) string {
		for {
			b := make([]byte, l)
			for j := range b {
				b[j] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[r.IntN(32)]
			}
			if !seen[string(b)] {
				seen[string(b)] = true
				return string(b)
			}
		}
	}
	return &gen{count: len(list), next: func(x int) []any {
		g := list[x]
		i := int(g.i)
		t := n.teachers[i]
		s := n.schools[t.School]
		r := n.rng(saltReg, uint64(x))
		status := "registered"
		if g.k >= 100 {
			status = "waiting"
		}
		return []any{n.regBase + int64(x) + 1, n.clinicBase + int64(g.clinic) + 1, n.userID(i), natName(t), NationalEmail(i + 1),
			fmt.Sprintf("08%010d", 1_000_000_000+i), s.NPSN, s.Name, s.Jenjang, status, code(r, 8), code(r, 12), n.opens.Add(time.Duration(x%1000) * time.Minute)}
	}}
}

func natEmployment(r *rand.Rand) string {
	switch p := r.IntN(100); {
	case p < 45:
		return "PNS"
	case p < 60:
		return "PPPK"
	case p < 80:
		return "GTY"
	}
	return "honorer"
}

// natYears: between 5 and the years since age 22 (so the cohort's 5-year rule mostly holds).
func natYears(i int, t natTeacher) int {
	most := time.Now().Year() - t.Birth.Year() - 22
	if most < 5 {
		return max(0, most)
	}
	return 5 + i%(most-4)
}
