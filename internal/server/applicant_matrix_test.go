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

// recSubmittedPath creates a submitted application of the matrix guru (without documents: a
// stored file would need a storage name that other fixtures may take) and returns its path
// plus suffix.
func recSubmittedPath(suffix string) func(f *fixture) string {
	return func(f *fixture) string {
		id, _, _ := recMatrixApp(f, false)
		if _, err := f.App.DB.Exec(context.Background(), `UPDATE applications SET status = 'submitted', submitted_at = now(),
			registration_number = 'M-' || id, receipt_checksum = repeat('b', 64) WHERE id = $1`, id); err != nil {
			f.App.T.Fatal(err)
		}
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

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/bantuan", Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/bantuan/pakta-integritas.pdf", Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/staf/bantuan", Want: only(200, "bgp", "admin")},
		// The matrix BGP holds Sumatera Selatan (16): its own province's contact, not Banten's (36)
		// nor the national one (404, as any object outside the region).
		routeCase{Method: "GET", Pattern: "/staf/bantuan/{scope}", Path: func(*fixture) string { return "/staf/bantuan/16" }, Want: only(200, "bgp", "admin")},
		routeCase{Method: "GET", Pattern: "/staf/bantuan/{scope}", Variant: "other province", Path: func(*fixture) string { return "/staf/bantuan/36" },
			Want: with(only(200, "admin"), "bgp", 404)},
		routeCase{Method: "GET", Pattern: "/staf/bantuan/{scope}", Variant: "national", Path: func(*fixture) string { return "/staf/bantuan/nasional" },
			Want: with(only(200, "admin"), "bgp", 404)},
		// An empty form: refused with messages (422) for those who may edit it.
		routeCase{Method: "POST", Pattern: "/staf/bantuan/{scope}", Path: func(*fixture) string { return "/staf/bantuan/16" }, Want: only(422, "bgp", "admin")},
		routeCase{Method: "POST", Pattern: "/staf/bantuan/{scope}", Variant: "other province", Path: func(*fixture) string { return "/staf/bantuan/36" },
			Want: with(only(422, "admin"), "bgp", 404)},
	)
}
