package server

import (
	"errors"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"penggerak/internal/account"
	"penggerak/internal/filecheck"
	"penggerak/internal/mail"
	"penggerak/internal/selection"
	"penggerak/web/i18n"
	selectionpage "penggerak/web/pages/selection"
)

// letter writes a selection mail in the recipient's language from the i18n catalogues.
func (s *Server) letter(lang, key string, data map[string]any) mail.Message {
	return NewLetter(s.i18n, s.cfg.BaseURL)(lang, key, data)
}

// NewLetter writes selection mails from the bundle's catalogues: key's .subject and .body in the
// recipient's language, with the stage and outcome named in that language and the site's address.
// The background jobs use it too (cmd wires it), so a promotion mailed by a job is in the
// recipient's language as well.
func NewLetter(b *i18n.Bundle, baseURL string) selection.Letter {
	return func(lang, key string, data map[string]any) mail.Message {
		l := b.Localizer(lang)
		d := maps.Clone(data)
		d["BaseURL"] = baseURL
		if st, ok := d["Stage"].(string); ok {
			d["Stage"] = l.T("selection.stage." + st)
		}
		if o, ok := d["Outcome"].(string); ok {
			d["Outcome"] = l.T("selection.outcome." + o)
		}
		return mail.Message{Subject: l.T(key+".subject", d), Body: l.T(key+".body", d)}
	}
}

// appealFilter is the principal's appeal scope: national for the admin, their provinces for BGP.
func appealFilter(p *account.Principal) selection.RegionFilter {
	if p.Has(account.RoleAdmin) {
		return selection.RegionFilter{National: true}
	}
	f := selection.RegionFilter{Provinces: []string{}}
	for _, sc := range p.Scopes(account.RoleBGP) {
		if sc.ProvinceCode != "" {
			f.Provinces = append(f.Provinces, sc.ProvinceCode)
		}
	}
	return f
}

// fileAppeal files the applicant's appeal (stage, reason, optional PDF) against their result in
// the run; a refused form re-renders the results page with what was typed and a message per field.
func (s *Server) fileAppeal(w http.ResponseWriter, r *http.Request) error {
	run, ok := s.idParam(w, r, "run")
	if !ok {
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, selection.MaxAppealPDF+64<<10)
	in := selectionpage.AppealInput{RunID: run}
	refuse := func(status int, errs map[string]string) error {
		return s.renderMyResultWith(w, r, status, nil, in, errs)
	}
	// Without a file the browser may send a plain form: that is no PDF, not an error.
	if err := r.ParseMultipartForm(selection.MaxAppealPDF + 32<<10); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return refuse(http.StatusRequestEntityTooLarge, map[string]string{"pdf": "selection.appeal.error.pdf_size"})
	}
	in.Stage, in.Reason = r.PostFormValue("stage"), r.PostFormValue("reason")
	st, reason, errs := selection.AppealForm{Stage: in.Stage, Reason: in.Reason}.Parse()
	var pdf []byte
	if file, _, err := r.FormFile("pdf"); err == nil {
		defer file.Close()
		pdf, err = io.ReadAll(io.LimitReader(file, selection.MaxAppealPDF+1))
		if err != nil {
			return err
		}
		if len(pdf) == 0 { // an empty file input is no file
			pdf = nil
		}
	}
	switch err := selection.CheckAppealPDF(pdf); {
	case errors.Is(err, filecheck.ErrTooBig):
		errs["pdf"] = "selection.appeal.error.pdf_size"
	case err != nil:
		errs["pdf"] = "selection.appeal.error.pdf"
	}
	if len(errs) > 0 {
		return refuse(http.StatusUnprocessableEntity, errs)
	}
	uid := principal(r).User.ID
	_, err := s.sel().FileAppeal(r.Context(), actor(r), uid, run, st, reason, pdf, s.cfg.UploadDir, s.now(), s.letter)
	switch {
	case errors.Is(err, selection.ErrAppealClosed):
		return refuse(http.StatusConflict, map[string]string{"form": "selection.appeal.error.closed"})
	case errors.Is(err, selection.ErrAppealExists):
		return refuse(http.StatusConflict, map[string]string{"stage": "selection.appeal.error.exists"})
	case errors.Is(err, selection.ErrNotAppealable):
		return refuse(http.StatusConflict, map[string]string{"stage": "selection.appeal.error.not_appealable"})
	case err != nil:
		return err
	}
	return s.flashRedirect(w, r, "selection.appeal.filed", "/seleksi/saya")
}

// appealsPage is the appeals queue: the national admin's, or a BGP's for its province (read-only).
func (s *Server) appealsPage(w http.ResponseWriter, r *http.Request) error {
	as, err := s.sel().Appeals(r.Context(), appealFilter(principal(r)))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, selectionpage.Appeals(s.base(r, "selection.appeal.queue"), as, principal(r).Has(account.RoleAdmin)))
	return nil
}

// appealPage shows one appeal with the applicant's scores; the admin gets the decision forms.
func (s *Server) appealPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAppeal(w, r, http.StatusOK, selectionpage.AppealProps{})
}

func (s *Server) renderAppeal(w http.ResponseWriter, r *http.Request, status int, p selectionpage.AppealProps) error {
	id, ok := s.idParam(w, r, "appeal")
	if !ok {
		return nil
	}
	v, err := s.sel().LoadAppeal(r.Context(), id, appealFilter(principal(r)))
	if err != nil {
		return err
	}
	p.View, p.Admin = v, principal(r).Has(account.RoleAdmin)
	s.render(w, r, status, selectionpage.AppealPage(s.base(r, "selection.appeal.title"), p))
	return nil
}

// appealFile serves an appeal's PDF as an attachment to those who may see the appeal.
func (s *Server) appealFile(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "appeal")
	if !ok {
		return nil
	}
	name, size, err := s.sel().AppealPDF(r.Context(), id, appealFilter(principal(r)))
	if err != nil {
		return err
	}
	fh, err := os.Open(filepath.Join(s.cfg.UploadDir, "appeals", filepath.Base(name)))
	if err != nil {
		return err
	}
	defer fh.Close()
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="sanggah-`+strconv.FormatInt(id, 10)+`.pdf"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Length", strconv.Itoa(size))
	_, _ = io.Copy(w, fh)
	return nil
}

// decideAppeal reads the decision form: the reason and the no-JS confirmation checkbox. ok is
// false when the request has been answered (the form refused, re-rendered) or err is set.
func (s *Server) decideAppeal(w http.ResponseWriter, r *http.Request, action string) (id int64, reason string, ok bool, err error) {
	id, ok = s.idParam(w, r, "appeal")
	if !ok {
		return 0, "", false, nil
	}
	var f struct {
		Decision string `form:"decision"`
		Sure     bool   `form:"yakin"`
	}
	if !s.decode(w, r, &f) {
		return 0, "", false, nil
	}
	reason, errs := selection.ParseDecision(f.Decision)
	if errs == nil {
		errs = map[string]string{}
	}
	if !f.Sure {
		errs["yakin-"+action] = "selection.appeal.error.sure"
	}
	if len(errs) > 0 {
		return 0, "", false, s.renderAppeal(w, r, http.StatusUnprocessableEntity, selectionpage.AppealProps{Action: action, Decision: f.Decision, Errors: errs})
	}
	return id, reason, true, nil
}

// rejectAppeal rejects an appeal with a reason shown to the applicant.
func (s *Server) rejectAppeal(w http.ResponseWriter, r *http.Request) error {
	id, reason, ok, err := s.decideAppeal(w, r, "tolak")
	if !ok {
		return err
	}
	if err := s.sel().RejectAppeal(r.Context(), actor(r), id, reason, s.now(), s.letter); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.appeal.rejected_flash", "/seleksi/sanggah/"+strconv.FormatInt(id, 10))
}

// upholdAppeal upholds an appeal: the stage goes to a new assessor for a re-score.
func (s *Server) upholdAppeal(w http.ResponseWriter, r *http.Request) error {
	id, reason, ok, err := s.decideAppeal(w, r, "terima")
	if !ok {
		return err
	}
	if _, err := s.sel().UpholdAppeal(r.Context(), actor(r), id, reason, s.now(), s.letter); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.appeal.upheld_flash", "/seleksi/sanggah/"+strconv.FormatInt(id, 10))
}

// correctAppeal makes the correction run from the upheld appeals' re-scores.
func (s *Server) correctAppeal(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "appeal")
	if !ok {
		return nil
	}
	run, err := s.sel().CorrectAfterAppeals(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.appeal.corrected_flash", "/seleksi/hasil/"+strconv.FormatInt(run, 10))
}
