package jobs

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"penggerak/internal/clinic"
)

// ClinicReminderInterval is how often due clinic reminders are sent.
const ClinicReminderInterval = 15 * time.Minute

// ClinicRemindersArgs is the periodic job that reminds clinic participants before their
// sessions (clinic.Store.SendReminders: once per person per session).
type ClinicRemindersArgs struct{}

// Kind names the job in River's tables.
func (ClinicRemindersArgs) Kind() string { return "clinic_reminders" }

// InsertOpts keeps at most one such job waiting.
func (ClinicRemindersArgs) InsertOpts() river.InsertOpts { return DeliverMailArgs{}.InsertOpts() }

// ClinicRemindersWorker sends the clinic reminders that are due.
type ClinicRemindersWorker struct {
	river.WorkerDefaults[ClinicRemindersArgs]
	Store *clinic.Store
	// Offset is the default time before a session (clinic.DefaultReminder when zero); an event
	// may set its own.
	Offset time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Work sends every reminder due now.
func (w *ClinicRemindersWorker) Work(ctx context.Context, _ *river.Job[ClinicRemindersArgs]) error {
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	off := w.Offset
	if off <= 0 {
		off = clinic.DefaultReminder
	}
	_, err := w.Store.SendReminders(ctx, now, off)
	return err
}

// WithClinicReminders has the client remind clinic participants with st (built with the
// ticket signer and the mail catalogue), offset before a session unless the event sets its own.
func WithClinicReminders(st *clinic.Store, offset time.Duration) Option {
	return func(o *options) { o.clinics, o.clinicOffset = st, offset }
}

// addClinicWorkers registers the reminder worker when WithClinicReminders was given.
func addClinicWorkers(workers *river.Workers, o *options) {
	if o.clinics != nil {
		river.AddWorker(workers, &ClinicRemindersWorker{Store: o.clinics, Offset: o.clinicOffset})
	}
}

// addClinicPeriodic schedules the reminder job when WithClinicReminders was given.
func addClinicPeriodic(c *river.Client[pgx.Tx], o *options) {
	if o.clinics != nil {
		c.PeriodicJobs().Add(river.NewPeriodicJob(river.PeriodicInterval(ClinicReminderInterval),
			func() (river.JobArgs, *river.InsertOpts) { return ClinicRemindersArgs{}, nil },
			&river.PeriodicJobOpts{ID: "clinic_reminders", RunOnStart: true}))
	}
}
