package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
)

// Recruitment test helpers. Schools, teacher profiles and cohorts are created with
// applicationtest's SQL (the profile and school screens are built elsewhere).

// recSeedSchool creates a school when it does not exist.
func recSeedSchool(t testing.TB, a *apptest.App, npsn, name, jenjang, regency string) {
	t.Helper()
	applicationtest.School(t, a.DB, npsn, name, jenjang, regency)
}

// recProfileOpts change the teacher profile a test creates.
type recProfileOpts = applicationtest.Profile

// recSeedProfile gives a user a teacher profile at the school.
func recSeedProfile(t testing.TB, a *apptest.App, userID int64, npsn string, o recProfileOpts) string {
	t.Helper()
	return applicationtest.SeedProfile(t, a.DB, userID, npsn, o)
}

// recTestCohort is a cohort made for a test.
type recTestCohort = applicationtest.Cohort

// recSeedCohort creates a cohort open around the app's clock (applicationtest.OpenCohort).
func recSeedCohort(t testing.TB, a *apptest.App, number int, status string, correctionDays int) recTestCohort {
	t.Helper()
	return applicationtest.OpenCohort(t, a.DB, a.Now(), number, status, correctionDays)
}

// teacher creates a signed-in guru with a profile at an OKU primary school (or another school).
func recTeacher(t testing.TB, a *apptest.App, email, npsn, regency string, o recProfileOpts) (account.User, *apptest.Client) {
	t.Helper()
	recSeedSchool(t, a, npsn, "Sekolah "+npsn, "SD", regency)
	u := a.User(email, account.RoleGuru, account.Scope{})
	recSeedProfile(t, a, u.ID, npsn, o)
	return u, a.SignIn(email)
}

var recPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// upload posts a file as multipart form data.
func recUpload(c *apptest.Client, path, name string, data []byte) apptest.Response {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	return c.PostBody(path, w.FormDataContentType(), &buf)
}

var recAppPath = regexp.MustCompile(`^/lamaran/(\d+)/profil$`)

// start begins an application and returns its path prefix (/lamaran/<id>).
func recStart(t testing.TB, c *apptest.Client, cohortID int64) string {
	t.Helper()
	res := c.PostForm(fmt.Sprintf("/pendaftaran/%d", cohortID), nil)
	m := recAppPath.FindStringSubmatch(res.Location)
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("start: %d %q\n%s", res.Status, res.Location, res.Body)
	}
	return "/lamaran/" + m[1]
}

// fill completes every step but submit.
func recFill(t testing.TB, c *apptest.Client, base string, tc recTestCohort) {
	t.Helper()
	steps := []struct {
		path string
		form url.Values
	}{
		{base + "/profil", nil},
		{base + "/cv", url.Values{"section": {"pelatihan"}, "title": {"Pelatihan Kurikulum Merdeka"}, "organisation": {"BGP Sumsel"}, "year_from": {"2023"}}},
		{base + "/esai", url.Values{fmt.Sprintf("essay_%d", tc.Questions[0]): {strings.Repeat("Murid belajar. ", 3)}, fmt.Sprintf("essay_%d", tc.Questions[1]): {strings.Repeat("Komunitas belajar. ", 3)}}},
	}
	for _, s := range steps {
		if res := c.PostForm(s.path, s.form); res.Status != http.StatusSeeOther {
			t.Fatalf("POST %s: %d\n%s", s.path, res.Status, res.Body)
		}
	}
	if res := recUpload(c, fmt.Sprintf("%s/dokumen/%d", base, tc.Docs[0]), "ktp.pdf", recPDF); res.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", res.Status, res.Body)
	}
	// SECURITY.md 17: everything but the consent is done, and submitting is still refused.
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Persetujuan data pribadi belum diberikan.") {
		t.Fatalf("submit without consent: %d\n%s", res.Status, res.Body)
	}
	if res := c.PostForm(base+"/persetujuan", url.Values{"agree": {"true"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("consent: %d\n%s", res.Status, res.Body)
	}
}

func recCount(t testing.TB, a *apptest.App, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func recWant(t testing.TB, res apptest.Response, status int, texts ...string) {
	t.Helper()
	if res.Status != status {
		t.Errorf("status %d, want %d\n%.2000s", res.Status, status, res.Body)
	}
	for _, s := range texts {
		if !strings.Contains(res.Body, s) {
			t.Errorf("body lacks %q\n%.3000s", s, res.Body)
		}
	}
}
