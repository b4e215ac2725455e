package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"penggerak/internal/clinic"
	"penggerak/internal/imports"
	"penggerak/web/i18n"
	importpage "penggerak/web/pages/imports"
)

// Participant import of an event (issue 13): the organiser uploads a CSV of teachers to
// nominate, reads the preview (first rows, counts, problems per line) and commits it once, all
// rows or none. The event is loaded inside the organiser's scope on every step; a preview
// belongs to its uploader (another user's token is a 404).

func importPath(c clinic.Clinic) string {
	return "/staf/klinik/" + strconv.FormatInt(c.ID, 10) + "/impor"
}

func (s *Server) renderImportUpload(w http.ResponseWriter, r *http.Request, status int, c clinic.Clinic, problem string) error {
	ctx := r.Context()
	b := s.base(r, "clinic.import.title")
	b.Title = i18n.T(ctx, "clinic.import.title") + ": " + c.Title
	s.render(w, r, status, importpage.Upload(b, i18n.T(ctx, "clinic.import.heading", map[string]any{"Title": c.Title}),
		importPath(c), i18n.T(ctx, "clinic.import.guide", map[string]any{"Max": clinic.MaxImportRows}), problem))
	return nil
}

func (s *Server) clinicImportPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	return s.renderImportUpload(w, r, http.StatusOK, c, "")
}

// clinicImportUpload parses and checks the upload into a preview (nothing is registered yet)
// and shows it at its own address.
func (s *Server) clinicImportUpload(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	name, data, problem := readImportFile(w, r)
	if problem != nil {
		return s.renderImportUpload(w, r, http.StatusUnprocessableEntity, c, i18n.T(r.Context(), problem.Key, problem.Data))
	}
	rows, problems := clinic.ParseParticipants(data)
	p, err := s.clinics.CheckImport(r.Context(), c, rows, problems)
	if err != nil {
		return err
	}
	token, err := s.imports().Save(r.Context(), clinic.ImportKind, principal(r).User.ID, cleanText(name), len(p.Rows)+len(p.Problems), len(p.Problems), p)
	if err != nil {
		return err
	}
	redirect(w, r, importPath(c)+"/"+token)
	return nil
}

func (s *Server) clinicImportShow(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	return s.renderImportPreview(w, r, http.StatusOK, c, "")
}

// clinicImportCommit registers every row of the preview in one transaction (or none); a second
// commit of the same preview changes nothing and says so.
func (s *Server) clinicImportCommit(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var registered, waiting int
	err = s.imports().Commit(ctx, chi.URLParam(r, "token"), clinic.ImportKind, principal(r).User.ID, func(tx pgx.Tx, payload []byte) error {
		var p clinic.ImportPreview
		if err := json.Unmarshal(payload, &p); err != nil {
			return err
		}
		registered, waiting, err = s.clinics.WithTx(tx).CommitImport(ctx, tx, actor(r), c, p, s.now())
		return err
	})
	var lineErr *clinic.ImportLineError
	switch {
	case errors.Is(err, imports.ErrCommitted):
		return s.renderImportPreview(w, r, http.StatusConflict, c, i18n.T(ctx, "import.preview.again"))
	case errors.Is(err, imports.ErrHasProblems):
		return s.renderImportPreview(w, r, http.StatusConflict, c, i18n.T(ctx, "import.preview.nothing"))
	case errors.As(err, &lineErr):
		key, refused := formMessage(lineErr.Err)
		if !refused {
			return err
		}
		return s.renderImportPreview(w, r, http.StatusConflict, c, i18n.T(ctx, "clinic.import.refused",
			map[string]any{"Line": lineErr.Line, "Reason": i18n.T(ctx, key)}))
	case err != nil:
		return err
	}
	return s.renderImportPreview(w, r, http.StatusOK, c, i18n.T(ctx, "clinic.import.done", map[string]any{"Registered": registered, "Waiting": waiting}))
}

func (s *Server) renderImportPreview(w http.ResponseWriter, r *http.Request, status int, c clinic.Clinic, result string) error {
	ctx := r.Context()
	token := chi.URLParam(r, "token")
	stored, err := s.imports().Load(ctx, token, clinic.ImportKind, principal(r).User.ID)
	if err != nil {
		return err
	}
	var p clinic.ImportPreview
	if err := json.Unmarshal(stored.Payload, &p); err != nil {
		return err
	}
	if p.ClinicID != c.ID { // a preview of another event under this event's address
		return errNoPath
	}
	if result == "" && stored.CommittedAt == nil && len(p.Problems) == 0 {
		result = i18n.T(ctx, "clinic.import.summary", map[string]any{"Registered": p.Registered, "Waiting": p.Waiting})
	}
	props := importpage.PreviewProps{Heading: i18n.T(ctx, "clinic.import.preview", map[string]any{"Title": c.Title}),
		Action: importPath(c) + "/" + token, Source: stored.Source, Rows: stored.Rows, Committed: stored.CommittedAt != nil,
		Result: result, Back: "/staf/klinik/" + strconv.FormatInt(c.ID, 10),
		Columns: []string{i18n.T(ctx, "import.preview.line"), i18n.T(ctx, "field.name"), "Email", i18n.T(ctx, "clinic.import.school"),
			i18n.T(ctx, "clinic.import.place")}}
	previewTable(ctx, &props, p.Rows, func(row clinic.ImportRow) []string {
		return []string{strconv.Itoa(row.Line), row.Name, row.Email, row.SchoolName + " (" + row.NPSN + ")",
			i18n.T(ctx, "clinic.import.place."+string(row.Status))}
	}, p.Problems)
	b := s.base(r, "clinic.import.title")
	b.Title = props.Heading
	s.render(w, r, status, importpage.Preview(b, props))
	return nil
}
