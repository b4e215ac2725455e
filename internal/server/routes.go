package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"penggerak/internal/account"
	"penggerak/web"
)

// Role sets used by route groups.
var (
	staff     = []account.Role{account.RoleAdmin, account.RoleBGP, account.RoleDinas}
	adminOnly = []account.Role{account.RoleAdmin}
)

// routes declares every route and who may use it. Deny by default: a route outside the public
// group sits behind requireSignIn or requireRole. The authorization matrix test
// (authz_test.go) walks this router and fails on a route without an entry.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	if s.cfg.TrustProxy {
		r.Use(middleware.RealIP) // behind a proxy: the client's address for rate limits and audit
	}
	// GetHead answers HEAD on every GET route (the GET handler runs; net/http drops the body).
	r.Use(middleware.GetHead, middleware.RequestID, s.logRequests, s.recoverPanics,
		s.limitInFlight, s.deadline, s.securityHeaders, Compress(), limitBody)
	withSession := func(h http.HandlerFunc) http.HandlerFunc {
		return s.loadAndSave(s.loadPrincipal(h)).ServeHTTP
	}
	r.NotFound(withSession(s.notFound))
	mux := r
	r.MethodNotAllowed(withSession(func(w http.ResponseWriter, r *http.Request) {
		// A POST address in the address bar (a refused form is shown at the URL it was posted to)
		// answers GET: reloading or reopening it goes to the page the form lives on instead of a
		// 405 page (issue 11).
		if r.Method == http.MethodGet {
			if to := getFallback(mux, r.URL.Path); to != "" {
				if r.URL.RawQuery != "" {
					to += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, to, http.StatusSeeOther)
				return
			}
		}
		s.clientError(w, r, http.StatusMethodNotAllowed, "error.400")
	}))

	// Operations.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	// /metrics is not on the public address: see MetricsHandler (METRICS_ADDR).
	r.Method(http.MethodGet, "/static/*", web.StaticHandler())

	// Everything below runs with the session and the signed-in user loaded.
	r.Group(func(r chi.Router) {
		r.Use(s.loadAndSave, s.loadPrincipal, s.cleanInput)
		s.appRoutes(r)
	})
	return r
}

// appRoutes are the application's pages, grouped by who may use them.
func (s *Server) appRoutes(r chi.Router) {
	// Public.
	r.Group(func(r chi.Router) {
		r.With(publicPage).Get("/", s.home)
		r.With(publicPage).Get("/tentang-data", s.dataNotice)
		r.Post("/bahasa", s.handle(s.setLanguage))
		r.With(publicPage).Get("/masuk", s.signInPage)
		r.Post("/masuk", s.handle(s.signIn))
		// accounts: public routes
		// clinics: public routes
		r.With(publicPage).Get("/klinik", s.handle(s.clinicList))
		r.With(publicPage).Get("/klinik/{id}", s.handle(s.clinicPage))
		r.Get("/tiket/{token}", s.handle(s.ticketPage))
		r.Get("/tiket/{token}/pdf", s.handle(s.ticketPDF))
		r.Get("/tiket/{token}/sertifikat", s.handle(s.ticketCertificate))
		r.Post("/tiket/{token}/batal", s.handle(s.ticketCancel))
		r.Post("/tiket/{token}/umpan-balik", s.handle(s.ticketFeedback))
		r.Get("/sertifikat", s.handle(s.certificateVerify))
		// training (issue 10): verification of a Sertifikat Guru Penggerak (the QR code's page)
		r.Get("/sertifikat/guru-penggerak/{token}", s.handle(s.gpVerify))
		// integrity (issue 11): a fresh emailed link to manage a registration without an account
		r.Post("/tiket/{token}/tautan", s.handle(s.ticketLink))
		r.With(publicPage).Get("/daftar", s.handle(s.signUpPage))
		r.Post("/daftar", s.handle(s.signUp))
		r.With(publicPage).Get("/verifikasi/kirim-ulang", s.handle(s.resendVerificationPage))
		r.Post("/verifikasi/kirim-ulang", s.handle(s.resendVerification))
		r.Get("/verifikasi/{token}", s.handle(s.verifyEmailPage))
		r.Post("/verifikasi/{token}", s.handle(s.verifyEmail))
		r.With(publicPage).Get("/lupa-sandi", s.handle(s.forgotPasswordPage))
		r.Post("/lupa-sandi", s.handle(s.forgotPassword))
		r.Get("/atur-ulang-sandi/{token}", s.handle(s.resetPasswordPage))
		r.Post("/atur-ulang-sandi/{token}", s.handle(s.resetPassword))
	})

	// Any signed-in user.
	r.Group(func(r chi.Router) {
		r.Use(s.requireSignIn)
		r.Get("/dasbor", s.dashboard)
		r.Post("/keluar", s.handle(s.signOut))
		// accounts: signed-in routes
		// clinics: signed-in routes
		r.Get("/klinik/saya", s.handle(s.clinicMine))
		r.Get("/klinik/{id}/daftar", s.handle(s.clinicRegisterForm))
		r.Post("/klinik/{id}/daftar", s.handle(s.clinicRegister))
		r.Get("/akun/sandi", s.handle(s.changePasswordPage))
		r.Post("/akun/sandi", s.handle(s.changePassword))
	})

	// Teachers.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleGuru))
		// profile: teacher routes
		r.Get("/profil", s.handle(s.profilePage))
		r.Post("/profil", s.handle(s.saveProfile))
		r.Get("/profil/sekolah", s.handle(s.schoolSearch))
		// recruitment: teacher routes
		r.Get("/pendaftaran/{cohortID}", s.applyPage)
		r.Post("/pendaftaran/{cohortID}", s.applyStart)
		r.Get("/lamaran/{id}/tanda-terima", s.applicationReceipt)
		r.Get("/lamaran/{id}/tanda-terima.pdf", s.applicationReceiptPDF)
		r.Get("/lamaran/{id}/tanda-terima/cetak", s.applicationReceiptPrint)
		r.Get("/lamaran/{id}/{step}", s.applicationStep)
		r.Post("/lamaran/{id}/profil", s.applicationConfirmProfile)
		r.Post("/lamaran/{id}/cv", s.applicationAddCV)
		r.Post("/lamaran/{id}/cv/{entryID}/hapus", s.applicationDeleteCV)
		r.Get("/lamaran/{id}/cv/{entryID}/ubah", s.applicationEditCV)
		r.Post("/lamaran/{id}/cv/{entryID}", s.applicationUpdateCV)
		r.Post("/lamaran/{id}/esai", s.applicationSaveEssays)
		r.Post("/lamaran/{id}/esai/draf", s.applicationAutosave)
		r.Post("/lamaran/{id}/dokumen/{docID}", s.applicationUpload)
		r.Post("/lamaran/{id}/persetujuan", s.applicationConsent)
		r.Post("/lamaran/{id}/kirim", s.applicationSubmit)
		r.Post("/lamaran/{id}/tarik", s.applicationWithdraw)
	})

	// National admin.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(adminOnly...))
		// schools: admin routes
		r.Get("/admin/sekolah", s.handle(s.adminSchools))
		r.Post("/admin/sekolah/impor", s.handle(s.importSchools))
		// reports (issue 13): the school import with a preview and an explicit, single commit
		r.Post("/admin/sekolah/impor/pratinjau", s.handle(s.importSchoolsPreview))
		r.Get("/admin/sekolah/impor/{token}", s.handle(s.importSchoolsShow))
		r.Post("/admin/sekolah/impor/{token}", s.handle(s.importSchoolsCommit))
		// recruitment: admin routes
		r.Get("/admin/angkatan", s.handle(s.cohortList))
		r.Get("/admin/angkatan/baru", s.cohortNew)
		r.Post("/admin/angkatan", s.handle(s.cohortCreate))
		r.Get("/admin/angkatan/{id}", s.handle(s.cohortDetail))
		r.Get("/admin/angkatan/{id}/ubah", s.handle(s.cohortEdit))
		r.Post("/admin/angkatan/{id}", s.handle(s.cohortUpdate))
		r.Post("/admin/angkatan/{id}/sasaran", s.handle(s.cohortSetTarget))
		r.Post("/admin/angkatan/{id}/sasaran/hapus", s.handle(s.cohortRemoveTarget))
		r.Post("/admin/angkatan/{id}/sasaran/impor", s.handle(s.cohortImportTargets))
		r.Get("/admin/angkatan/{id}/sasaran/impor/{token}", s.handle(s.cohortTargetsPreview))
		r.Post("/admin/angkatan/{id}/sasaran/impor/{token}", s.handle(s.cohortCommitTargets))
		r.Post("/admin/angkatan/{id}/esai", s.handle(s.cohortAddQuestion))
		r.Post("/admin/angkatan/{id}/esai/{qid}/hapus", s.handle(s.cohortRemoveQuestion))
		r.Post("/admin/angkatan/{id}/dokumen", s.handle(s.cohortAddDocument))
		r.Post("/admin/angkatan/{id}/dokumen/{did}/hapus", s.handle(s.cohortRemoveDocument))
		r.Post("/admin/angkatan/{id}/status", s.handle(s.cohortTransition))
		r.Post("/admin/angkatan/{id}/salin", s.handle(s.cohortCopy))
		r.Post("/admin/angkatan/{id}/verval/bagi", s.handle(s.vervalAutoAssign))
		r.Post("/admin/angkatan/{id}/verval/tugaskan", s.handle(s.vervalAssign))
		// verval assignment: dry run, undo of a whole batch, bulk reassignment (issue 12)
		r.Get("/admin/angkatan/{id}/verval/bagi", s.handle(s.vervalPreview))
		r.Post("/admin/angkatan/{id}/verval/penugasan/{batch}/batal", s.handle(s.undoVervalBatch))
		r.Post("/admin/angkatan/{id}/verval/pindah", s.handle(s.moveVervalMany))
		// audit: admin routes
		r.Get("/admin/audit", s.handle(s.auditLog))
		r.Get("/admin/audit/verifikasi", s.handle(s.auditVerify))
		// deletion: personal-data deletion requests (SECURITY.md 19)
		r.Get("/admin/permintaan-hapus", s.handle(s.deletionRequests))
		r.Post("/admin/permintaan-hapus/{id}", s.handle(s.decideDeletion))
	})

	// Staff: admin, BGP, Dinas (each handler scopes its queries to the user's region).
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staff...))
		// users: staff routes
		r.Get("/wilayah", s.handle(s.regionIndex))
		r.Get("/wilayah/{kode}", s.handle(s.regionPage))
		r.Group(func(r chi.Router) {
			// Only the national admin and BGP admins administer users; dinas is refused (403).
			r.Use(s.requireRole(account.RoleAdmin, account.RoleBGP))
			r.Get("/admin/pengguna", s.handle(s.userList))
			r.Get("/admin/pengguna/{id}", s.handle(s.userDetail))
			r.Post("/admin/pengguna/{id}/peran", s.handle(s.grantRole))
			r.Post("/admin/pengguna/{id}/peran/{grant}/cabut", s.handle(s.revokeRole))
		})
		// clinics: staff routes
		r.Get("/staf/klinik", s.handle(s.staffClinics))
		r.Get("/staf/klinik/baru", s.handle(s.clinicNew))
		r.Post("/staf/klinik/baru", s.handle(s.clinicCreate))
		r.Get("/staf/klinik/{id}", s.handle(s.clinicManage))
		r.Get("/staf/klinik/{id}/ubah", s.handle(s.clinicEditPage))
		r.Post("/staf/klinik/{id}/ubah", s.handle(s.clinicUpdate))
		r.Post("/staf/klinik/{id}/terbitkan", s.handle(s.clinicPublish))
		r.Post("/staf/klinik/{id}/batalkan", s.handle(s.clinicCancel))
		r.Post("/staf/klinik/{id}/nominasi", s.handle(s.clinicNominate))
		r.Post("/staf/klinik/{id}/peserta/{rid}/batal", s.handle(s.clinicCancelRegistration))
		r.Get("/staf/klinik/{id}/undangan", s.handle(s.clinicInvitePage))
		r.Post("/staf/klinik/{id}/undangan", s.handle(s.clinicInvite))
		r.Get("/staf/klinik/{id}/undangan.pdf", s.handle(s.clinicLetters))
		r.Get("/staf/klinik/{id}/undangan.zip", s.handle(s.clinicLetters))
		r.Get("/staf/klinik/{id}/presensi", s.handle(s.clinicCheckInPage))
		r.Post("/staf/klinik/{id}/presensi", s.handle(s.clinicCheckIn))
		r.Post("/staf/klinik/{id}/presensi/daftar", s.handle(s.clinicCheckInList))
		r.Get("/staf/klinik/{id}/hitungan", s.handle(s.clinicCounts))
		r.Get("/staf/klinik/{id}/presensi.xlsx", s.handle(s.clinicExport))
		r.Get("/staf/klinik/{id}/presensi.csv", s.handle(s.clinicExport))
		r.Get("/staf/klinik/{id}/peserta.xlsx", s.handle(s.clinicExport))
		r.Get("/staf/klinik/{id}/peserta.csv", s.handle(s.clinicExport))
		r.Get("/staf/klinik/{id}/impor", s.handle(s.clinicImportPage))
		r.Post("/staf/klinik/{id}/impor", s.handle(s.clinicImportUpload))
		r.Get("/staf/klinik/{id}/impor/{token}", s.handle(s.clinicImportShow))
		r.Post("/staf/klinik/{id}/impor/{token}", s.handle(s.clinicImportCommit))
		// integrity (issue 11): confirm before cancelling a participant; certificate tools
		r.Get("/staf/klinik/{id}/peserta/{rid}/batal", s.handle(s.clinicCancelRegistrationPage))
		r.Get("/staf/klinik/{id}/sertifikat", s.handle(s.clinicCertificates))
		r.Get("/staf/klinik/{id}/sertifikat.pdf", s.handle(s.clinicCertificatesDownload))
		r.Get("/staf/klinik/{id}/sertifikat.zip", s.handle(s.clinicCertificatesDownload))
		r.Get("/staf/klinik/{id}/sertifikat/{rid}/unduh", s.handle(s.clinicCertificateOne))
		r.Get("/staf/klinik/{id}/sertifikat/{rid}/cabut", s.handle(s.clinicRevokePage))
		r.Post("/staf/klinik/{id}/sertifikat/{rid}/cabut", s.handle(s.clinicRevoke))
		// recruitment: regional watching (read-only, scoped in SQL)
		r.Get("/pantau/lamaran", s.watchList)
		r.Get("/pantau/lamaran/{id}", s.watchView)
	})

	// recruitment: verval by assessors, and documents for those allowed to see them.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleAsesor))
		r.Get("/verval", s.handle(s.vervalQueue))
		r.Get("/verval/{id}", s.handle(s.vervalReview))
		r.Post("/verval/{id}/dokumen/{docID}", s.handle(s.vervalDecide))
		r.Post("/verval/{id}/selesai", s.handle(s.vervalFinish))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireSignIn)
		r.Get("/berkas/{docID}", s.documentDownload)
	})

	// selection: national admin routes (rubrics, assignment, runs, publication, pembekalan)
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(adminOnly...))
		r.Get("/admin/seleksi", s.handle(s.selectionHome))
		r.Get("/admin/seleksi/{cohort}", s.handle(s.selectionCohort))
		r.Get("/admin/seleksi/{cohort}/rubrik/{stage}", s.handle(s.rubricPage))
		r.Post("/admin/seleksi/{cohort}/rubrik/{stage}", s.handle(s.saveRubric))
		r.Post("/admin/seleksi/{cohort}/tugaskan/{stage}", s.handle(s.autoAssign))
		r.Get("/admin/seleksi/{cohort}/beban", s.handle(s.workload))
		r.Post("/admin/seleksi/lembar/{sheet}/pindah", s.handle(s.reassign))
		r.Post("/admin/seleksi/{cohort}/hasil", s.handle(s.createRun))
		r.Post("/admin/seleksi/hasil/{run}/umumkan", s.handle(s.publishRun))
		r.Get("/admin/seleksi/hasil/{run}/pembekalan", s.handle(s.seatsPage))
		r.Post("/admin/seleksi/hasil/{run}/pembekalan/kedaluwarsa", s.handle(s.expireSeats))
		r.Post("/admin/seleksi/hasil/{run}/pembekalan/{seat}/hadir", s.handle(s.attendSeat))
		r.Post("/admin/seleksi/hasil/{run}/pembekalan/{seat}/absen", s.handle(s.absentSeat))
		r.Get("/admin/seleksi/{cohort}/jadwal", s.handle(s.schedulePage))
		r.Post("/admin/seleksi/{cohort}/jadwal", s.handle(s.scheduleTahap2))
		r.Post("/admin/seleksi/jadwal/{slot}/ubah", s.handle(s.approveReschedule))
		r.Post("/admin/seleksi/jadwal/{slot}/status", s.handle(s.markSlot))
	})

	// selection: result review (admin, BGP, Dinas; each query limited to the viewer's region)
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staff...))
		r.Get("/seleksi/hasil", s.handle(s.runsPage))
		r.Get("/seleksi/hasil/{run}", s.handle(s.runPage))
	})

	// selection: BGP sign-off
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleBGP))
		r.Post("/seleksi/hasil/{run}/setujui", s.handle(s.signOffRun))
	})

	// selection: assessor scoring
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleAsesor))
		r.Get("/asesor/penilaian", s.handle(s.assessorSheets))
		r.Get("/asesor/penilaian/{sheet}", s.handle(s.sheetPage))
		r.Post("/asesor/penilaian/{sheet}", s.handle(s.saveSheet))
		r.Get("/asesor/penilaian/{sheet}/berkas/{doc}", s.handle(s.sheetDocument))
	})

	// selection: applicant results and pembekalan
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleGuru))
		r.Get("/seleksi/saya", s.handle(s.myResult))
		r.Post("/seleksi/kursi/{seat}/konfirmasi", s.handle(s.confirmSeat))
		r.Post("/seleksi/kursi/{seat}/tolak", s.handle(s.declineSeat))
		r.Post("/seleksi/jadwal/{slot}/ubah", s.handle(s.requestReschedule))
	})

	// appeals (sanggah), issue 12: the applicant files; the national admin and the BGP (its
	// province, read-only) see the queue; the national admin rejects, upholds and corrects.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleGuru))
		r.Post("/seleksi/saya/hasil/{run}/sanggah", s.handle(s.fileAppeal))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleAdmin, account.RoleBGP))
		r.Get("/seleksi/sanggah", s.handle(s.appealsPage))
		r.Get("/seleksi/sanggah/{appeal}", s.handle(s.appealPage))
		r.Get("/seleksi/sanggah/{appeal}/berkas", s.handle(s.appealFile))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(adminOnly...))
		r.Post("/admin/seleksi/sanggah/{appeal}/tolak", s.handle(s.rejectAppeal))
		r.Post("/admin/seleksi/sanggah/{appeal}/terima", s.handle(s.upholdAppeal))
		r.Post("/admin/seleksi/sanggah/{appeal}/koreksi", s.handle(s.correctAppeal))
		// bulk assignment: dry run and undo of a whole batch (issue 12)
		r.Get("/admin/seleksi/{cohort}/tugaskan/{stage}", s.handle(s.assignPreview))
		r.Post("/admin/seleksi/{cohort}/penugasan/{batch}/batal", s.handle(s.undoBatch))
	})

	// mail: the staff outbox and the review outbox of held decision mails (issue 12)
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(adminOnly...))
		r.Get("/admin/surat", s.handle(s.staffOutbox))
		r.Get("/admin/surat/tinjau", s.handle(s.mailReview))
		r.Post("/admin/surat/tinjau/lepas", s.handle(s.releaseMail))
		// reminder offsets per cohort (issue 12)
		r.Get("/admin/seleksi/{cohort}/pengingat", s.handle(s.remindersPage))
		r.Post("/admin/seleksi/{cohort}/pengingat", s.handle(s.saveReminders))
		r.Post("/admin/seleksi/{cohort}/pindah-lembar", s.handle(s.moveSheets))
	})
	// BGP review that can object: the BGP returns its province's part of a run with comments per
	// kab/kota; the national admin answers with a reply or a correction run (issue 12)
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleBGP))
		r.Post("/seleksi/hasil/{run}/kembalikan", s.handle(s.returnRun))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(adminOnly...))
		r.Post("/admin/seleksi/hasil/{run}/keberatan/{objection}/jawab", s.handle(s.answerObjection))
	})

	// profile: personal data rights of any signed-in user (UU PDP; SECURITY.md 19).
	r.Group(func(r chi.Router) {
		r.Use(s.requireSignIn)
		r.Get("/profil/data-saya", s.handle(s.myData))
		r.Get("/profil/data-saya/unduh", s.handle(s.downloadMyData))
		// integrity (issue 11): the personal-data download as a readable PDF too
		r.Get("/profil/data-saya/unduh.pdf", s.handle(s.downloadMyData))
		r.Post("/profil/data-saya/hapus", s.handle(s.requestDeletion))
	})

	// training: pendidikan — roster, PP/fasilitator appointments, groups (issue 10). Each query is
	// scoped in the training store's SQL; writes only by a BGP of the province.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staff...))
		r.Get("/pelatihan", s.handle(s.trainingIndex))
		r.Get("/pelatihan/{cohort}/{prov}", s.handle(s.trainingProvince))
		r.Get("/pelatihan/{cohort}/{prov}/kelulusan", s.handle(s.graduationPage))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleBGP))
		r.Post("/pelatihan/{cohort}/{prov}/penunjukan", s.handle(s.trainingAppoint))
		r.Post("/pelatihan/{cohort}/{prov}/usulan", s.handle(s.trainingPropose))
		r.Post("/pelatihan/{cohort}/{prov}/pindah", s.handle(s.trainingMove))
		r.Post("/pelatihan/{cohort}/{prov}/ganti-pp", s.handle(s.trainingSwapPP))
		r.Get("/pelatihan/{cohort}/{prov}/konfirmasi", s.handle(s.trainingConfirmPage))
		r.Post("/pelatihan/{cohort}/{prov}/konfirmasi", s.handle(s.trainingConfirm))
		r.Post("/pelatihan/{cohort}/{prov}/lokakarya", s.handle(s.trainingSchedule))
		r.Post("/pelatihan/{cohort}/{prov}/kelulusan", s.handle(s.decideGraduation))
	})
	r.Group(func(r chi.Router) {
		// The per-cohort training settings: the national admin only.
		r.Use(s.requireRole(account.RoleAdmin))
		r.Get("/pelatihan/{cohort}/pengaturan", s.handle(s.trainingSettingsPage))
		r.Post("/pelatihan/{cohort}/pengaturan", s.handle(s.saveTrainingSettings))
	})
	r.Group(func(r chi.Router) {
		// Attendance: the group's PP (own mentees) or the province's BGP, scoped in the SQL.
		r.Use(s.requireRole(account.RolePengajarPraktik, account.RoleBGP))
		r.Get("/lokakarya/{id}/presensi", s.handle(s.attendancePage))
		r.Post("/lokakarya/{id}/presensi", s.handle(s.saveAttendance))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireSignIn)
		r.Get("/pelatihan/kelompok/{group}", s.handle(s.trainingGroup))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleGuru))
		r.Get("/pelatihan/saya", s.handle(s.trainingMine))
		r.Post("/pelatihan/kunjungan/{visit}/tanggapan", s.handle(s.acknowledgeVisit))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RolePengajarPraktik))
		r.Get("/pendampingan", s.handle(s.ppMentees))
		r.Get("/pendampingan/peserta/{participant}", s.handle(s.ppMentee))
		r.Post("/pendampingan/peserta/{participant}/rencana", s.handle(s.planVisit))
		r.Get("/pendampingan/kunjungan/{visit}", s.handle(s.visitPage))
		r.Post("/pendampingan/kunjungan/{visit}", s.handle(s.saveVisit))
		r.Post("/pendampingan/kunjungan/{visit}/draf", s.handle(s.autosaveVisit))
		r.Post("/pendampingan/peserta/{participant}/penilaian", s.recordAssessment("pengajar_praktik", "/pendampingan/peserta/"))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleFasilitator))
		r.Get("/kelas", s.handle(s.fasClasses))
		r.Get("/kelas/peserta/{participant}", s.handle(s.progressPage))
		r.Post("/kelas/peserta/{participant}", s.handle(s.saveProgress))
		r.Get("/kelas/impor", s.handle(s.importPage))
		r.Post("/kelas/impor", s.handle(s.importPreview))
		r.Post("/kelas/impor/simpan", s.handle(s.importCommit))
		r.Post("/kelas/peserta/{participant}/penilaian", s.recordAssessment("fasilitator", "/kelas/peserta/"))
	})
	// training certificates (issue 10): the graduate's download,
	// the BGP's (its province) and national admin's downloads, ZIP and revocation, and the
	// register of Guru Penggerak for staff (scoped in SQL).
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleGuru))
		r.Get("/pelatihan/saya/sertifikat/{cert}", s.handle(s.myCertificatePDF))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleAdmin, account.RoleBGP))
		r.Get("/pelatihan/{cohort}/{prov}/sertifikat", s.handle(s.provinceCertificates))
		r.Get("/pelatihan/{cohort}/{prov}/sertifikat.zip", s.handle(s.provinceCertificatesZIP))
		r.Get("/pelatihan/sertifikat/{cert}/unduh", s.handle(s.staffCertificatePDF))
		r.Get("/pelatihan/sertifikat/{cert}/cabut", s.handle(s.certificateRevokePage))
		r.Post("/pelatihan/sertifikat/{cert}/cabut", s.handle(s.certificateRevoke))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staff...))
		r.Get("/guru-penggerak", s.handle(s.guruPenggerakRegister))
		r.Get("/guru-penggerak/ekspor", s.handle(s.guruPenggerakExport))
	})
	// reports (issue 13): dashboards per cohort and the clinic report for admin, BGP and Dinas,
	// each figure counted inside the viewer's region scope in SQL.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staff...))
		r.Get("/laporan", s.handle(s.reportIndex))
		r.Get("/laporan/angkatan/{cohort}", s.handle(s.reportDashboard))
		r.Get("/laporan/klinik", s.handle(s.reportClinics))
		// exports: ?format=xlsx|csv, streamed to a temporary file, audited, then sent
		r.Get("/ekspor/lamaran", s.handle(s.exportApplications))
		r.Get("/ekspor/verval", s.handle(s.exportVerval))
		r.Get("/ekspor/hasil/{run}", s.handle(s.exportRun))
		// a large export is queued by posting to its own address (exportjobs.go); the owner
		// follows it on its page and downloads the file there
		r.Post("/ekspor/lamaran", s.handle(s.exportApplications))
		r.Post("/ekspor/verval", s.handle(s.exportVerval))
		r.Post("/ekspor/hasil/{run}", s.handle(s.exportRun))
		r.Get("/ekspor/tugas", s.handle(s.exportJobList))
		r.Get("/ekspor/tugas/{id}", s.handle(s.exportJobPage))
		r.Get("/ekspor/tugas/{id}/unduh", s.handle(s.exportJobDownload))
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(account.RoleAdmin, account.RoleBGP))
			r.Get("/ekspor/pengguna", s.handle(s.exportUsers))
			r.Post("/ekspor/pengguna", s.handle(s.exportUsers))
			r.Get("/laporan/asesor", s.handle(s.reportAssessors))
			// assessor list import with a preview (e-mail + scope → asesor grant)
			r.Get("/admin/impor/asesor", s.handle(s.assessorImportPage))
			r.Post("/admin/impor/asesor", s.handle(s.assessorImportUpload))
			r.Get("/admin/impor/asesor/{token}", s.handle(s.assessorImportShow))
			r.Post("/admin/impor/asesor/{token}", s.handle(s.assessorImportCommit))
			r.Get("/ekspor/asesor", s.handle(s.exportAssessors))
		})
	})

	// help (issue 11): the applicants' help and contact page and the blank Pakta Integritas
	// form are public; the contacts are edited by the admin (all) and a BGP (own province).
	r.With(publicPage).Get("/bantuan", s.handle(s.helpPage))
	r.Get("/bantuan/pakta-integritas.pdf", s.handle(s.paktaTemplate))
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleAdmin, account.RoleBGP))
		r.Get("/staf/bantuan", s.handle(s.helpAdmin))
		r.Get("/staf/bantuan/{scope}", s.handle(s.helpEdit))
		r.Post("/staf/bantuan/{scope}", s.handle(s.helpSave))
	})

	// Development only.
	if s.cfg.Dev() {
		r.Group(func(r chi.Router) {
			// mail: development outbox
			r.Get("/dev/outbox", s.handle(s.devOutbox))
		})
	}
}
