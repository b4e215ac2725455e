package cohort

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/confver"
	"penggerak/internal/database"
)

// Store reads and writes cohorts.
type Store struct {
	db database.DB
	// open keeps the configurations of the cohorts in the pendaftaran stage, for
	// OpenForRegistration (nil on a store bound to a transaction).
	open *openCache
}

// NewStore returns a Store on the pool.
func NewStore(db database.DB) *Store { return &Store{db: db, open: &openCache{}} }

// WithTx returns the store bound to tx: every query goes through tx (nothing kept in memory
// is used: a transaction reads what it sees).
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	c.open = nil
	return &c
}

// openCache is the configurations of the cohorts in the pendaftaran stage, as of a version of
// the cohort configuration (config_versions, bumped by every transaction writing cohorts, their
// targets, questions or documents, from any instance or by SQL, and visible at its commit).
type openCache struct {
	mu      sync.Mutex
	version int64
	list    []Config // nil: nothing kept yet
}

const cohortCols = `id, number, name, program_kind, registration_opens_at, registration_closes_at,
	administrasi_starts_on, administrasi_ends_on, simulasi_starts_on, simulasi_ends_on, pembekalan_starts_on, pembekalan_ends_on,
	training_months, min_years_teaching, eligible_education, eligible_jenjang, max_age, excluded_roles, correction_days,
	confirm_days, sheet_due_days, tahap2_due_hours, appeal_days, status, copied_from, created_at, updated_at`

// List returns every cohort, newest first.
func (s *Store) List(ctx context.Context) ([]Cohort, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+cohortCols+` FROM cohorts ORDER BY id DESC`)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Cohort])
}

// Names returns the names of the cohorts with the given ids, in one query.
func (s *Store) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, name FROM cohorts WHERE id = ANY($1)`, ids)
	out := map[int64]string{}
	var id int64
	var name string
	_, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { out[id] = name; return nil })
	return out, err
}

// Get returns one cohort.
func (s *Store) Get(ctx context.Context, id int64) (Cohort, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+cohortCols+` FROM cohorts WHERE id = $1`, id)
	return database.One[Cohort](rows, "cohort %d", id)
}

// Config returns a cohort with its targets, questions and documents, in one query.
func (s *Store) Config(ctx context.Context, id int64) (Config, error) {
	list, err := s.configs(ctx, `c.id = $1`, id)
	if err != nil {
		return Config{}, err
	}
	if len(list) == 0 {
		return Config{}, fmt.Errorf("cohort %d: %w", id, database.ErrNotFound)
	}
	return list[0], nil
}

// seatCounts selects, for cohort $1, the latest deadline of the pembekalan seats still offered
// and the number of confirmed seats without recorded attendance (the pendidikan guard).
const seatCounts = `(SELECT max(ps.confirm_by) FROM pembekalan_seats ps JOIN result_runs r ON r.id = ps.run_id
		WHERE r.cohort_id = $1 AND ps.status = 'offered'),
	(SELECT count(*) FROM pembekalan_seats ps JOIN result_runs r ON r.id = ps.run_id
		WHERE r.cohort_id = $1 AND ps.status = 'confirmed'),
	(SELECT count(*) FROM training_participants tp WHERE tp.cohort_id = $1 AND tp.status = 'aktif' AND tp.outcome IS NULL)`

// configRow is a cohort with its configuration aggregated as JSON (keys named as the Go
// fields), so that a whole Config is one row of one query.
type configRow struct {
	Cohort
	Targets         []byte     `db:"targets"`
	Questions       []byte     `db:"questions"`
	Documents       []byte     `db:"documents"`
	PublishedRuns   int        `db:"published_runs"`
	OfferedUntil    *time.Time `db:"offered_until"`
	UnattendedSeats int        `db:"unattended_seats"`
	UndecidedCGPs   int        `db:"undecided_cgps"`
}

// configs returns the configurations of the cohorts matching cond (over cohorts c), in one
// query: before, each cohort took six (a page listing two open cohorts ran thirteen).
func (s *Store) configs(ctx context.Context, cond string, args ...any) ([]Config, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+prefixed("c.", cohortCols)+`,
		(SELECT coalesce(json_agg(json_build_object('RegencyCode', t.regency_code, 'RegencyName', r.name, 'Quota', t.quota) ORDER BY t.regency_code), '[]')
			FROM cohort_regencies t JOIN regencies r ON r.code = t.regency_code WHERE t.cohort_id = c.id) AS targets,
		(SELECT coalesce(json_agg(json_build_object('ID', q.id, 'GroupName', q.group_name, 'Position', q.position, 'Prompt', q.prompt,
				'MinChars', q.min_chars, 'MaxChars', q.max_chars) ORDER BY q.position, q.id), '[]')
			FROM essay_questions q WHERE q.cohort_id = c.id) AS questions,
		(SELECT coalesce(json_agg(json_build_object('ID', d.id, 'Position', d.position, 'Name', d.name, 'Guidance', d.guidance,
				'Required', d.required, 'MaxBytes', d.max_bytes) ORDER BY d.position, d.id), '[]')
			FROM required_documents d WHERE d.cohort_id = c.id) AS documents,
		(SELECT count(*) FROM result_runs rr WHERE rr.cohort_id = c.id AND rr.published_at IS NOT NULL) AS published_runs,
		(SELECT max(ps.confirm_by) FROM pembekalan_seats ps JOIN result_runs rr ON rr.id = ps.run_id
			WHERE rr.cohort_id = c.id AND ps.status = 'offered') AS offered_until,
		(SELECT count(*) FROM pembekalan_seats ps JOIN result_runs rr ON rr.id = ps.run_id
			WHERE rr.cohort_id = c.id AND ps.status = 'confirmed') AS unattended_seats,
		(SELECT count(*) FROM training_participants tp WHERE tp.cohort_id = c.id AND tp.status = 'aktif' AND tp.outcome IS NULL) AS undecided_cgps
		FROM cohorts c WHERE `+cond+` ORDER BY c.registration_closes_at, c.id`, args...)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[configRow])
	if err != nil {
		return nil, err
	}
	out := make([]Config, 0, len(list))
	for _, r := range list {
		cfg := Config{Cohort: r.Cohort, PublishedRuns: r.PublishedRuns, OfferedUntil: r.OfferedUntil, UnattendedSeats: r.UnattendedSeats,
			UndecidedCGPs: r.UndecidedCGPs,
			Targets:       []Target{}, Questions: []Question{}, Documents: []Document{}}
		for _, x := range []struct {
			b []byte
			v any
		}{{r.Targets, &cfg.Targets}, {r.Questions, &cfg.Questions}, {r.Documents, &cfg.Documents}} {
			if err := json.Unmarshal(x.b, x.v); err != nil {
				return nil, fmt.Errorf("cohort %d config: %w", r.ID, err)
			}
		}
		out = append(out, cfg)
	}
	return out, nil
}

// prefixed qualifies each column of a comma-separated list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// OpenForRegistration returns the cohorts in the pendaftaran stage whose window includes now,
// with their configuration, ordered by closing time. Every teacher's dashboard reads them, so
// the store keeps the pendaftaran cohorts' configurations in memory under the cohort
// configuration version they were read at, and uses them for a request that read a version
// (confver, with its session) no newer than that: no query at all while the configuration is
// unchanged, and a change made anywhere is seen by the next request that started after its
// commit. Without a version in ctx (or bound to a transaction) it queries, as before. The
// returned configurations are shared: callers must not modify them. Their PublishedRuns,
// OfferedUntil, UnattendedSeats and UndecidedCGPs (read by the stage-transition guards, which
// read Config) are as of the read.
func (s *Store) OpenForRegistration(ctx context.Context, now time.Time) ([]Config, error) {
	v, ok := confver.Of(ctx, confver.Cohort)
	if !ok || s.open == nil {
		return s.configs(ctx, `c.status = 'pendaftaran' AND c.registration_opens_at <= $1 AND c.registration_closes_at > $1`, now)
	}
	list, err := s.pendaftaran(ctx, v)
	if err != nil {
		return nil, err
	}
	out := make([]Config, 0, len(list))
	for _, c := range list {
		if !c.RegistrationOpensAt.After(now) && c.RegistrationClosesAt.After(now) {
			out = append(out, c)
		}
	}
	return out, nil
}

// pendaftaran returns the configurations of every cohort in the pendaftaran stage, as of
// version v or newer: from memory, or read (the version first, then the configurations, so
// what is kept is at least as new as the version it is kept under).
func (s *Store) pendaftaran(ctx context.Context, v int64) ([]Config, error) {
	c := s.open
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.list != nil && c.version >= v {
		return c.list, nil
	}
	var now int64
	if err := s.db.QueryRow(ctx, `SELECT version FROM config_versions WHERE name = $1`, confver.Cohort).Scan(&now); err != nil {
		return nil, err
	}
	list, err := s.configs(ctx, `c.status = 'pendaftaran'`)
	if err != nil {
		return nil, err
	}
	c.version, c.list = now, list
	return list, nil
}

func args(c Cohort) []any {
	return []any{c.Number, c.Name, c.ProgramKind, c.RegistrationOpensAt, c.RegistrationClosesAt,
		c.AdministrasiStartsOn, c.AdministrasiEndsOn, c.SimulasiStartsOn, c.SimulasiEndsOn, c.PembekalanStartsOn, c.PembekalanEndsOn,
		c.TrainingMonths, c.MinYearsTeaching, c.EligibleEducation, c.EligibleJenjang, c.MaxAge, c.ExcludedRoles, c.CorrectionDays,
		c.ConfirmDays, c.SheetDueDays, c.Tahap2DueHours, c.AppealDays}
}

// Create stores a new cohort in draft. ErrConflict when the program already has that number.
func (s *Store) Create(ctx context.Context, actor audit.Actor, c Cohort) (int64, error) {
	var id int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at,
			administrasi_starts_on, administrasi_ends_on, simulasi_starts_on, simulasi_ends_on, pembekalan_starts_on, pembekalan_ends_on,
			training_months, min_years_teaching, eligible_education, eligible_jenjang, max_age, excluded_roles, correction_days,
			confirm_days, sheet_due_days, tahap2_due_hours, appeal_days, created_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23) RETURNING id`,
			append(args(c), database.NullID(actor.UserID))...).Scan(&id)
		if database.IsUnique(err) {
			return fmt.Errorf("cohort number: %w", database.ErrConflict)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "cohort.create", ObjectType: "cohort", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"number": c.Number, "name": c.Name, "program_kind": c.ProgramKind}})
	})
	return id, err
}

// Update changes a cohort's configuration.
func (s *Store) Update(ctx context.Context, actor audit.Actor, id int64, c Cohort) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE cohorts SET number=$1, name=$2, program_kind=$3, registration_opens_at=$4, registration_closes_at=$5,
			administrasi_starts_on=$6, administrasi_ends_on=$7, simulasi_starts_on=$8, simulasi_ends_on=$9, pembekalan_starts_on=$10, pembekalan_ends_on=$11,
			training_months=$12, min_years_teaching=$13, eligible_education=$14, eligible_jenjang=$15, max_age=$16, excluded_roles=$17, correction_days=$18,
			confirm_days=$19, sheet_due_days=$20, tahap2_due_hours=$21, appeal_days=$22,
			updated_at = now() WHERE id = $23`, append(args(c), id)...)
		if database.IsUnique(err) {
			return fmt.Errorf("cohort number: %w", database.ErrConflict)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("cohort %d: %w", id, database.ErrNotFound)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "cohort.update", ObjectType: "cohort", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"number": c.Number, "name": c.Name, "opens": c.RegistrationOpensAt, "closes": c.RegistrationClosesAt,
				"min_years": c.MinYearsTeaching, "jenjang": c.EligibleJenjang, "education": c.EligibleEducation, "max_age": c.MaxAge,
				"confirm_days": c.ConfirmDays, "sheet_due_days": c.SheetDueDays, "tahap2_due_hours": c.Tahap2DueHours, "appeal_days": c.AppealDays,
				"administrasi": []any{c.AdministrasiStartsOn, c.AdministrasiEndsOn}, "simulasi": []any{c.SimulasiStartsOn, c.SimulasiEndsOn},
				"pembekalan": []any{c.PembekalanStartsOn, c.PembekalanEndsOn}}})
	})
}

// lockCohort locks the row of cohort id until tx ends; ErrNotFound when there is none.
func lockCohort(ctx context.Context, tx pgx.Tx, id int64) error {
	var st string
	err := tx.QueryRow(ctx, `SELECT status FROM cohorts WHERE id = $1 FOR UPDATE`, id).Scan(&st)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("cohort %d: %w", id, database.ErrNotFound)
	}
	return err
}
