package server_test

import (
	"context"
	"fmt"
)

// Authorization matrix rows of the teacher's application pages added for issue 11 (CV edit,
// receipt PDF and print view, help page, Pakta Integritas template).

// recCVEntryPath creates a draft application of the matrix guru with one CV entry and returns
// the entry's path plus suffix.
func recCVEntryPath(suffix string) func(f *fixture) string {
	return func(f *fixture) string {
		id, _, _ := recMatrixApp(f, false)
		var eid int64
		if err := f.App.DB.QueryRow(context.Background(), `INSERT INTO application_cv_entries (application_id, section, title) VALUES ($1, 'umum', 'Guru kelas') RETURNING id`, id).Scan(&eid); err != nil {
			f.App.T.Fatal(err)
		}
		return fmt.Sprintf("/lamaran/%d/cv/%d%s", id, eid, suffix)
	}
}

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/lamaran/{id}/cv/{entryID}/ubah", Path: recCVEntryPath("/ubah"), Want: recOwner(200)},
		// An empty form: refused with messages (422) for the owner.
		routeCase{Method: "POST", Pattern: "/lamaran/{id}/cv/{entryID}", Path: recCVEntryPath(""), Want: recOwner(422)},
	)
}

func recSubmittedPath(suffix string) func(f *fixture) string {
	return func(f *fixture) string {
		id, _, _ := recMatrixApp(f, true)
		return fmt.Sprintf("/lamaran/%d%s", id, suffix)
	}
}

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/lamaran/{id}/tanda-terima.pdf", Path: recSubmittedPath("/tanda-terima.pdf"), Want: recOwner(200)},
		routeCase{Method: "GET", Pattern: "/lamaran/{id}/tanda-terima/cetak", Path: recSubmittedPath("/tanda-terima/cetak"), Want: recOwner(200)},
		// A draft has no receipt.
		routeCase{Method: "GET", Pattern: "/lamaran/{id}/tanda-terima.pdf", Variant: "draft", Path: recDraftPath("/tanda-terima.pdf"), Want: recOwner(404)},
	)
}
