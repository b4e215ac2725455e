package exportjob

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/internal/mail"
	"penggerak/internal/region"
	"penggerak/internal/report"
	"penggerak/internal/storage"
	"penggerak/internal/token"
)

// Letter writes a mail in the recipient's language from the message catalogue: key names the
// message (its subject and body), data fills it in (as selection.Letter).
type Letter func(lang, key string, data map[string]any) mail.Message

// MailKey is the catalogue message of the "your export is ready" mail.
const MailKey = "exportjob.mail.ready"

// ProgressEvery is how many rows are written between two progress updates.
const ProgressEvery = 2_000

// Runner writes queued exports: the work of the River job (internal/jobs wraps it).
type Runner struct {
	DB    *pgxpool.Pool
	Files storage.Store
	// Letter writes the owner's mail; nil writes it in Bahasa Indonesia without the catalogue.
	Letter Letter
	// Labels writes the status texts of the rows (report.Store.WithLabels).
	Labels report.Labels
	// BaseURL is the public address the mail links to.
	BaseURL string
	// Now is the clock (time.Now when nil); the link expires LinkTTL after Now at the end.
	Now func() time.Time
	// ProgressEvery overrides ProgressEvery (tests).
	ProgressEvery int
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// claimed is a job as the worker reads it when it starts.
type claimed struct {
	spec     Spec
	owner    int64
	ip       string
	ttl      time.Duration
	email    string
	name     string
	lang     string
	created  time.Time
	disabled bool
}

// Run writes job id: it marks it running, streams the rows into a temporary file through the
// export.Writer of its format (the progress saved every ProgressEvery rows on a connection of
// its own, taken before the export's read-only transaction starts), puts the file into the
// store, then in one transaction marks the job done with its row count and expiry, audits the
// export (who, what, filters, rows) and mails the owner. A job already done or failed is left
// alone (River may deliver a job twice). On error the job goes back to queued for the next
// attempt, or is marked failed when final is true; the error is returned either way.
func (r *Runner) Run(ctx context.Context, id int64, final bool) error {
	c, err := r.claim(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.disabled {
		// The account was disabled after it asked: nothing is written for it.
		r.fail(ctx, id, errors.New("the owner's account is disabled"), true)
		return nil
	}
	key, size, rows, err := r.write(ctx, id, c)
	if err == nil {
		err = r.finish(ctx, id, c, key, size, rows)
		if err != nil {
			_ = r.Files.Delete(context.WithoutCancel(ctx), key)
		}
	}
	if err != nil {
		r.fail(context.WithoutCancel(ctx), id, err, final)
		return fmt.Errorf("export job %d: %w", id, err)
	}
	return nil
}

func (r *Runner) claim(ctx context.Context, id int64) (claimed, error) {
	var c claimed
	var filters, query []byte
	var format string
	var ttl float64
	err := r.DB.QueryRow(ctx, `UPDATE export_jobs j SET status = 'running', started_at = $2, rows_done = 0, error = ''
		FROM users u WHERE j.id = $1 AND j.status IN ('queued', 'running') AND u.id = j.owner_id
		RETURNING j.kind, j.object, j.format, j.filters, j.query, j.owner_id, j.requested_ip,
			extract(epoch FROM j.link_ttl)::float8, u.email, u.name, u.language, j.created_at, u.disabled_at IS NOT NULL`, id, r.now()).
		Scan(&c.spec.Kind, &c.spec.Object, &format, &filters, &query, &c.owner, &c.ip, &ttl, &c.email, &c.name, &c.lang, &c.created, &c.disabled)
	if err != nil {
		return c, err
	}
	c.ttl = time.Duration(ttl * float64(time.Second))
	c.spec.Format = export.Format(format)
	if err := json.Unmarshal(filters, &c.spec.Filters); err != nil {
		return c, err
	}
	if err := json.Unmarshal(query, &c.spec.Query); err != nil {
		return c, err
	}
	return c, nil
}

// progressWriter saves the number of rows written every few thousand rows.
type progressWriter struct {
	export.Writer
	n, every int
	save     func(n int) error
}

func (p *progressWriter) Row(cells []any) error {
	if err := p.Writer.Row(cells); err != nil {
		return err
	}
	if p.n++; p.n%p.every == 0 {
		return p.save(p.n)
	}
	return nil
}

// write streams the export into a temporary file and puts it into the store.
func (r *Runner) write(ctx context.Context, id int64, c claimed) (key string, size int64, rows int, err error) {
	if r.Files == nil {
		return "", 0, 0, errors.New("no file storage given to the export jobs (jobs.WithFiles)")
	}
	// The progress connection is taken now, before the export's transaction holds one: a
	// connection asked of the pool while a transaction waits on it is how pools deadlock.
	conn, err := r.DB.Acquire(ctx)
	if err != nil {
		return "", 0, 0, err
	}
	defer conn.Release()
	tmp, err := os.CreateTemp("", "ekspor-tugas-*")
	if err != nil {
		return "", 0, 0, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	xw, err := export.New(c.spec.Format, tmp, c.spec.Kind)
	if err != nil {
		return "", 0, 0, err
	}
	every := r.ProgressEvery
	if every <= 0 {
		every = ProgressEvery
	}
	pw := &progressWriter{Writer: xw, every: every, save: func(n int) error {
		_, err := conn.Exec(ctx, `UPDATE export_jobs SET rows_done = $2 WHERE id = $1`, id, n)
		return err
	}}
	rows, err = Write(ctx, r.DB, r.Labels, c.spec, pw)
	if err == nil {
		err = xw.Close()
	}
	if err != nil {
		return "", 0, rows, err
	}
	if size, err = tmp.Seek(0, io.SeekEnd); err != nil {
		return "", 0, rows, err
	}
	if _, err = tmp.Seek(0, io.SeekStart); err != nil {
		return "", 0, rows, err
	}
	key = "exports/" + token.Hex(16) + "." + string(c.spec.Format)
	if err := r.Files.Put(ctx, key, tmp, size); err != nil {
		return "", 0, rows, err
	}
	return key, size, rows, nil
}

// finish marks the job done, audits the export and mails the owner, in one transaction.
func (r *Runner) finish(ctx context.Context, id int64, c claimed, key string, size int64, rows int) error {
	now := r.now()
	expires := now.Add(c.ttl)
	return database.Tx(ctx, r.DB, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE export_jobs SET status = 'done', rows_done = $2, storage_key = $3, size_bytes = $4,
				finished_at = $5, expires_at = $6
			WHERE id = $1 AND status = 'running'`, id, rows, key, size, now, expires)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("export job %d is no longer running", id)
		}
		filters := c.spec.Filters
		if filters == nil {
			filters = map[string]any{}
		}
		filters["tugas"] = id
		if err := report.NewStore(tx).RecordExport(ctx, audit.Actor{UserID: c.owner, IP: c.ip}, c.spec.Kind, c.spec.Object,
			c.spec.Format, filters, rows); err != nil {
			return err
		}
		j := Job{Kind: c.spec.Kind, Object: c.spec.Object, Format: string(c.spec.Format), CreatedAt: c.created, FinishedAt: &now}
		data := map[string]any{"Name": c.name, "File": j.FileName(), "Rows": strconv.Itoa(rows),
			"Link":    r.BaseURL + "/ekspor/tugas/" + strconv.FormatInt(id, 10),
			"Expires": region.FormatTime(expires, "WIB")}
		var m mail.Message
		if r.Letter != nil {
			m = r.Letter(c.lang, MailKey, data)
		} else {
			m = mail.Message{Subject: "Ekspor " + j.FileName() + " siap diunduh",
				Body: "Ekspor " + j.FileName() + " (" + strconv.Itoa(rows) + " baris) siap diunduh sampai " + data["Expires"].(string) +
					":\n" + data["Link"].(string) + "\n"}
		}
		m.To = c.email
		return mail.Enqueue(ctx, tx, m)
	})
}

// fail records the error: back to queued for another attempt, or failed for good.
func (r *Runner) fail(ctx context.Context, id int64, cause error, final bool) {
	status := "queued"
	if final {
		status = "failed"
	}
	msg := cause.Error()
	if len(msg) > 2000 {
		msg = strings.ToValidUTF8(msg[:2000], "") // never half a character into the database
	}
	_, _ = r.DB.Exec(ctx, `UPDATE export_jobs SET status = $2, error = $3, rows_done = 0,
			finished_at = CASE WHEN $2 = 'failed' THEN $4::timestamptz END
		WHERE id = $1 AND status IN ('queued', 'running')`, id, status, msg, r.now())
}

// JobsKept is how long a finished job stays in its owner's list (as expired) after it ended:
// its row holds the filters asked for (a name searched, say), so it does not stay for ever.
// The audit log keeps the record of the export.
const JobsKept = 30 * 24 * time.Hour

// PruneExpired deletes the files of downloads that expired before now from the store and
// clears their storage keys (the job stays in its owner's list as expired), then deletes the
// jobs that ended more than JobsKept ago. It returns how many files and jobs went. The
// retention job runs it every hour.
func PruneExpired(ctx context.Context, db *pgxpool.Pool, files storage.Store, now time.Time) (filesGone, jobsGone int, err error) {
	rows, _ := db.Query(ctx, `SELECT id, storage_key FROM export_jobs WHERE storage_key IS NOT NULL AND expires_at <= $1
		ORDER BY expires_at LIMIT 1000`, now)
	type expired struct {
		ID  int64  `db:"id"`
		Key string `db:"storage_key"`
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[expired])
	if err != nil {
		return 0, 0, err
	}
	for _, e := range list {
		if err := files.Delete(ctx, e.Key); err != nil {
			return filesGone, 0, err
		}
		if _, err := db.Exec(ctx, `UPDATE export_jobs SET storage_key = NULL, file_deleted_at = $3 WHERE id = $1 AND storage_key = $2`,
			e.ID, e.Key, now); err != nil {
			return filesGone, 0, err
		}
		filesGone++
	}
	tag, err := db.Exec(ctx, `DELETE FROM export_jobs WHERE storage_key IS NULL AND status IN ('done', 'failed')
		AND coalesce(finished_at, created_at) < $1`, now.Add(-JobsKept))
	if err != nil {
		return filesGone, 0, err
	}
	return filesGone, int(tag.RowsAffected()), nil
}
