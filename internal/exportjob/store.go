package exportjob

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/internal/report"
	"penggerak/internal/token"
)

// Status is where a job is.
type Status string

// The statuses of a job.
const (
	StatusQueued  Status = "queued"
	StatusRunning Status = "running"
	StatusDone    Status = "done"
	StatusFailed  Status = "failed"
)

// Job is one queued export as its owner sees it.
type Job struct {
	ID           int64      `db:"id"`
	OwnerID      int64      `db:"owner_id"`
	Kind         string     `db:"kind"`
	Object       string     `db:"object"`
	Format       string     `db:"format"`
	Status       Status     `db:"status"`
	RowsDone     int64      `db:"rows_done"`
	RowsExpected int64      `db:"rows_expected"`
	SizeBytes    *int64     `db:"size_bytes"`
	Token        string     `db:"download_token"`
	StorageKey   *string    `db:"storage_key"`
	ExpiresAt    *time.Time `db:"expires_at"`
	CreatedAt    time.Time  `db:"created_at"`
	StartedAt    *time.Time `db:"started_at"`
	FinishedAt   *time.Time `db:"finished_at"`
}

const jobCols = `id, owner_id, kind, object, format, status, rows_done, rows_expected, size_bytes, download_token,
	storage_key, expires_at, created_at, started_at, finished_at`

// Active reports whether the job is still waiting or being written.
func (j Job) Active() bool { return j.Status == StatusQueued || j.Status == StatusRunning }

// Expired reports whether a finished job's file can no longer be downloaded at now.
func (j Job) Expired(now time.Time) bool {
	return j.Status == StatusDone && (j.StorageKey == nil || j.ExpiresAt == nil || !now.Before(*j.ExpiresAt))
}

// FileName is the name the download is saved under: kind, object, the time it was finished
// (WIB) and the format; only letters, digits and dashes from the program, never user text.
func (j Job) FileName() string {
	name := safeName(j.Kind)
	if o := safeName(j.Object); o != "" {
		name += "-" + o
	}
	at := j.CreatedAt
	if j.FinishedAt != nil {
		at = *j.FinishedAt
	}
	return name + "-" + at.In(report.TZ).Format("20060102-1504") + "." + safeName(j.Format)
}

func safeName(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s) && len(b) < 40; i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
			b = append(b, c)
		}
	}
	return string(b)
}

// Args is the River job that writes one export: the export_jobs row's id.
type Args struct {
	JobID int64 `json:"job_id"`
}

// Kind names the job in River's tables.
func (Args) Kind() string { return "export_run" }

// Queue is the River queue of export jobs: one at a time, apart from the default queue, so a
// long export never holds back the mail delivery.
const Queue = "exports"

// MaxAttempts is how often a job is tried (a restart of the instance in the middle of an
// export is the usual reason to try again).
const MaxAttempts = 3

// InsertOpts puts the job on its own queue.
func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Queue, MaxAttempts: MaxAttempts}
}

// inserter is what Create needs of River: to insert a job within a transaction.
type inserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Store keeps the export jobs.
type Store struct {
	db   *pgxpool.Pool
	jobs inserter
	err  error
}

// NewStore returns the store on the pool; jobs are inserted through an insert-only River
// client (the instance's own River client works them, internal/jobs).
func NewStore(db *pgxpool.Pool) *Store {
	c, err := river.NewClient(riverpgxv5.New(db), &river.Config{})
	return &Store{db: db, jobs: c, err: err}
}

// ErrNotFound is returned for a job that does not exist or is not the viewer's (wraps
// database.ErrNotFound).
var ErrNotFound = fmt.Errorf("exportjob: no such job: %w", database.ErrNotFound)

// ErrExpired is returned for a download whose link has expired (or whose file was deleted).
var ErrExpired = errors.New("exportjob: download link expired")

// ErrNotReady is returned for a download of a job that has not finished.
var ErrNotReady = errors.New("exportjob: export not ready")

// MaxActive is how many exports one user may have waiting or running at once: the exports
// queue works one at a time per instance, so one user cannot fill it for everybody.
const MaxActive = 3

// ErrTooManyActive is returned by Create when the owner already has MaxActive exports waiting
// or running.
var ErrTooManyActive = errors.New("exportjob: too many exports waiting")

// NewToken returns a random download token (32 bytes, URL-safe base64, 43 characters).
func NewToken() string { return token.URL(32) }

// Request is a queued export: who asked, from where, for what, how many rows it should have
// and how long its link lives.
type Request struct {
	OwnerID  int64
	IP       string
	Spec     Spec
	Expected int
	LinkTTL  time.Duration
}

// Create queues the export: the job row and its River job in one transaction, so a job is
// worked exactly when its row exists. The owner's identical export still waiting or running
// is returned instead of a second one (a double submit queues one job); created is false then.
// An owner with MaxActive other exports waiting or running gets ErrTooManyActive.
func (s *Store) Create(ctx context.Context, req Request) (id int64, created bool, err error) {
	if s.err != nil {
		return 0, false, s.err
	}
	if !Queueable(req.Spec.Kind) {
		return 0, false, fmt.Errorf("%w: %q", ErrUnknownKind, req.Spec.Kind)
	}
	if _, ok := export.ParseFormat(string(req.Spec.Format)); !ok || req.Spec.Format == "" {
		return 0, false, fmt.Errorf("exportjob: format %q", req.Spec.Format)
	}
	if req.LinkTTL <= 0 {
		req.LinkTTL = DefaultLinkTTL
	}
	filters, err := json.Marshal(nonNilMap(req.Spec.Filters))
	if err != nil {
		return 0, false, err
	}
	query, err := json.Marshal(req.Spec.Query)
	if err != nil {
		return 0, false, err
	}
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		// One owner's submissions one after the other, so two identical ones find each other.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(670, $1::int)`, int32(req.OwnerID)); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT id FROM export_jobs WHERE owner_id = $1 AND status IN ('queued', 'running')
				AND kind = $2 AND object = $3 AND format = $4 AND filters = $5::jsonb AND query = $6::jsonb
			ORDER BY id DESC LIMIT 1`, req.OwnerID, req.Spec.Kind, req.Spec.Object, string(req.Spec.Format), filters, query).Scan(&id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		var active int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM export_jobs WHERE owner_id = $1 AND status IN ('queued', 'running')`,
			req.OwnerID).Scan(&active); err != nil {
			return err
		}
		if active >= MaxActive {
			return ErrTooManyActive
		}
		err = tx.QueryRow(ctx, `INSERT INTO export_jobs (owner_id, kind, object, format, filters, query, rows_expected,
				download_token, link_ttl, requested_ip)
			VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, make_interval(secs => $9), $10) RETURNING id`,
			req.OwnerID, req.Spec.Kind, req.Spec.Object, string(req.Spec.Format), filters, query, max(req.Expected, 0),
			NewToken(), req.LinkTTL.Seconds(), req.IP).Scan(&id)
		if err != nil {
			return err
		}
		created = true
		_, err = s.jobs.InsertTx(ctx, tx, Args{JobID: id}, nil)
		return err
	})
	if err != nil {
		return 0, false, err
	}
	return id, created, nil
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// Get returns the owner's job (ErrNotFound for another user's).
func (s *Store) Get(ctx context.Context, ownerID, id int64) (Job, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+jobCols+` FROM export_jobs WHERE id = $1 AND owner_id = $2`, id, ownerID)
	j, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Job])
	if errors.Is(err, pgx.ErrNoRows) {
		return Job{}, fmt.Errorf("job %d: %w", id, ErrNotFound)
	}
	return j, err
}

// RecentLimit is how many of one's exports the list shows.
const RecentLimit = 20

// Mine returns the owner's most recent jobs, newest first.
func (s *Store) Mine(ctx context.Context, ownerID int64) ([]Job, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+jobCols+` FROM export_jobs WHERE owner_id = $1 ORDER BY id DESC LIMIT $2`, ownerID, RecentLimit)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Job])
}

// Download returns the owner's finished job when token is its download token and the link has
// not expired at now: ErrNotFound for another user's job or a wrong token, ErrNotReady before
// it is finished, ErrExpired after expires_at.
func (s *Store) Download(ctx context.Context, ownerID, id int64, token string, now time.Time) (Job, error) {
	j, err := s.Get(ctx, ownerID, id)
	if err != nil {
		return j, err
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(j.Token)) != 1 {
		return Job{}, fmt.Errorf("job %d token: %w", id, ErrNotFound)
	}
	if j.Status != StatusDone {
		return j, ErrNotReady
	}
	if j.Expired(now) {
		return j, ErrExpired
	}
	return j, nil
}
