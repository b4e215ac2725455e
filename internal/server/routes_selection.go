package server

import (
	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
)

// selectionRoutes: the national admin runs selection (seleksi): rubrics per stage, the
// assignment of sheets to assessors (with a dry run and the undo of a whole batch, issue 12)
// and their workload and moves, result runs, their publication and the answer to a BGP's
// objection (see selectionReviewRoutes), pembekalan seats, the tahap 2 schedule, and reminder
// offsets per cohort (issue 12).
func (s *Server) selectionRoutes(r chi.Router) {
	admin := r.With(s.requireRole(adminOnly...))
	admin.Get("/admin/seleksi", s.handle(s.selectionHome))
	admin.Get("/admin/seleksi/{cohort}", s.handle(s.selectionCohort))
	admin.Get("/admin/seleksi/{cohort}/rubrik/{stage}", s.handle(s.rubricPage))
	admin.Post("/admin/seleksi/{cohort}/rubrik/{stage}", s.handle(s.saveRubric))
	admin.Post("/admin/seleksi/{cohort}/tugaskan/{stage}", s.handle(s.autoAssign))
	admin.Get("/admin/seleksi/{cohort}/tugaskan/{stage}", s.handle(s.assignPreview))
	admin.Post("/admin/seleksi/{cohort}/penugasan/{batch}/batal", s.handle(s.undoBatch))
	admin.Get("/admin/seleksi/{cohort}/beban", s.handle(s.workload))
	admin.Post("/admin/seleksi/lembar/{sheet}/pindah", s.handle(s.reassign))
	admin.Post("/admin/seleksi/{cohort}/pindah-lembar", s.handle(s.moveSheets))
	admin.Post("/admin/seleksi/{cohort}/hasil", s.handle(s.createRun))
	admin.Post("/admin/seleksi/hasil/{run}/umumkan", s.handle(s.publishRun))
	admin.Post("/admin/seleksi/hasil/{run}/keberatan/{objection}/jawab", s.handle(s.answerObjection))
	admin.Get("/admin/seleksi/hasil/{run}/pembekalan", s.handle(s.seatsPage))
	admin.Post("/admin/seleksi/hasil/{run}/pembekalan/kedaluwarsa", s.handle(s.expireSeats))
	admin.Post("/admin/seleksi/hasil/{run}/pembekalan/{seat}/hadir", s.handle(s.attendSeat))
	admin.Post("/admin/seleksi/hasil/{run}/pembekalan/{seat}/absen", s.handle(s.absentSeat))
	admin.Get("/admin/seleksi/{cohort}/jadwal", s.handle(s.schedulePage))
	admin.Post("/admin/seleksi/{cohort}/jadwal", s.handle(s.scheduleTahap2))
	admin.Post("/admin/seleksi/jadwal/{slot}/ubah", s.handle(s.approveReschedule))
	admin.Post("/admin/seleksi/jadwal/{slot}/status", s.handle(s.markSlot))
	admin.Get("/admin/seleksi/{cohort}/pengingat", s.handle(s.remindersPage))
	admin.Post("/admin/seleksi/{cohort}/pengingat", s.handle(s.saveReminders))
}

// selectionReviewRoutes: who sees and answers a selection beside the national admin. Staff
// review result runs (each query limited to the viewer's region); the BGP signs a run off or
// returns its province's part with comments per kab/kota, which the national admin answers
// (selectionRoutes) with a reply or a correction run (issue 12); assessors score their sheets; the applicant
// sees the result, confirms or declines the pembekalan seat and asks to reschedule.
func (s *Server) selectionReviewRoutes(r chi.Router) {
	regional := r.With(s.requireRole(staff...))
	regional.Get("/seleksi/hasil", s.handle(s.runsPage))
	regional.Get("/seleksi/hasil/{run}", s.handle(s.runPage))

	bgp := r.With(s.requireRole(account.RoleBGP))
	bgp.Post("/seleksi/hasil/{run}/setujui", s.handle(s.signOffRun))
	bgp.Post("/seleksi/hasil/{run}/kembalikan", s.handle(s.returnRun))

	asesor := r.With(s.requireRole(account.RoleAsesor))
	asesor.Get("/asesor/penilaian", s.handle(s.assessorSheets))
	asesor.Get("/asesor/penilaian/{sheet}", s.handle(s.sheetPage))
	asesor.Post("/asesor/penilaian/{sheet}", s.handle(s.saveSheet))
	asesor.Get("/asesor/penilaian/{sheet}/berkas/{doc}", s.handle(s.sheetDocument))

	guru := r.With(s.requireRole(account.RoleGuru))
	guru.Get("/seleksi/saya", s.handle(s.myResult))
	guru.Post("/seleksi/kursi/{seat}/konfirmasi", s.handle(s.confirmSeat))
	guru.Post("/seleksi/kursi/{seat}/tolak", s.handle(s.declineSeat))
	guru.Post("/seleksi/jadwal/{slot}/ubah", s.handle(s.requestReschedule))
}
