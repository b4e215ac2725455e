package server

import (
	"net/http"
	"path"
	"strconv"

	"penggerak/internal/selection"
	selectionpage "penggerak/web/pages/selection"
)

// assessorSheets lists the assessor's own sheets.
func (s *Server) assessorSheets(w http.ResponseWriter, r *http.Request) error {
	sheets, err := s.sel().AssessorSheets(r.Context(), principal(r).User.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, selectionpage.Sheets(s.base(r, "selection.sheets.title"), sheets, s.now()))
	return nil
}

// sheetPage shows the scoring page of one of the assessor's sheets.
func (s *Server) sheetPage(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "sheet")
	if !ok {
		return nil
	}
	v, err := s.sel().Sheet(r.Context(), principal(r).User.ID, id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, selectionpage.SheetPage(s.base(r, "selection.sheet.title"), selectionpage.SheetProps{View: v, Form: formFromItems(v.Items)}))
	return nil
}

func formFromItems(items []selection.ScoreItem) selection.SheetForm {
	var f selection.SheetForm
	for _, it := range items {
		sc := ""
		if it.Score != nil {
			sc = strconv.Itoa(*it.Score)
		}
		f.Scores, f.Notes = append(f.Scores, sc), append(f.Notes, it.Note)
	}
	return f
}

// saveSheet saves a draft or submits the assessor's scores.
func (s *Server) saveSheet(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "sheet")
	if !ok {
		return nil
	}
	uid := principal(r).User.ID
	v, err := s.sel().Sheet(r.Context(), uid, id)
	if err != nil {
		return err
	}
	var f selection.SheetForm
	if !s.decode(w, r, &f) {
		return nil
	}
	items, errs := f.Parse(v.Rubric)
	// Sending the scores locks the sheet: it needs the ticked confirmation (a draft does not).
	if f.Submit && !confirmed(r) {
		errs["confirm-sheet"] = "selection.sheet.confirm_required"
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, selectionpage.SheetPage(s.base(r, "selection.sheet.title"),
			selectionpage.SheetProps{View: v, Form: f, Errors: errs}))
		return nil
	}
	if _, err := s.sel().SaveSheet(r.Context(), actor(r), uid, id, items, f.Submit, s.now()); err != nil {
		return err
	}
	key := "selection.sheet.saved"
	if f.Submit {
		key = "selection.sheet.submitted"
	}
	s.flash(r, key)
	redirect(w, r, "/asesor/penilaian/"+strconv.FormatInt(id, 10))
	return nil
}

// sheetDocument serves a PDF of the application on one of the assessor's own sheets, as an
// attachment.
func (s *Server) sheetDocument(w http.ResponseWriter, r *http.Request) error {
	sheet, ok := s.idParam(w, r, "sheet")
	if !ok {
		return nil
	}
	doc, ok := s.idParam(w, r, "doc")
	if !ok {
		return nil
	}
	f, err := s.sel().SheetDocumentFile(r.Context(), principal(r).User.ID, sheet, doc)
	if err != nil {
		return err
	}
	return s.serveFile(w, r, "applications/"+path.Base(f.StorageName), "dokumen-"+strconv.FormatInt(doc, 10)+".pdf")
}
