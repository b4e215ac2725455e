package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"penggerak/internal/clinic"
	"penggerak/internal/database"
	pages "penggerak/web/pages/clinic"
)

// Certificate tools of the organiser (Dinas, BGP, national admin; inside their scope): the list
// of an event's certificates, one or all as PDF or ZIP, and revocation with a reason; and the
// public check of a certificate by its code.

func (s *Server) clinicCertificates(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	list, err := s.clinics.Certificates(r.Context(), c, s.now())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.Certificates(s.base(r, "clinic.certs.heading"), pages.CertificatesProps{C: c, Certs: list, Now: s.now()}))
	return nil
}

// clinicCertificatesDownload sends every valid (not revoked) certificate of the event as one
// PDF or as a ZIP of one PDF each (streamed); audited as clinic.certificates_export.
func (s *Server) clinicCertificatesDownload(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	list, err := s.clinics.Certificates(r.Context(), c, s.now())
	if err != nil {
		return err
	}
	valid := list[:0:0]
	for _, g := range list {
		if g.RevokedAt == nil {
			valid = append(valid, g)
		}
	}
	name := "sertifikat-" + strconv.FormatInt(c.ID, 10)
	if strings.HasSuffix(r.URL.Path, ".zip") {
		// Streamed as the certificates are made; audited just before the first byte.
		start := func() error {
			if err := s.clinics.RecordCertificateExport(r.Context(), actor(r), c.ID, "zip", len(valid)); err != nil {
				return err
			}
			zipHeaders(w, name+".zip", "no-store")
			return nil
		}
		return s.streamDownload(w, r, start, func(out io.Writer) error { return s.clinics.CertificatesZIP(out, c, valid, s.now()) })
	}
	b, err := s.clinics.CertificatesPDF(c, valid)
	if err == nil {
		err = s.clinics.RecordCertificateExport(r.Context(), actor(r), c.ID, "pdf", len(valid))
	}
	if err != nil {
		return err
	}
	sendPDF(w, name+".pdf", b)
	return nil
}

// staffCertificate loads registration {rid} of the event and checks it earned a certificate
// (clinic.ErrNoCertificate otherwise).
func (s *Server) staffCertificate(r *http.Request) (clinic.Clinic, clinic.Registration, error) {
	c, reg, err := s.staffRegistration(r)
	if err != nil {
		return c, reg, err
	}
	if !c.CertificateEarned(reg, s.now()) {
		return c, reg, clinic.ErrNoCertificate
	}
	return c, reg, nil
}

func (s *Server) clinicCertificateOne(w http.ResponseWriter, r *http.Request) error {
	c, reg, err := s.staffCertificate(r)
	if err != nil {
		return err
	}
	if reg.RevokedAt != nil {
		return clinic.ErrCertificateRevoked
	}
	b, err := s.clinics.CertificatePDF(c, reg)
	if err == nil {
		err = s.clinics.RecordCertificateExport(r.Context(), actor(r), c.ID, "pdf-one", 1)
	}
	if err != nil {
		return err
	}
	sendPDF(w, "sertifikat-"+clinic.FormatCode(reg.CertCode)+".pdf", b)
	return nil
}

type revokeForm struct {
	Reason  string `form:"reason"`
	Confirm string `form:"confirm"`
}

// clinicRevokePage asks for the reason and a confirmation before revoking a certificate.
func (s *Server) clinicRevokePage(w http.ResponseWriter, r *http.Request) error {
	c, reg, err := s.staffCertificate(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.Revoke(s.base(r, "clinic.certs.revoke_heading"), pages.RevokeProps{C: c, R: reg, Errs: map[string]string{}}))
	return nil
}

func (s *Server) clinicRevoke(w http.ResponseWriter, r *http.Request) error {
	c, reg, err := s.staffCertificate(r)
	if err != nil {
		return err
	}
	var f revokeForm
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	errs := map[string]string{}
	reason := strings.TrimSpace(f.Reason)
	if reason == "" {
		errs["reason"] = "clinic.err.revoke_reason"
	} else if len([]rune(reason)) > 500 {
		errs["reason"] = "form.too_long"
	}
	if f.Confirm != "yes" {
		errs["confirm"] = "clinic.err.revoke_confirm"
	}
	if len(errs) == 0 {
		err := s.clinics.RevokeCertificate(r.Context(), actor(r), staffScope(r), c.ID, reg.ID, reason)
		switch {
		case err == nil:
			s.flash(r, "clinic.flash.revoked")
			redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10)+"/sertifikat")
			return nil
		case errors.Is(err, clinic.ErrState):
			errs["_form"] = "clinic.err.already_revoked"
		default:
			return err
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.Revoke(s.base(r, "clinic.certs.revoke_heading"), pages.RevokeProps{C: c, R: reg, Reason: f.Reason, Confirm: f.Confirm == "yes", Errs: errs}))
	return nil
}

// certificateVerify is the public check of a clinic certificate by its code (?kode=).
func (s *Server) certificateVerify(w http.ResponseWriter, r *http.Request) error {
	code := strings.TrimSpace(r.URL.Query().Get("kode"))
	p := pages.VerifyProps{Code: code, Checked: code != ""}
	status := http.StatusOK
	if code != "" {
		cert, err := s.clinics.CertificateByCode(r.Context(), code, s.now())
		switch {
		case err == nil:
			p.Cert = &cert
		case errors.Is(err, database.ErrNotFound):
			status = http.StatusNotFound
		default:
			return err
		}
	}
	s.render(w, r, status, pages.Verify(s.base(r, "clinic.verify.heading"), p))
	return nil
}
