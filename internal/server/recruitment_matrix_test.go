package server_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"penggerak/internal/imports"
)

// Authorization matrix rows for the recruitment routes. Applications belong to the matrix
// "guru" (every signed-in actor also holds guru, so the others get 404 for someone else's
// application); the object for regional rows lies in Kabupaten OKU (16.01), outside the dinas
// actor's Kota Serang.

// owner: the owning teacher gets status, other signed-in actors 404, signed-out 303.
func recOwner(status int) map[string]int { return with(signedIn(404), "guru", status) }

// recRecruitReady gives the matrix guru a teacher profile at an OKU school (once).
func recRecruitReady(f *fixture) {
	if f.Data["recruit.ready"] != nil {
		return
	}
	recSeedSchool(f.App.T, f.App, "10699001", "SD Negeri Matriks", "SD", "16.01")
	recSeedProfile(f.App.T, f.App, f.Users["guru"].ID, "10699001", recProfileOpts{})
	f.Data["recruit.ready"] = true
}

// recMatrixCohort creates a fresh cohort (open for registration unless status says otherwise).
func recMatrixCohort(f *fixture, status string) recTestCohort {
	recRecruitReady(f)
	n, _ := f.Data["recruit.n"].(int)
	f.Data["recruit.n"] = n + 1
	return recSeedCohort(f.App.T, f.App, 100+n, status, 0)
}

// recMatrixApp creates a draft application of the matrix guru in a fresh cohort; with submitted
// it also has an uploaded KTP and is submitted, with the matrix asesor assigned to verval.
func recMatrixApp(f *fixture, submitted bool) (appID, uploadID int64, tc recTestCohort) {
	tc = recMatrixCohort(f, "pendaftaran")
	ctx := context.Background()
	db := f.App.DB
	if err := db.QueryRow(ctx, `INSERT INTO applications (cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang)
		VALUES ($1, $2, 'Guru Matriks', '10699001', '16.01', '16', 'SD') RETURNING id`, tc.ID, f.Users["guru"].ID).Scan(&appID); err != nil {
		f.App.T.Fatal(err)
	}
	if !submitted {
		return appID, 0, tc
	}
	// Far above the numbers selectiontest.Document gives its files (a counter from 1), which
	// share this database: the two must never name the same file.
	name := fmt.Sprintf("%032x.pdf", 1<<40+appID)
	dir := filepath.Join(f.App.Config.UploadDir, "applications")
	_ = os.MkdirAll(dir, 0o750)
	if err := os.WriteFile(filepath.Join(dir, name), recPDF, 0o640); err != nil {
		f.App.T.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO application_documents (application_id, required_document_id, storage_name, original_name, size_bytes, sha256)
		VALUES ($1, $2, $3, 'ktp.pdf', $4, repeat('a', 64)) RETURNING id`, appID, tc.Docs[0], name, len(recPDF)).Scan(&uploadID); err != nil {
		f.App.T.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE applications SET status = 'submitted', submitted_at = now(), registration_number = 'M-' || id, receipt_checksum = repeat('b', 64) WHERE id = $1`, appID); err != nil {
		f.App.T.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO verval_assignments (application_id, assessor_id) VALUES ($1, $2)`, appID, f.Users["asesor"].ID); err != nil {
		f.App.T.Fatal(err)
	}
	return appID, uploadID, tc
}

func recDraftPath(suffix string) func(f *fixture) string {
	return func(f *fixture) string {
		id, _, _ := recMatrixApp(f, false)
		return fmt.Sprintf("/lamaran/%d%s", id, suffix)
	}
}

func recAdminCohortPath(suffix string) func(f *fixture) string {
	return func(f *fixture) string {
		return fmt.Sprintf("/admin/angkatan/%d%s", recMatrixCohort(f, "draft").ID, suffix)
	}
}

func init() {
	admin := func(status int) map[string]int { return only(status, "admin") }
	addRoutes(
		// Teachers.
		routeCase{Method: "GET", Pattern: "/pendaftaran/{cohortID}", Path: func(f *fixture) string { return fmt.Sprintf("/pendaftaran/%d", recMatrixCohort(f, "pendaftaran").ID) }, Want: signedIn(200)},
		routeCase{Method: "POST", Pattern: "/pendaftaran/{cohortID}", Path: func(f *fixture) string { return fmt.Sprintf("/pendaftaran/%d", recMatrixCohort(f, "pendaftaran").ID) }, Want: signedIn(303)},
		routeCase{Method: "GET", Pattern: "/lamaran/{id}/tanda-terima", Path: func(f *fixture) string {
			id, _, _ := recMatrixApp(f, true)
			return fmt.Sprintf("/lamaran/%d/tanda-terima", id)
		}, Want: recOwner(200)},
		routeCase{Method: "GET", Pattern: "/lamaran/{id}/{step}", Path: recDraftPath("/esai"), Want: recOwner(200)},
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/profil", Path: recDraftPath("/profil"), Want: recOwner(303)},
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/cv", Path: recDraftPath("/cv"), Want: recOwner(422)},
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/cv/{entryID}/hapus", Path: func(f *fixture) string {
			id, _, _ := recMatrixApp(f, false)
			var eid int64
			if err := f.App.DB.QueryRow(context.Background(), `INSERT INTO application_cv_entries (application_id, section, title) VALUES ($1, 'umum', 'Guru kelas') RETURNING id`, id).Scan(&eid); err != nil {
				f.App.T.Fatal(err)
			}
			return fmt.Sprintf("/lamaran/%d/cv/%d/hapus", id, eid)
		}, Want: recOwner(303)},
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/esai", Path: recDraftPath("/esai"), Want: recOwner(422)},
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/esai/draf", Path: recDraftPath("/esai/draf"), Want: recOwner(200)},
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/dokumen/{docID}", Path: func(f *fixture) string {
			id, _, tc := recMatrixApp(f, false)
			return fmt.Sprintf("/lamaran/%d/dokumen/%d", id, tc.Docs[0])
		}, Want: recOwner(422)},
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/persetujuan", Path: recDraftPath("/persetujuan"), Want: recOwner(422)},
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/kirim", Path: recDraftPath("/kirim"), Want: recOwner(422)},
		// Withdrawing needs the ticked confirmation: without it 422 and nothing changes.
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/tarik", Path: recDraftPath("/tarik"), Want: recOwner(422)},
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/tarik", Path: recDraftPath("/tarik"), Variant: "confirmed",
			Form: func(*fixture) url.Values { return confirmYes }, Want: recOwner(303)},
		// Documents: the owner, the admin and the assigned assessor.
		routeCase{Method: "GET", Pattern: "/berkas/{docID}", Path: func(f *fixture) string {
			_, doc, _ := recMatrixApp(f, true)
			return fmt.Sprintf("/berkas/%d", doc)
		}, Want: with(recOwner(200), "admin", 200, "asesor", 200)},
		// National admin.
		routeCase{Method: "GET", Pattern: "/admin/angkatan", Want: admin(200)},
		routeCase{Method: "GET", Pattern: "/admin/angkatan/baru", Want: admin(200)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan", Want: admin(422)},
		routeCase{Method: "GET", Pattern: "/admin/angkatan/{id}", Path: recAdminCohortPath(""), Want: admin(200)},
		routeCase{Method: "GET", Pattern: "/admin/angkatan/{id}/ubah", Path: recAdminCohortPath("/ubah"), Want: admin(200)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}", Path: recAdminCohortPath(""), Want: admin(422)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/sasaran", Path: recAdminCohortPath("/sasaran"), Want: admin(422)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/sasaran/hapus", Path: recAdminCohortPath("/sasaran/hapus"),
			Form: func(*fixture) url.Values { return url.Values{"regency_code": {"16.01"}} }, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/sasaran/impor", Path: recAdminCohortPath("/sasaran/impor"), Want: admin(422)},
		// A targets preview belongs to its uploader and its cohort: under another cohort's
		// address the token is not found (IDOR).
		routeCase{Method: "GET", Pattern: "/admin/angkatan/{id}/sasaran/impor/{token}", Path: recTargetsPreviewPath, Want: admin(200)},
		routeCase{Method: "GET", Pattern: "/admin/angkatan/{id}/sasaran/impor/{token}", Variant: "another cohort", Path: func(f *fixture) string {
			_, tok := recTargetsPreview(f)
			return fmt.Sprintf("/admin/angkatan/%d/sasaran/impor/%s", recMatrixCohort(f, "draft").ID, tok)
		}, Want: admin(404)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/sasaran/impor/{token}", Path: recTargetsPreviewPath, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/esai", Path: recAdminCohortPath("/esai"), Want: admin(422)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/esai/{qid}/hapus", Path: func(f *fixture) string {
			tc := recMatrixCohort(f, "draft")
			return fmt.Sprintf("/admin/angkatan/%d/esai/%d/hapus", tc.ID, tc.Questions[0])
		}, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/dokumen", Path: recAdminCohortPath("/dokumen"), Want: admin(422)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/dokumen/{did}/hapus", Path: func(f *fixture) string {
			tc := recMatrixCohort(f, "draft")
			return fmt.Sprintf("/admin/angkatan/%d/dokumen/%d/hapus", tc.ID, tc.Docs[1])
		}, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/status", Path: recAdminCohortPath("/status"), Form: func(*fixture) url.Values { return confirmYes }, Want: admin(409)},
		// Without the ticked confirmation: the confirmation page (422), the stage unchanged.
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/status", Variant: "unconfirmed", Path: recAdminCohortPath("/status"), Want: admin(422)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/salin", Path: recAdminCohortPath("/salin"), Want: admin(422)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/verval/bagi", Path: recAdminCohortPath("/verval/bagi"), Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/verval/tugaskan", Path: recAdminCohortPath("/verval/tugaskan"), Want: admin(422)},
		// Regional watching: an OKU application is outside dinas Kota Serang (404) and inside BGP Sumatera Selatan.
		routeCase{Method: "GET", Pattern: "/pantau/lamaran", Want: only(200, "dinas", "bgp", "admin")},
		routeCase{Method: "GET", Pattern: "/pantau/lamaran/{id}", Path: func(f *fixture) string {
			id, _, _ := recMatrixApp(f, true)
			return fmt.Sprintf("/pantau/lamaran/%d", id)
		}, Want: with(only(200, "bgp", "admin"), "dinas", 404)},
		// Assessors (the application is assigned to the matrix asesor).
		routeCase{Method: "GET", Pattern: "/verval", Want: only(200, "asesor")},
		routeCase{Method: "GET", Pattern: "/verval/{id}", Path: func(f *fixture) string {
			id, _, _ := recMatrixApp(f, true)
			return fmt.Sprintf("/verval/%d", id)
		}, Want: only(200, "asesor")},
		routeCase{Method: "POST", Pattern: "/verval/{id}/dokumen/{docID}", Path: func(f *fixture) string {
			id, doc, _ := recMatrixApp(f, true)
			return fmt.Sprintf("/verval/%d/dokumen/%d", id, doc)
		}, Want: only(422, "asesor")},
		routeCase{Method: "POST", Pattern: "/verval/{id}/selesai", Path: func(f *fixture) string {
			id, _, _ := recMatrixApp(f, true)
			return fmt.Sprintf("/verval/%d/selesai", id)
		}, Form: func(*fixture) url.Values { return confirmYes }, Want: only(409, "asesor")},
		// Without the ticked confirmation: the confirmation page (422), nothing decided.
		routeCase{Method: "POST", Pattern: "/verval/{id}/selesai", Variant: "unconfirmed", Path: func(f *fixture) string {
			id, _, _ := recMatrixApp(f, true)
			return fmt.Sprintf("/verval/%d/selesai", id)
		}, Want: only(422, "asesor")},
	)
}

// recTargetsPreview stores an empty targets preview of the matrix admin for the draft cohort
// (once) and returns its token.
func recTargetsPreview(f *fixture) (int64, string) {
	if tok, ok := f.Data["import.targets"].(string); ok {
		return f.Data["import.targets.cohort"].(int64), tok
	}
	id := recMatrixCohort(f, "draft").ID
	tok, err := imports.NewStore(f.App.DB).Save(context.Background(), imports.KindTargets, f.Users["admin"].ID, "sasaran.csv", 0, 0,
		map[string]any{"CohortID": id, "Targets": []any{}, "Problems": []any{}})
	if err != nil {
		f.App.T.Fatal(err)
	}
	f.Data["import.targets"], f.Data["import.targets.cohort"] = tok, id
	return id, tok
}

func recTargetsPreviewPath(f *fixture) string {
	id, tok := recTargetsPreview(f)
	return fmt.Sprintf("/admin/angkatan/%d/sasaran/impor/%s", id, tok)
}
