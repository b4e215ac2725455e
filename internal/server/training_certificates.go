package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/internal/region"
	"penggerak/internal/training"
	trainingpage "penggerak/web/pages/training"
)

// Sertifikat Guru Penggerak (issue 10): issued with the graduation (training.Store.Decide); the
// graduate downloads it from /pelatihan/saya, the BGP of the province and the national admin
// download, revoke and take a province's ZIP; anyone verifies it on a public page; the register
// of Guru Penggerak lists holders in the viewer's region (Dinas, BGP, national admin).

// certScope is where the viewer administers certificates: every province for the national
// admin, the BGP's provinces.
func certScope(p *account.Principal) training.Scope {
	_, provs, _ := p.RegionFilter(account.RoleBGP)
	return training.Scope{National: p.Has(account.RoleAdmin), Provinces: provs}
}

// certificateVerifyURL is the public verification page of a certificate (in the QR code and mail).
func (s *Server) certificateVerifyURL(token string) string {
	return s.cfg.BaseURL + trainingpage.VerifyPath(token)
}

// gpVerify is the public verification page; an unknown token is a friendly 404.
func (s *Server) gpVerify(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	var p trainingpage.VerifyProps
	status := http.StatusOK
	if !validToken(token) {
		status = http.StatusNotFound
	} else if c, err := s.trainingStore().CertificateByToken(r.Context(), token); err == nil {
		p.Cert = &c
	} else if errors.Is(err, database.ErrNotFound) {
		status = http.StatusNotFound
	} else {
		return err
	}
	s.render(w, r, status, trainingpage.CertificateVerify(s.base(r, "certificate.verify.heading"), p))
	return nil
}

// sendCertificate sends a certificate's PDF, or says it was revoked (410).
func (s *Server) sendCertificate(w http.ResponseWriter, r *http.Request, c training.Certificate, audited bool) error {
	if c.Revoked() {
		return refuse(http.StatusGone, "certificate.revoked_no_download")
	}
	b, err := training.CertificatePDF(c, s.certificateVerifyURL(c.Token))
	if err == nil && audited {
		err = s.trainingStore().RecordCertificateExport(r.Context(), actor(r), strconv.FormatInt(c.ID, 10), "pdf", 1)
	}
	if err != nil {
		return err
	}
	sendPDF(w, training.CertificateFileName(c), b)
	return nil
}

// myCertificatePDF is the graduate's own certificate; anyone else's is 404.
func (s *Server) myCertificatePDF(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "cert")
	if !ok {
		return database.ErrNotFound
	}
	c, err := s.trainingStore().MyCertificate(r.Context(), principal(r).User.ID, id)
	if err != nil {
		return err
	}
	return s.sendCertificate(w, r, c, false)
}

// gpStaffCertificate loads certificate {cert} when its graduate is in the viewer's certScope.
func (s *Server) gpStaffCertificate(r *http.Request) (training.Certificate, error) {
	id, ok := pathInt(r, "cert")
	if !ok {
		return training.Certificate{}, database.ErrNotFound
	}
	return s.trainingStore().CertificateIn(r.Context(), certScope(principal(r)), id)
}

// staffCertificatePDF: the BGP of the province or the national admin downloads a certificate
// (audited).
func (s *Server) staffCertificatePDF(w http.ResponseWriter, r *http.Request) error {
	c, err := s.gpStaffCertificate(r)
	if err != nil {
		return err
	}
	return s.sendCertificate(w, r, c, true)
}

// provinceCertificates lists a cohort's certificates of a province (BGP of the province,
// national admin; others 404).
func (s *Server) provinceCertificates(w http.ResponseWriter, r *http.Request) error {
	id, prov, ok := trainingPath(r)
	if !ok {
		return database.ErrNotFound
	}
	sc := certScope(principal(r))
	p := trainingpage.CertificatesProps{CohortID: id, ProvinceCode: prov}
	var err error
	if p.CohortName, p.ProvinceName, err = s.trainingStore().CertificateProvince(r.Context(), sc, id, prov); err == nil {
		p.List, err = s.trainingStore().ProvinceCertificates(r.Context(), sc, id, prov, true)
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, trainingpage.Certificates(s.base(r, "certificate.list.heading"), p))
	return nil
}

// provinceCertificatesZIP streams one ZIP of every valid certificate of the province, one PDF
// per graduate, each made as it is written; audited before the first byte.
func (s *Server) provinceCertificatesZIP(w http.ResponseWriter, r *http.Request) error {
	id, prov, ok := trainingPath(r)
	if !ok {
		return database.ErrNotFound
	}
	sc, ctx := certScope(principal(r)), r.Context()
	_, _, err := s.trainingStore().CertificateProvince(ctx, sc, id, prov)
	var list []training.Certificate
	if err == nil {
		list, err = s.trainingStore().ProvinceCertificates(ctx, sc, id, prov, false)
	}
	object := strconv.FormatInt(id, 10) + "/" + prov
	if err == nil {
		err = s.trainingStore().RecordCertificateExport(ctx, actor(r), object, "zip", len(list))
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="sertifikat-guru-penggerak-`+strconv.FormatInt(id, 10)+"-"+prov+`.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	verify := func(c training.Certificate) string { return s.certificateVerifyURL(c.Token) }
	// Each written batch gives the connection another minute: a province's ZIP may take longer
	// than the server's write timeout in all, but never a minute without progress.
	rc := http.NewResponseController(w)
	written := func(n int) {
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil && n == 0 {
			s.log.Warn("certificate zip: cannot extend the write deadline", "err", err)
		}
	}
	written(0)
	if err := training.WriteCertificatesZIP(w, list, verify, s.now(), written); err != nil {
		// The status is sent: the client sees a broken ZIP; the log says why.
		s.log.Error("certificate zip", "cohort", id, "province", prov, "err", err)
	}
	return nil
}

// certificateRevokePage asks for the reason of a revocation.
func (s *Server) certificateRevokePage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.gpStaffCertificate(r)
	if err != nil {
		return err
	}
	if c.Revoked() {
		return refuse(http.StatusConflict, "certificate.error.revoked")
	}
	s.render(w, r, http.StatusOK, trainingpage.CertificateRevoke(s.base(r, "certificate.revoke.heading"), trainingpage.RevokeProps{Cert: c, Errs: map[string]string{}}))
	return nil
}

// certificateRevoke revokes with a reason after the ticked confirmation (without it, the
// confirmation page; nothing changes).
func (s *Server) certificateRevoke(w http.ResponseWriter, r *http.Request) error {
	c, err := s.gpStaffCertificate(r)
	if err != nil {
		return err
	}
	var f struct {
		Reason string `form:"reason"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	errs := map[string]string{}
	err = training.CheckRevokeReason(f.Reason)
	if err == nil {
		if s.askConfirm(w, r, "certificate.revoke.heading", "certificate.revoke.confirm_hint", trainingpage.StaffCertificatePath(c, "/cabut")) {
			return nil
		}
		err = s.trainingStore().RevokeCertificate(r.Context(), actor(r), certScope(principal(r)), c.ID, f.Reason, s.now())
	}
	var pe *training.ProblemError
	switch {
	case err == nil:
		s.flash(r, "certificate.flash.revoked")
		redirect(w, r, "/pelatihan/"+strconv.FormatInt(c.CohortID, 10)+"/"+c.ProvinceCode+"/sertifikat")
		return nil
	case errors.As(err, &pe):
		errs["reason"] = pe.Problems[0]
	case errors.Is(err, training.ErrRevoked):
		errs["_form"] = "certificate.error.revoked"
	default:
		return err
	}
	s.render(w, r, http.StatusUnprocessableEntity, trainingpage.CertificateRevoke(s.base(r, "certificate.revoke.heading"),
		trainingpage.RevokeProps{Cert: c, Reason: f.Reason, Errs: errs}))
	return nil
}

// registerLimit is how many Guru Penggerak the register page lists; the export has them all.
const registerLimit = 200

// registerFilter reads the register's filter from the query (bad values: errBadRequest).
func (s *Server) registerFilter(r *http.Request) (training.RegisterFilter, error) {
	var f training.RegisterFilter
	if err := s.forms.Decode(&f, r.URL.Query()); err != nil {
		return f, errBadRequest
	}
	return f.Clean(), nil
}

// guruPenggerakRegister is the register of Guru Penggerak in the viewer's region.
func (s *Server) guruPenggerakRegister(w http.ResponseWriter, r *http.Request) error {
	f, err := s.registerFilter(r)
	if err != nil {
		return err
	}
	ctx, sc := r.Context(), trainingScope(principal(r))
	p := trainingpage.RegisterProps{Filter: f, Limit: registerLimit}
	if p.Cohorts, p.Regencies, err = s.trainingStore().RegisterOptions(ctx, sc); err == nil {
		if p.Groups, err = s.trainingStore().RegisterGroups(ctx, sc, f); err == nil {
			p.Rows, p.Total, err = s.trainingStore().Register(ctx, sc, f, registerLimit)
		}
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, trainingpage.Register(s.base(r, "certificate.register.heading"), p))
	return nil
}

// guruPenggerakExport sends the register (same scope and filter) as XLSX or CSV, NUPTK masked,
// formula injection neutralised; audited with the filter and the number of rows.
func (s *Server) guruPenggerakExport(w http.ResponseWriter, r *http.Request) error {
	f, err := s.registerFilter(r)
	if err != nil {
		return err
	}
	filters := map[string]any{"angkatan": f.CohortID, "kabkota": f.Regency, "status": f.Status, "q": f.Q}
	sc := trainingScope(principal(r))
	return s.serveExport(w, r, "guru-penggerak", "", filters, func(xw export.Writer) (int, error) {
		return s.trainingStore().RegisterExport(r.Context(), sc, f, xw, region.Location("WIB"))
	})
}

// myCertificates is the signed-in user's certificates (for their training page and profile).
func (s *Server) myCertificates(r *http.Request) ([]training.Certificate, error) {
	return s.trainingStore().MyCertificates(r.Context(), principal(r).User.ID)
}

// validToken: verification tokens are 32 URL-safe characters; anything else cannot exist.
func validToken(t string) bool {
	return len(t) >= 32 && len(t) <= 64 && strings.Trim(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}
