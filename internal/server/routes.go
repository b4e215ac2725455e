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
	r.Use(middleware.GetHead, middleware.RequestID, s.logRequests, s.recoverPanics, s.securityHeaders,
		middleware.Compress(5, "text/html", "text/css", "text/javascript", "application/javascript", "text/csv"),
		limitBody)
	withSession := func(h http.HandlerFunc) http.HandlerFunc {
		return s.loadAndSave(s.loadPrincipal(h)).ServeHTTP
	}
	r.NotFound(withSession(s.notFound))
	r.MethodNotAllowed(withSession(func(w http.ResponseWriter, r *http.Request) {
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
		r.Post("/bahasa", s.setLanguage)
		r.With(publicPage).Get("/masuk", s.signInPage)
		r.Post("/masuk", s.signIn)
		// accounts: public routes
		// clinics: public routes
		r.With(publicPage).Get("/klinik", s.clinicList)
		r.With(publicPage).Get("/klinik/{id}", s.clinicPage)
		r.Get("/tiket/{token}", s.ticketPage)
		r.Get("/tiket/{token}/pdf", s.ticketPDF)
		r.Get("/tiket/{token}/sertifikat", s.ticketCertificate)
		r.Post("/tiket/{token}/batal", s.ticketCancel)
		r.Post("/tiket/{token}/umpan-balik", s.ticketFeedback)
		r.Get("/sertifikat", s.certificateVerify)
		r.With(publicPage).Get("/daftar", s.signUpPage)
		r.Post("/daftar", s.signUp)
		r.With(publicPage).Get("/verifikasi/kirim-ulang", s.resendVerificationPage)
		r.Post("/verifikasi/kirim-ulang", s.resendVerification)
		r.Get("/verifikasi/{token}", s.verifyEmailPage)
		r.Post("/verifikasi/{token}", s.verifyEmail)
		r.With(publicPage).Get("/lupa-sandi", s.forgotPasswordPage)
		r.Post("/lupa-sandi", s.forgotPassword)
		r.Get("/atur-ulang-sandi/{token}", s.resetPasswordPage)
		r.Post("/atur-ulang-sandi/{token}", s.resetPassword)
	})

	// Any signed-in user.
	r.Group(func(r chi.Router) {
		r.Use(s.requireSignIn)
		r.Get("/dasbor", s.dashboard)
		r.Post("/keluar", s.signOut)
		// accounts: signed-in routes
		// clinics: signed-in routes
		r.Get("/klinik/saya", s.clinicMine)
		r.Get("/klinik/{id}/daftar", s.clinicRegisterForm)
		r.Post("/klinik/{id}/daftar", s.clinicRegister)
		r.Get("/akun/sandi", s.changePasswordPage)
		r.Post("/akun/sandi", s.changePassword)
	})

	// Teachers.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleGuru))
		// profile: teacher routes
		r.Get("/profil", s.profilePage)
		r.Post("/profil", s.saveProfile)
		r.Get("/profil/sekolah", s.schoolSearch)
		// recruitment: teacher routes
		r.Get("/pendaftaran/{cohortID}", s.applyPage)
		r.Post("/pendaftaran/{cohortID}", s.applyStart)
		r.Get("/lamaran/{id}/tanda-terima", s.applicationReceipt)
		r.Get("/lamaran/{id}/{step}", s.applicationStep)
		r.Post("/lamaran/{id}/profil", s.applicationConfirmProfile)
		r.Post("/lamaran/{id}/cv", s.applicationAddCV)
		r.Post("/lamaran/{id}/cv/{entryID}/hapus", s.applicationDeleteCV)
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
		r.Get("/admin/sekolah", s.adminSchools)
		r.Post("/admin/sekolah/impor", s.importSchools)
		// recruitment: admin routes
		r.Get("/admin/angkatan", s.cohortList)
		r.Get("/admin/angkatan/baru", s.cohortNew)
		r.Post("/admin/angkatan", s.cohortCreate)
		r.Get("/admin/angkatan/{id}", s.cohortDetail)
		r.Get("/admin/angkatan/{id}/ubah", s.cohortEdit)
		r.Post("/admin/angkatan/{id}", s.cohortUpdate)
		r.Post("/admin/angkatan/{id}/sasaran", s.cohortSetTarget)
		r.Post("/admin/angkatan/{id}/sasaran/hapus", s.cohortRemoveTarget)
		r.Post("/admin/angkatan/{id}/sasaran/impor", s.cohortImportTargets)
		r.Post("/admin/angkatan/{id}/esai", s.cohortAddQuestion)
		r.Post("/admin/angkatan/{id}/esai/{qid}/hapus", s.cohortRemoveQuestion)
		r.Post("/admin/angkatan/{id}/dokumen", s.cohortAddDocument)
		r.Post("/admin/angkatan/{id}/dokumen/{did}/hapus", s.cohortRemoveDocument)
		r.Post("/admin/angkatan/{id}/status", s.cohortTransition)
		r.Post("/admin/angkatan/{id}/salin", s.cohortCopy)
		r.Post("/admin/angkatan/{id}/verval/bagi", s.vervalAutoAssign)
		r.Post("/admin/angkatan/{id}/verval/tugaskan", s.vervalAssign)
		// audit: admin routes
		r.Get("/admin/audit", s.auditLog)
		r.Get("/admin/audit/verifikasi", s.auditVerify)
		// deletion: personal-data deletion requests (SECURITY.md 19)
		r.Get("/admin/permintaan-hapus", s.deletionRequests)
		r.Post("/admin/permintaan-hapus/{id}", s.decideDeletion)
	})

	// Staff: admin, BGP, Dinas (each handler scopes its queries to the user's region).
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staff...))
		// users: staff routes
		r.Get("/wilayah", s.regionIndex)
		r.Get("/wilayah/{kode}", s.regionPage)
		r.Group(func(r chi.Router) {
			// Only the national admin and BGP admins administer users; dinas is refused (403).
			r.Use(s.requireRole(account.RoleAdmin, account.RoleBGP))
			r.Get("/admin/pengguna", s.userList)
			r.Get("/admin/pengguna/{id}", s.userDetail)
			r.Post("/admin/pengguna/{id}/peran", s.grantRole)
			r.Post("/admin/pengguna/{id}/peran/{grant}/cabut", s.revokeRole)
		})
		// clinics: staff routes
		r.Get("/staf/klinik", s.staffClinics)
		r.Get("/staf/klinik/baru", s.clinicNew)
		r.Post("/staf/klinik/baru", s.clinicCreate)
		r.Get("/staf/klinik/{id}", s.clinicManage)
		r.Get("/staf/klinik/{id}/ubah", s.clinicEditPage)
		r.Post("/staf/klinik/{id}/ubah", s.clinicUpdate)
		r.Post("/staf/klinik/{id}/terbitkan", s.clinicPublish)
		r.Post("/staf/klinik/{id}/batalkan", s.clinicCancel)
		r.Post("/staf/klinik/{id}/nominasi", s.clinicNominate)
		r.Post("/staf/klinik/{id}/peserta/{rid}/batal", s.clinicCancelRegistration)
		r.Get("/staf/klinik/{id}/undangan", s.clinicInvitePage)
		r.Post("/staf/klinik/{id}/undangan", s.clinicInvite)
		r.Get("/staf/klinik/{id}/undangan.pdf", s.clinicLetters)
		r.Get("/staf/klinik/{id}/undangan.zip", s.clinicLetters)
		r.Get("/staf/klinik/{id}/presensi", s.clinicCheckInPage)
		r.Post("/staf/klinik/{id}/presensi", s.clinicCheckIn)
		r.Post("/staf/klinik/{id}/presensi/daftar", s.clinicCheckInList)
		r.Get("/staf/klinik/{id}/hitungan", s.clinicCounts)
		r.Get("/staf/klinik/{id}/presensi.xlsx", s.clinicExport)
		r.Get("/staf/klinik/{id}/presensi.csv", s.clinicExport)
		// recruitment: regional watching (read-only, scoped in SQL)
		r.Get("/pantau/lamaran", s.watchList)
		r.Get("/pantau/lamaran/{id}", s.watchView)
	})

	// recruitment: verval by assessors, and documents for those allowed to see them.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleAsesor))
		r.Get("/verval", s.vervalQueue)
		r.Get("/verval/{id}", s.vervalReview)
		r.Post("/verval/{id}/dokumen/{docID}", s.vervalDecide)
		r.Post("/verval/{id}/selesai", s.vervalFinish)
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireSignIn)
		r.Get("/berkas/{docID}", s.documentDownload)
	})

	// selection: national admin routes (rubrics, assignment, runs, publication, pembekalan)
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(adminOnly...))
		r.Get("/admin/seleksi", s.selectionHome)
		r.Get("/admin/seleksi/{cohort}", s.selectionCohort)
		r.Get("/admin/seleksi/{cohort}/rubrik/{stage}", s.rubricPage)
		r.Post("/admin/seleksi/{cohort}/rubrik/{stage}", s.saveRubric)
		r.Post("/admin/seleksi/{cohort}/tugaskan/{stage}", s.autoAssign)
		r.Get("/admin/seleksi/{cohort}/beban", s.workload)
		r.Post("/admin/seleksi/lembar/{sheet}/pindah", s.reassign)
		r.Post("/admin/seleksi/{cohort}/hasil", s.createRun)
		r.Post("/admin/seleksi/hasil/{run}/umumkan", s.publishRun)
		r.Get("/admin/seleksi/hasil/{run}/pembekalan", s.seatsPage)
		r.Post("/admin/seleksi/hasil/{run}/pembekalan/kedaluwarsa", s.expireSeats)
		r.Post("/admin/seleksi/hasil/{run}/pembekalan/{seat}/hadir", s.attendSeat)
		r.Post("/admin/seleksi/hasil/{run}/pembekalan/{seat}/absen", s.absentSeat)
		r.Get("/admin/seleksi/{cohort}/jadwal", s.schedulePage)
		r.Post("/admin/seleksi/{cohort}/jadwal", s.scheduleTahap2)
		r.Post("/admin/seleksi/jadwal/{slot}/ubah", s.approveReschedule)
		r.Post("/admin/seleksi/jadwal/{slot}/status", s.markSlot)
	})

	// selection: result review (admin, BGP, Dinas; each query limited to the viewer's region)
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staff...))
		r.Get("/seleksi/hasil", s.runsPage)
		r.Get("/seleksi/hasil/{run}", s.runPage)
	})

	// selection: BGP sign-off
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleBGP))
		r.Post("/seleksi/hasil/{run}/setujui", s.signOffRun)
	})

	// selection: assessor scoring
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleAsesor))
		r.Get("/asesor/penilaian", s.assessorSheets)
		r.Get("/asesor/penilaian/{sheet}", s.sheetPage)
		r.Post("/asesor/penilaian/{sheet}", s.saveSheet)
		r.Get("/asesor/penilaian/{sheet}/berkas/{doc}", s.sheetDocument)
	})

	// selection: applicant results and pembekalan
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleGuru))
		r.Get("/seleksi/saya", s.myResult)
		r.Post("/seleksi/kursi/{seat}/konfirmasi", s.confirmSeat)
		r.Post("/seleksi/kursi/{seat}/tolak", s.declineSeat)
		r.Post("/seleksi/jadwal/{slot}/ubah", s.requestReschedule)
	})

	// profile: personal data rights of any signed-in user (UU PDP; SECURITY.md 19).
	r.Group(func(r chi.Router) {
		r.Use(s.requireSignIn)
		r.Get("/profil/data-saya", s.myData)
		r.Get("/profil/data-saya/unduh", s.downloadMyData)
		r.Post("/profil/data-saya/hapus", s.requestDeletion)
	})

	// Development only.
	if s.cfg.Dev() {
		r.Group(func(r chi.Router) {
			// mail: development outbox
			r.Get("/dev/outbox", s.devOutbox)
		})
	}
}
