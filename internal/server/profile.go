package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"penggerak/internal/database"
	"penggerak/internal/pdp"
	"penggerak/internal/profile"
	"penggerak/internal/school"
	"penggerak/web/i18n"
	profilepage "penggerak/web/pages/profile"
)

// profiles is the teacher profile store.
func (s *Server) profiles() *profile.Store { return profile.NewStore(s.db) }

// schoolByNPSN returns the school with a well-formed, existing NPSN, or nil.
func (s *Server) schoolByNPSN(ctx context.Context, npsn string) (*school.School, error) {
	if !school.ValidNPSN(npsn, true) {
		return nil, nil
	}
	sc, err := s.schools().ByNPSN(ctx, npsn)
	if errors.Is(err, database.ErrNotFound) {
		return nil, nil
	}
	return &sc, err
}

// profileProps fills the school shown under the NPSN field and the search results for in.
func (s *Server) profileProps(ctx context.Context, in profile.Input, errs map[string]string) (profilepage.Props, error) {
	p := profilepage.Props{Input: in, Errors: errs}
	var err error
	if p.School, err = s.schoolByNPSN(ctx, in.NPSN); err != nil {
		return p, err
	}
	if in.SchoolQuery != "" {
		p.Searched = true
		p.Results, err = s.schools().Search(ctx, in.SchoolQuery, "", "", profilepage.SearchLimit)
	}
	return p, err
}

// profilePage shows the teacher's profile form, filled with what is stored. ?npsn= (from the
// school search page) puts a school in the form without saving anything.
func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) error {
	var in profile.Input
	stored, err := s.profiles().Get(r.Context(), principal(r).User.ID)
	switch {
	case err == nil:
		in = profile.InputOf(stored)
	case !errors.Is(err, database.ErrNotFound):
		return err
	}
	if npsn := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("npsn"))); npsn != "" {
		in.NPSN = npsn
	}
	props, err := s.profileProps(r.Context(), in, nil)
	if err == nil {
		props.GuruPenggerak, err = s.myCertificates(r) // training_certificates.go
	}
	if err != nil {
		return err
	}
	if props.School != nil && props.Input.Jenjang == "" {
		props.Input.Jenjang = props.School.Jenjang // a suggestion; the teacher can change it
	}
	s.render(w, r, http.StatusOK, profilepage.Page(s.baseHTMX(r, "profile.title"), props))
	return nil
}

// saveProfile validates and stores the profile; op=cari only searches schools (everything
// typed is shown again, nothing is saved). On any error the form comes back with status 422.
func (s *Server) saveProfile(w http.ResponseWriter, r *http.Request) error {
	var in profile.Input
	if !s.decode(w, r, &in) {
		return nil
	}
	ctx := r.Context()
	in = profile.Normalize(in)
	errs := map[string]string{}
	if in.Op != "cari" {
		sc, err := s.schoolByNPSN(ctx, in.NPSN)
		if err != nil {
			return err
		}
		provinceOK, err := s.regions.ProvinceExists(ctx, profile.NIKProvince(in.NIK))
		if err != nil {
			return err
		}
		var prof profile.Profile
		prof, errs = profile.Validate(in, s.now(), profile.Checks{ProvinceExists: provinceOK, SchoolExists: sc != nil})
		if len(errs) == 0 {
			err = s.profiles().Save(ctx, actor(r), principal(r).User.ID, prof)
			switch {
			case errors.Is(err, profile.ErrNIKTaken):
				errs["nik"] = "profile.nik.taken"
			case errors.Is(err, profile.ErrUnknownSchool):
				errs["npsn"] = "profile.npsn.unknown"
			case err != nil:
				return err
			default:
				s.flash(r, "profile.saved")
				redirect(w, r, "/profil")
				return nil
			}
		}
	}
	props, err := s.profileProps(ctx, in, errs)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, profilepage.Page(s.baseHTMX(r, "profile.title"), props))
	return nil
}

// schoolSearch finds schools by name or NPSN, optionally within one kabupaten/kota (kabkota)
// and jenjang: an HTML fragment of radio buttons for htmx, or a full page with links back to
// the profile form without JavaScript.
func (s *Server) schoolSearch(w http.ResponseWriter, r *http.Request) error {
	query := r.URL.Query()
	q := strings.TrimSpace(query.Get("q"))
	p := profilepage.SearchProps{Query: q, Searched: q != "", Jenjang: query.Get("jenjang"), RegencyCode: query.Get("kabkota")}
	if q != "" {
		var err error
		if p.Results, err = s.schools().Search(r.Context(), q, p.RegencyCode, p.Jenjang, profilepage.SearchLimit); err != nil {
			return err
		}
	}
	if isHTMX(r) {
		s.render(w, r, http.StatusOK, profilepage.Results(p))
		return nil
	}
	s.render(w, r, http.StatusOK, profilepage.SearchPage(s.base(r, "profile.search.title"), p))
	return nil
}

// personalExport is the personal-data download: the account, profile, roles and traces, and
// every feature's records about the person (applications, selection, clinics, training), as JSON or PDF.
type personalExport struct {
	profile.PersonalData
	Applications json.RawMessage `json:"applications"`
	Selection    json.RawMessage `json:"selection"`
	Clinics      json.RawMessage `json:"clinics"`
	Training     json.RawMessage `json:"training"`
}

// personalExportOf completes the personal data with every feature's records about the user.
func (s *Server) personalExportOf(r *http.Request, d profile.PersonalData) (personalExport, error) {
	ctx := r.Context()
	p := principal(r)
	e := personalExport{PersonalData: d}
	var err error
	if e.Applications, err = s.applications.PersonalData(ctx, p.User.ID); err != nil {
		return e, err
	}
	if e.Selection, err = s.sel().PersonalData(ctx, p.User.ID); err != nil {
		return e, err
	}
	if e.Clinics, err = s.clinics.PersonalData(ctx, p.User.ID, p.User.Email); err != nil {
		return e, err
	}
	e.Training, err = s.trainingStore().PersonalData(ctx, p.User.ID)
	return e, err
}

// personalData gathers everything held about the signed-in user.
func (s *Server) personalData(r *http.Request) (profile.PersonalData, *profile.DeletionRequest, error) {
	ctx := r.Context()
	p := principal(r)
	var prof *profile.Profile
	stored, err := s.profiles().Get(ctx, p.User.ID)
	switch {
	case err == nil:
		prof = &stored
	case !errors.Is(err, database.ErrNotFound):
		return profile.PersonalData{}, nil, err
	}
	reqs, err := s.profiles().DeletionRequests(ctx, p.User.ID)
	if err != nil {
		return profile.PersonalData{}, nil, err
	}
	traces, err := s.profiles().Traces(ctx, p.User.ID, p.User.Email)
	if err != nil {
		return profile.PersonalData{}, nil, err
	}
	var open *profile.DeletionRequest
	for i := range reqs {
		if reqs[i].ProcessedAt == nil {
			open = &reqs[i]
		}
	}
	d := profile.Collect(p, prof, reqs, traces, s.now(), i18n.T(ctx, "profile.data.retention.text"))
	return d, open, nil
}

// myData shows the personal data page.
func (s *Server) myData(w http.ResponseWriter, r *http.Request) error {
	d, open, err := s.personalData(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, profilepage.DataPage(s.base(r, "profile.data.title"), profilepage.DataProps{Data: d, Open: open}))
	return nil
}

// downloadMyData sends everything held about the user as a JSON attachment, or as a readable
// PDF at /profil/data-saya/unduh.pdf; the download is audited.
func (s *Server) downloadMyData(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.personalData(r)
	if err != nil {
		return err
	}
	e, err := s.personalExportOf(r, d)
	if err != nil {
		return err
	}
	asPDF := strings.HasSuffix(r.URL.Path, ".pdf")
	var b []byte
	if asPDF {
		b, err = pdp.PDF(i18n.T(r.Context(), "profile.data.pdf_title"), e, s.now())
	} else {
		b, err = json.MarshalIndent(e, "", "  ")
	}
	if err == nil {
		err = s.profiles().RecordExport(r.Context(), actor(r), principal(r).User.ID)
	}
	if err != nil {
		return err
	}
	if asPDF {
		sendPDF(w, "data-saya-penggerak.pdf", b)
		return nil
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="data-saya-penggerak.json"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
	return nil
}

// requestDeletion records a request to delete the user's data (one open request at most).
func (s *Server) requestDeletion(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Reason string `form:"reason"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	if s.askConfirm(w, r, "profile.data.deletion", "profile.data.deletion.confirm_hint", "/profil/data-saya") {
		return nil
	}
	reason := strings.TrimSpace(f.Reason)
	for utf8.RuneCountInString(reason) > 1000 {
		_, size := utf8.DecodeLastRuneInString(reason)
		reason = reason[:len(reason)-size]
	}
	if _, err := s.profiles().RequestDeletion(r.Context(), actor(r), principal(r).User.ID, reason, s.now()); err != nil {
		return err
	}
	s.flash(r, "profile.data.deletion.received")
	redirect(w, r, "/profil/data-saya")
	return nil
}
