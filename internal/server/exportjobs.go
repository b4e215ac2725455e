package server

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/internal/exportjob"
	"penggerak/internal/storage"
	reportpage "penggerak/web/pages/report"
)

// Queued exports (issue 13): an export expected to have more rows than EXPORT_JOB_ROWS is not
// written within the request. Its GET answers a page that says so with a button; the button
// posts to the same address (the same handler, so the same scope and filters), which queues
// the export (internal/exportjob) and sends the user to its page /ekspor/tugas/{id}. Only the
// owner sees a job or downloads its file; another user gets 404.

// exportRefreshSeconds is how often a job's page reloads itself while the export runs.
const exportRefreshSeconds = 5

func (s *Server) exportJobRows() int {
	if s.cfg.ExportJobRows > 0 {
		return s.cfg.ExportJobRows
	}
	return exportjob.DefaultThreshold
}

func (s *Server) exportLinkTTL() time.Duration {
	if s.cfg.ExportLinkTTL > 0 {
		return s.cfg.ExportLinkTTL
	}
	return exportjob.DefaultLinkTTL
}

// exportOrQueue answers an export request: written at once (serveExport) when the export has
// at most exportJobRows rows, counted in the same scope first; otherwise a GET gets the page
// that offers to queue it and a POST queues it.
func (s *Server) exportOrQueue(w http.ResponseWriter, r *http.Request, spec exportjob.Spec) error {
	f, ok := export.ParseFormat(r.URL.Query().Get("format"))
	if !ok {
		return database.ErrNotFound
	}
	spec.Format = f
	ctx := r.Context()
	n, err := exportjob.Count(ctx, s.db, spec)
	if err != nil {
		return err
	}
	if n <= s.exportJobRows() {
		return s.serveExport(w, r, spec.Kind, spec.Object, spec.Filters, func(xw export.Writer) (int, error) {
			return exportjob.Write(ctx, s.db, s.exportLabels(), spec, xw)
		})
	}
	p := principal(r)
	large := func(status int, tooMany bool) {
		b := s.base(r, "exportjob.mine")
		b.Title = reportpage.ExportLargeTitle(ctx, spec.Kind)
		s.render(w, r, status, reportpage.ExportLarge(b, reportpage.ExportLargeProps{Kind: spec.Kind, Rows: n,
			Action: r.URL.RequestURI(), Email: p.User.Email, TooMany: tooMany, MaxActive: exportjob.MaxActive}))
	}
	if r.Method != http.MethodPost {
		large(http.StatusOK, false)
		return nil
	}
	id, _, err := s.exportJobs.Create(ctx, exportjob.Request{OwnerID: p.User.ID, IP: clientIP(r), Spec: spec, Expected: n,
		LinkTTL: s.exportLinkTTL()})
	if errors.Is(err, exportjob.ErrTooManyActive) {
		large(http.StatusConflict, true)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/ekspor/tugas/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) exportJobPage(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "id")
	if !ok {
		return nil
	}
	j, err := s.exportJobs.Get(r.Context(), principal(r).User.ID, id)
	if err != nil {
		return err
	}
	return s.renderExportJob(w, r, http.StatusOK, j)
}

func (s *Server) renderExportJob(w http.ResponseWriter, r *http.Request, status int, j exportjob.Job) error {
	b := s.base(r, "exportjob.mine")
	b.Title = reportpage.ExportJobTitle(r.Context(), j)
	p := reportpage.ExportJobProps{Job: j, Now: s.now(), RefreshSeconds: exportRefreshSeconds}
	if j.Active() {
		b.Refresh = exportRefreshSeconds
	}
	if j.Status == exportjob.StatusDone {
		p.DownloadURL = "/ekspor/tugas/" + strconv.FormatInt(j.ID, 10) + "/unduh?token=" + url.QueryEscape(j.Token)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, reportpage.ExportJob(b, p))
	return nil
}

func (s *Server) exportJobList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.exportJobs.Mine(r.Context(), principal(r).User.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, reportpage.ExportJobs(s.base(r, "exportjob.mine"), reportpage.ExportJobsProps{Jobs: list, Now: s.now()}))
	return nil
}

// exportJobDownload sends the finished file to its owner with the job's token; after the link
// expired it answers 410 with the job's page, which says so.
func (s *Server) exportJobDownload(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "id")
	if !ok {
		return nil
	}
	j, err := s.exportJobs.Download(r.Context(), principal(r).User.ID, id, r.URL.Query().Get("token"), s.now())
	switch {
	case errors.Is(err, exportjob.ErrExpired):
		return s.renderExportJob(w, r, http.StatusGone, j)
	case errors.Is(err, exportjob.ErrNotReady):
		http.Redirect(w, r, "/ekspor/tugas/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	case err != nil:
		return err
	}
	f, size, err := s.files.Open(r.Context(), *j.StorageKey)
	if errors.Is(err, storage.ErrNotFound) {
		return s.renderExportJob(w, r, http.StatusGone, j)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	format, _ := export.ParseFormat(j.Format)
	w.Header().Set("Content-Type", format.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="`+j.FileName()+`"`)
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.Copy(w, f)
	return nil
}
