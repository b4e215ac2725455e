// Package jobs runs background work with River on the application's database: the periodic
// mail delivery and retention pruning, and the long exports (export.go). Each job's work
// lives in its feature package; this package only wires workers and schedules.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"penggerak/internal/audit"
	"penggerak/internal/clinic"
	"penggerak/internal/exportjob"
	"penggerak/internal/mail"
	"penggerak/internal/report"
	"penggerak/internal/retention"
	"penggerak/internal/selection"
	"penggerak/internal/storage"
	"penggerak/internal/training"
)

// MailInterval is how often the outbox is delivered.
const MailInterval = 5 * time.Second

// DeliverMailArgs is the periodic job that sends what waits in the mail outbox.
type DeliverMailArgs struct{}

// Kind names the job in River's tables.
func (DeliverMailArgs) Kind() string { return "mail_deliver" }

// InsertOpts keeps at most one delivery job waiting: the outbox rows are the real queue.
func (DeliverMailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateScheduled, rivertype.JobStateRunning}}}
}

// DeliverMailWorker runs one delivery batch.
type DeliverMailWorker struct {
	river.WorkerDefaults[DeliverMailArgs]
	Deliverer *mail.Deliverer
}

// Work delivers one batch of the outbox.
func (w *DeliverMailWorker) Work(ctx context.Context, _ *river.Job[DeliverMailArgs]) error {
	_, _, err := w.Deliverer.Deliver(ctx)
	return err
}

// Timeout bounds one batch (SMTP may be slow).
func (w *DeliverMailWorker) Timeout(*river.Job[DeliverMailArgs]) time.Duration {
	return 2 * time.Minute
}

// RetentionInterval is how often data past its retention rule is pruned.
const RetentionInterval = time.Hour

// PruneArgs is the periodic job that applies the retention rules (internal/retention).
type PruneArgs struct{}

// Kind names the job in River's tables.
func (PruneArgs) Kind() string { return "retention_prune" }

// InsertOpts keeps at most one pruning job waiting.
func (PruneArgs) InsertOpts() river.InsertOpts { return DeliverMailArgs{}.InsertOpts() }

// PruneWorker runs retention.Prune.
type PruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	DB  *pgxpool.Pool
	Log *slog.Logger
	// Files, when set, is the file storage expired export files are deleted from.
	Files storage.Store
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Work prunes once and logs how many rows went.
func (w *PruneWorker) Work(ctx context.Context, _ *river.Job[PruneArgs]) error {
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	res, err := retention.Prune(ctx, w.DB, now)
	if err != nil {
		return err
	}
	if w.Files != nil {
		files, jobs, err := exportjob.PruneExpired(ctx, w.DB, w.Files, now)
		if files+jobs > 0 {
			w.Log.Info("retention: expired exports pruned", "files", files, "jobs", jobs)
		}
		if err != nil {
			return err
		}
	}
	if res.Total() > 0 {
		w.Log.Info("retention: pruned", "login_failures", res.LoginFailures, "token_requests", res.TokenRequests,
			"tokens", res.Tokens, "sessions", res.Sessions, "mail_bodies", res.MailBodies)
	}
	return nil
}

// SeatDeadlineInterval is how often missed pembekalan confirmation deadlines are processed.
const SeatDeadlineInterval = 10 * time.Minute

// SeatDeadlinesArgs is the periodic job that frees pembekalan seats whose confirmation deadline
// passed and moves up the best cadangan of the same kab/kota (who is emailed).
type SeatDeadlinesArgs struct{}

// Kind names the job in River's tables.
func (SeatDeadlinesArgs) Kind() string { return "selection_seat_deadlines" }

// InsertOpts keeps at most one such job waiting.
func (SeatDeadlinesArgs) InsertOpts() river.InsertOpts { return DeliverMailArgs{}.InsertOpts() }

// SeatDeadlinesWorker processes missed confirmation deadlines.
type SeatDeadlinesWorker struct {
	river.WorkerDefaults[SeatDeadlinesArgs]
	Store   *selection.Store
	BaseURL string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Work frees every overdue seat.
func (w *SeatDeadlinesWorker) Work(ctx context.Context, _ *river.Job[SeatDeadlinesArgs]) error {
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	_, err := w.Store.ExpireOverdue(ctx, audit.Actor{IP: "job"}, now, w.BaseURL)
	return err
}

// ReminderInterval is how often due reminders are written into the outbox.
const ReminderInterval = 15 * time.Minute

// RemindersArgs is the periodic job that writes the reminders due now (drafts before the
// registration deadline, seat offers before confirm_by, assessors' open sheets, tahap 2
// sessions), once per person per event however often it runs.
type RemindersArgs struct{}

// Kind names the job in River's tables.
func (RemindersArgs) Kind() string { return "selection_reminders" }

// InsertOpts keeps at most one such job waiting.
func (RemindersArgs) InsertOpts() river.InsertOpts { return DeliverMailArgs{}.InsertOpts() }

// RemindersWorker writes the due reminders (selection.Store.SendReminders).
type RemindersWorker struct {
	river.WorkerDefaults[RemindersArgs]
	Store *selection.Store
	Log   *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Work writes every reminder due now.
func (w *RemindersWorker) Work(ctx context.Context, _ *river.Job[RemindersArgs]) error {
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	c, err := w.Store.SendReminders(ctx, now)
	if err != nil {
		return err
	}
	if c.Total() > 0 && w.Log != nil {
		w.Log.Info("reminders written", "draft", c.Draft, "seat", c.Seat, "seat_last", c.SeatLast, "sheet", c.Sheet, "tahap2", c.Tahap2)
	}
	return nil
}

// LokakaryaReminderInterval is how often lokakarya reminders are looked for.
const LokakaryaReminderInterval = 15 * time.Minute

// LokakaryaRemindersArgs is the periodic job that mails a reminder before each lokakarya to the
// CGPs and PPs of its groups (training.Store.RemindLokakarya: once per person per lokakarya).
type LokakaryaRemindersArgs struct{}

// Kind names the job in River's tables.
func (LokakaryaRemindersArgs) Kind() string { return "training_lokakarya_reminders" }

// InsertOpts keeps at most one such job waiting.
func (LokakaryaRemindersArgs) InsertOpts() river.InsertOpts { return DeliverMailArgs{}.InsertOpts() }

// LokakaryaRemindersWorker mails the reminders due.
type LokakaryaRemindersWorker struct {
	river.WorkerDefaults[LokakaryaRemindersArgs]
	Store *training.Store
	// Letter writes the mails in the recipient's language; without one no reminder is sent.
	Letter training.Letter
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Work mails every reminder due now that has not been mailed.
func (w *LokakaryaRemindersWorker) Work(ctx context.Context, _ *river.Job[LokakaryaRemindersArgs]) error {
	if w.Letter == nil {
		return nil
	}
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	_, err := w.Store.RemindLokakarya(ctx, now, w.Letter)
	return err
}

// Option changes what New wires.
type Option func(*options)

type options struct {
	baseURL string
	letter  selection.Letter
	labels  report.Labels
	files   storage.Store
	// clinic reminders (clinic.go)
	clinics      *clinic.Store
	clinicOffset time.Duration
}

// WithLabels has background exports write their status texts with l.
func WithLabels(l report.Labels) Option { return func(o *options) { o.labels = l } }

// WithLetter has the selection jobs write their mails with l (the recipient's language).
func WithLetter(l selection.Letter) Option { return func(o *options) { o.letter = l } }

// WithBaseURL sets the public address used in links of the mails jobs write.
func WithBaseURL(u string) Option { return func(o *options) { o.baseURL = u } }

// New builds the River client with every worker and periodic job. Start it with Start and
// stop it with Stop (which lets running jobs finish).
func New(db *pgxpool.Pool, logger *slog.Logger, d *mail.Deliverer, opts ...Option) (*river.Client[pgx.Tx], error) {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &DeliverMailWorker{Deliverer: d})
	river.AddWorker(workers, &PruneWorker{DB: db, Log: logger, Files: o.files})
	river.AddWorker(workers, &SeatDeadlinesWorker{Store: selection.NewStore(db).WithLetter(o.letter), BaseURL: o.baseURL})
	river.AddWorker(workers, &ExportWorker{Runner: &exportjob.Runner{DB: db, Files: o.files, Letter: exportjob.Letter(o.letter), Labels: o.labels, BaseURL: o.baseURL}})
	var letter training.Letter
	if o.letter != nil {
		letter = training.Letter(o.letter)
	}
	river.AddWorker(workers, &LokakaryaRemindersWorker{Store: training.NewStore(db), Letter: letter})
	river.AddWorker(workers, &RemindersWorker{Store: selection.NewStore(db).WithLetter(o.letter), Log: logger})
	addClinicWorkers(workers, &o)
	client, err := river.NewClient(riverpgxv5.New(db), &river.Config{
		// River reports routine work at info level every few seconds; keep its warnings only.
		Logger:  slog.New(warnOnly{logger.Handler()}),
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}, exportjob.Queue: {MaxWorkers: 1}},
		Workers: workers,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(MailInterval),
				func() (river.JobArgs, *river.InsertOpts) { return DeliverMailArgs{}, nil },
				&river.PeriodicJobOpts{ID: "mail_deliver", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(RetentionInterval),
				func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
				&river.PeriodicJobOpts{ID: "retention_prune", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(SeatDeadlineInterval),
				func() (river.JobArgs, *river.InsertOpts) { return SeatDeadlinesArgs{}, nil },
				&river.PeriodicJobOpts{ID: "selection_seat_deadlines", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(LokakaryaReminderInterval),
				func() (river.JobArgs, *river.InsertOpts) { return LokakaryaRemindersArgs{}, nil },
				&river.PeriodicJobOpts{ID: "training_lokakarya_reminders", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(ReminderInterval),
				func() (river.JobArgs, *river.InsertOpts) { return RemindersArgs{}, nil },
				&river.PeriodicJobOpts{ID: "selection_reminders", RunOnStart: true}),
		},
		CompletedJobRetentionPeriod: time.Hour,
	})
	if err == nil {
		addClinicPeriodic(client, &o)
	}
	return client, err
}

// warnOnly passes on records at warning level and above.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnOnly) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnOnly{h.Handler.WithAttrs(attrs)}
}

func (h warnOnly) WithGroup(name string) slog.Handler { return warnOnly{h.Handler.WithGroup(name)} }
