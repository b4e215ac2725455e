package server

import "github.com/go-chi/chi/v5"

// clinicRoutes: the public clinic list and pages; the ticket links that manage a registration
// without an account (its PDF, certificate, cancelling, feedback, a fresh link by e-mail);
// certificate verification; and registering, for a signed-in user.
func (s *Server) clinicRoutes(r chi.Router) {
	pages := r.With(publicPage)
	pages.Get("/klinik", s.handle(s.clinicList))
	pages.Get("/klinik/{id}", s.handle(s.clinicPage))
	r.Get("/tiket/{token}", s.handle(s.ticketPage))
	r.Get("/tiket/{token}/pdf", s.handle(s.ticketPDF))
	r.Get("/tiket/{token}/sertifikat", s.handle(s.ticketCertificate))
	r.Post("/tiket/{token}/batal", s.handle(s.ticketCancel))
	r.Post("/tiket/{token}/umpan-balik", s.handle(s.ticketFeedback))
	r.Get("/sertifikat", s.handle(s.certificateVerify))
	// integrity (issue 11): a fresh emailed link to manage a registration without an account
	r.Post("/tiket/{token}/tautan", s.handle(s.ticketLink))

	signedIn := r.With(s.requireSignIn)
	signedIn.Get("/klinik/saya", s.handle(s.clinicMine))
	signedIn.Get("/klinik/{id}/daftar", s.handle(s.clinicRegisterForm))
	signedIn.Post("/klinik/{id}/daftar", s.handle(s.clinicRegister))
}

// clinicStaffRoutes: the staff's clinic management (admin, BGP, Dinas; each handler scopes its
// queries to the user's region): the clinic itself, nominations and cancelled registrations,
// invitations and their letters, check-in and counts, exports, the participant import, and
// certificates with their revocation.
func (s *Server) clinicStaffRoutes(r chi.Router) {
	regional := r.With(s.requireRole(staff...))
	regional.Get("/staf/klinik", s.handle(s.staffClinics))
	regional.Get("/staf/klinik/baru", s.handle(s.clinicNew))
	regional.Post("/staf/klinik/baru", s.handle(s.clinicCreate))
	regional.Get("/staf/klinik/{id}", s.handle(s.clinicManage))
	regional.Get("/staf/klinik/{id}/ubah", s.handle(s.clinicEditPage))
	regional.Post("/staf/klinik/{id}/ubah", s.handle(s.clinicUpdate))
	regional.Post("/staf/klinik/{id}/terbitkan", s.handle(s.clinicPublish))
	regional.Post("/staf/klinik/{id}/batalkan", s.handle(s.clinicCancel))
	regional.Post("/staf/klinik/{id}/nominasi", s.handle(s.clinicNominate))
	regional.Post("/staf/klinik/{id}/peserta/{rid}/batal", s.handle(s.clinicCancelRegistration))
	regional.Get("/staf/klinik/{id}/undangan", s.handle(s.clinicInvitePage))
	regional.Post("/staf/klinik/{id}/undangan", s.handle(s.clinicInvite))
	regional.Get("/staf/klinik/{id}/undangan.pdf", s.handle(s.clinicLetters))
	regional.Get("/staf/klinik/{id}/undangan.zip", s.handle(s.clinicLetters))
	regional.Get("/staf/klinik/{id}/presensi", s.handle(s.clinicCheckInPage))
	regional.Post("/staf/klinik/{id}/presensi", s.handle(s.clinicCheckIn))
	regional.Post("/staf/klinik/{id}/presensi/daftar", s.handle(s.clinicCheckInList))
	regional.Get("/staf/klinik/{id}/hitungan", s.handle(s.clinicCounts))
	regional.Get("/staf/klinik/{id}/presensi.xlsx", s.handle(s.clinicExport))
	regional.Get("/staf/klinik/{id}/presensi.csv", s.handle(s.clinicExport))
	regional.Get("/staf/klinik/{id}/peserta.xlsx", s.handle(s.clinicExport))
	regional.Get("/staf/klinik/{id}/peserta.csv", s.handle(s.clinicExport))
	regional.Get("/staf/klinik/{id}/impor", s.handle(s.clinicImportPage))
	regional.Post("/staf/klinik/{id}/impor", s.handle(s.clinicImportUpload))
	regional.Get("/staf/klinik/{id}/impor/{token}", s.handle(s.clinicImportShow))
	regional.Post("/staf/klinik/{id}/impor/{token}", s.handle(s.clinicImportCommit))
	// integrity (issue 11): confirm before cancelling a participant; certificate tools
	regional.Get("/staf/klinik/{id}/peserta/{rid}/batal", s.handle(s.clinicCancelRegistrationPage))
	regional.Get("/staf/klinik/{id}/sertifikat", s.handle(s.clinicCertificates))
	regional.Get("/staf/klinik/{id}/sertifikat.pdf", s.handle(s.clinicCertificatesDownload))
	regional.Get("/staf/klinik/{id}/sertifikat.zip", s.handle(s.clinicCertificatesDownload))
	regional.Get("/staf/klinik/{id}/sertifikat/{rid}/unduh", s.handle(s.clinicCertificateOne))
	regional.Get("/staf/klinik/{id}/sertifikat/{rid}/cabut", s.handle(s.clinicRevokePage))
	regional.Post("/staf/klinik/{id}/sertifikat/{rid}/cabut", s.handle(s.clinicRevoke))
}
