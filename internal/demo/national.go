package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/application"
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
	stVervalFailed
	stVervalPassed
)

func (s appState) status() application.Status {
	switch s {
	case stDraftPartial, stDraftReady:
		return application.StatusDraft
	case stWithdrawn:
		return application.StatusWithdrawn
	case stSubmitted:
		return application.StatusSubmitted
	case stVervalFailed:
		return application.StatusVervalFailed
	}
	return application.StatusVervalPassed
}

func (s appState) submitted() bool { return s >= stSubmitted }
func (s appState) complete() bool  { return s != stDraftPartial }
func (s appState) decided() bool   { return s == stVervalFailed || s == stVervalPassed }

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
