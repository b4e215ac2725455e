package server

import (
	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
)

// trainingRoutes: pendidikan (issue 10), each query scoped in the training store's SQL. Staff
// see the roster per province and its graduation; a BGP of the province appoints PP and
// fasilitator, forms the groups, schedules lokakarya and decides graduation; the national
// admin sets each cohort's training settings; the group's PP or the province's BGP takes
// lokakarya attendance; a signed-in user sees a group the handler finds theirs.
func (s *Server) trainingRoutes(r chi.Router) {
	regional := r.With(s.requireRole(staff...))
	regional.Get("/pelatihan", s.handle(s.trainingIndex))
	regional.Get("/pelatihan/{cohort}/{prov}", s.handle(s.trainingProvince))
	regional.Get("/pelatihan/{cohort}/{prov}/kelulusan", s.handle(s.graduationPage))

	bgp := r.With(s.requireRole(account.RoleBGP))
	bgp.Post("/pelatihan/{cohort}/{prov}/penunjukan", s.handle(s.trainingAppoint))
	bgp.Post("/pelatihan/{cohort}/{prov}/usulan", s.handle(s.trainingPropose))
	bgp.Post("/pelatihan/{cohort}/{prov}/pindah", s.handle(s.trainingMove))
	bgp.Post("/pelatihan/{cohort}/{prov}/ganti-pp", s.handle(s.trainingSwapPP))
	bgp.Get("/pelatihan/{cohort}/{prov}/konfirmasi", s.handle(s.trainingConfirmPage))
	bgp.Post("/pelatihan/{cohort}/{prov}/konfirmasi", s.handle(s.trainingConfirm))
	bgp.Post("/pelatihan/{cohort}/{prov}/lokakarya", s.handle(s.trainingSchedule))
	bgp.Post("/pelatihan/{cohort}/{prov}/kelulusan", s.handle(s.decideGraduation))

	admin := r.With(s.requireRole(account.RoleAdmin))
	admin.Get("/pelatihan/{cohort}/pengaturan", s.handle(s.trainingSettingsPage))
	admin.Post("/pelatihan/{cohort}/pengaturan", s.handle(s.saveTrainingSettings))

	attendance := r.With(s.requireRole(account.RolePengajarPraktik, account.RoleBGP))
	attendance.Get("/lokakarya/{id}/presensi", s.handle(s.attendancePage))
	attendance.Post("/lokakarya/{id}/presensi", s.handle(s.saveAttendance))

	r.With(s.requireSignIn).Get("/pelatihan/kelompok/{group}", s.handle(s.trainingGroup))
}

// mentoringRoutes: the participant's own training and acknowledgement of a visit; the PP's
// mentees (pendampingan), visits and assessments; the fasilitator's classes, progress per
// participant, its import and assessments.
func (s *Server) mentoringRoutes(r chi.Router) {
	guru := r.With(s.requireRole(account.RoleGuru))
	guru.Get("/pelatihan/saya", s.handle(s.trainingMine))
	guru.Post("/pelatihan/kunjungan/{visit}/tanggapan", s.handle(s.acknowledgeVisit))

	pp := r.With(s.requireRole(account.RolePengajarPraktik))
	pp.Get("/pendampingan", s.handle(s.ppMentees))
	pp.Get("/pendampingan/peserta/{participant}", s.handle(s.ppMentee))
	pp.Post("/pendampingan/peserta/{participant}/rencana", s.handle(s.planVisit))
	pp.Get("/pendampingan/kunjungan/{visit}", s.handle(s.visitPage))
	pp.Post("/pendampingan/kunjungan/{visit}", s.handle(s.saveVisit))
	pp.Post("/pendampingan/kunjungan/{visit}/draf", s.handle(s.autosaveVisit))
	pp.Post("/pendampingan/peserta/{participant}/penilaian", s.handle(s.recordAssessment("pengajar_praktik", "/pendampingan/peserta/")))

	fasilitator := r.With(s.requireRole(account.RoleFasilitator))
	fasilitator.Get("/kelas", s.handle(s.fasClasses))
	fasilitator.Get("/kelas/peserta/{participant}", s.handle(s.progressPage))
	fasilitator.Post("/kelas/peserta/{participant}", s.handle(s.saveProgress))
	fasilitator.Get("/kelas/impor", s.handle(s.importPage))
	fasilitator.Post("/kelas/impor", s.handle(s.importPreview))
	fasilitator.Post("/kelas/impor/simpan", s.handle(s.importCommit))
	fasilitator.Post("/kelas/peserta/{participant}/penilaian", s.handle(s.recordAssessment("fasilitator", "/kelas/peserta/")))
}

// trainingCertificateRoutes: Sertifikat Guru Penggerak (issue 10). Anyone verifies one from
// its QR code; the graduate downloads theirs; the BGP (its province) and the national admin
// download them one by one or as a ZIP and revoke them; staff keep the register of Guru
// Penggerak (scoped in SQL).
func (s *Server) trainingCertificateRoutes(r chi.Router) {
	r.Get("/sertifikat/guru-penggerak/{token}", s.handle(s.gpVerify))

	r.With(s.requireRole(account.RoleGuru)).Get("/pelatihan/saya/sertifikat/{cert}", s.handle(s.myCertificatePDF))

	issuers := r.With(s.requireRole(account.RoleAdmin, account.RoleBGP))
	issuers.Get("/pelatihan/{cohort}/{prov}/sertifikat", s.handle(s.provinceCertificates))
	issuers.Get("/pelatihan/{cohort}/{prov}/sertifikat.zip", s.handle(s.provinceCertificatesZIP))
	issuers.Get("/pelatihan/sertifikat/{cert}/unduh", s.handle(s.staffCertificatePDF))
	issuers.Get("/pelatihan/sertifikat/{cert}/cabut", s.handle(s.certificateRevokePage))
	issuers.Post("/pelatihan/sertifikat/{cert}/cabut", s.handle(s.certificateRevoke))

	regional := r.With(s.requireRole(staff...))
	regional.Get("/guru-penggerak", s.handle(s.guruPenggerakRegister))
	regional.Get("/guru-penggerak/ekspor", s.handle(s.guruPenggerakExport))
}
