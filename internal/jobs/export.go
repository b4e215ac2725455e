package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"penggerak/internal/exportjob"
	"penggerak/internal/storage"
)

// ExportWorker writes one queued export (internal/exportjob): the rows streamed into the file
// storage, the owner audited and mailed when it is done.
type ExportWorker struct {
	river.WorkerDefaults[exportjob.Args]
	Runner *exportjob.Runner
}

// Work runs the export; the last attempt marks the job failed when it fails.
func (w *ExportWorker) Work(ctx context.Context, job *river.Job[exportjob.Args]) error {
	return w.Runner.Run(ctx, job.Args.JobID, job.Attempt >= job.MaxAttempts)
}

// Timeout bounds one export: 250,000 rows of XLSX take about half a minute, the statement
// timeout of the export's query is 10 minutes (export.QueryTimeout).
func (w *ExportWorker) Timeout(*river.Job[exportjob.Args]) time.Duration { return 15 * time.Minute }

// WithFiles gives the export jobs the file storage their files go to (and the retention job
// the one it deletes expired export files from).
func WithFiles(files storage.Store) Option { return func(o *options) { o.files = files } }
