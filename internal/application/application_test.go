package application

import (
	"strings"
	"testing"
	"time"

	"penggerak/internal/cohort"
)

func TestEssayProblem(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"empty", "", "application.essay.too_short"},
		{"spaces only", strings.Repeat(" ", 20), "application.essay.too_short"},
		{"one below min", strings.Repeat("a", 9), "application.essay.too_short"},
		{"exactly min", strings.Repeat("a", 10), ""},
		{"exactly max", strings.Repeat("a", 20), ""},
		{"one above max", strings.Repeat("a", 21), "application.essay.too_long"},
		{"multi-byte counted as characters", strings.Repeat("é", 20), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EssayProblem(10, 20, tt.body); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckPDF(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n0000")
	pdf := []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n")
	tests := []struct {
		name string
		data []byte
		max  int
		want string
	}{
		{"pdf", pdf, 1024, ""},
		{"png renamed", png, 1024, "application.upload.not_pdf"},
		{"empty", nil, 1024, "application.upload.empty"},
		{"oversized", append(pdf, make([]byte, 2000)...), 1024, "application.upload.too_big"},
		{"text claiming pdf later", []byte("hello %PDF-"), 1024, "application.upload.not_pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckPDF(tt.data, tt.max); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAssignEvenly(t *testing.T) {
	as := []Assessor{
		{UserID: 1, ProvinceCodes: []string{"16"}, NPSN: "10600001"},
		{UserID: 2, ProvinceCodes: []string{"16"}},
		{UserID: 3, RegencyCodes: []string{"36.73"}},
		{UserID: 4, National: true, Load: 5},
	}
	var apps []Pending
	for i := 1; i <= 10; i++ {
		apps = append(apps, Pending{ID: int64(i), RegencyCode: "16.01", NPSN: "10600002"})
	}
	apps = append(apps, Pending{ID: 11, RegencyCode: "16.01", NPSN: "10600001"}, Pending{ID: 12, RegencyCode: "36.73"}, Pending{ID: 13, RegencyCode: "91.01"})
	got := AssignEvenly(apps, as)
	load := map[int64]int{}
	for _, a := range got {
		load[a]++
	}
	if got[11] == 1 {
		t.Error("assessor 1 got an applicant from their own school")
	}
	if got[12] != 3 {
		t.Errorf("Kota Serang application went to %d, want the Kota Serang assessor 3", got[12])
	}
	if got[13] != 4 {
		t.Errorf("Papua application went to %d, want the national assessor", got[13])
	}
	// 11 Sumsel applications over assessors 1, 2 (load 0) and 4 (load 5): 1 and 2 take 5 or 6 each before 4 gets more.
	if load[1] < 4 || load[2] < 4 || load[1]+load[2]+load[4] != 12 {
		t.Errorf("uneven load %v", load)
	}
	if diff := load[1] - load[2]; diff > 1 || diff < -1 {
		t.Errorf("load of 1 and 2 differs by more than one: %v", load)
	}
}

func TestCanonicalChecksum(t *testing.T) {
	at := time.Date(2026, 11, 25, 1, 2, 3, 0, time.UTC)
	d := Details{Application: Application{ID: 7, CohortID: 2, UserID: 3}, Profile: &Profile{Name: "Siti", NPSN: "10600001", RegencyCode: "16.01"},
		Essays: []Essay{{Question: cohort.Question{ID: 1}, Body: "jawaban"}}}
	_, a := Canonical(d, "CGP12-1601-0000007", at).Checksum()
	_, b := Canonical(d, "CGP12-1601-0000007", at).Checksum()
	if a != b || len(a) != 64 {
		t.Fatalf("checksum not stable: %s %s", a, b)
	}
	d.Essays[0].Body = "jawaban lain"
	if _, c := Canonical(d, "CGP12-1601-0000007", at).Checksum(); c == a {
		t.Error("checksum did not change with the content")
	}
	if got := RegistrationNumber("kepala_sekolah", 3, "36.73", 42); got != "KEPALASEKOLAH3-3673-0000042" {
		t.Errorf("registration number %s", got)
	}
}

func TestDecisionValidate(t *testing.T) {
	for _, tt := range []struct {
		f    DecisionForm
		want string
	}{
		{DecisionForm{Verdict: "valid"}, ""},
		{DecisionForm{Verdict: "invalid", Reason: "tidak_terbaca"}, ""},
		{DecisionForm{Verdict: "invalid"}, "reason"},
		{DecisionForm{Verdict: "invalid", Reason: "lainnya"}, "note"},
		{DecisionForm{Verdict: "maybe"}, "verdict"},
	} {
		errs := tt.f.Validate()
		if (tt.want == "") != (len(errs) == 0) || (tt.want != "" && errs[tt.want] == "") {
			t.Errorf("%+v: errors %v, want %q", tt.f, errs, tt.want)
		}
	}
}

// The editable rule, one case per way it can go: the store, the step pages and the upload
// and withdraw buttons all ask these.
func TestEditWithdrawUploadRules(t *testing.T) {
	now := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
	open := cohort.Cohort{Status: cohort.StatusPendaftaran, RegistrationOpensAt: now.Add(-time.Hour), RegistrationClosesAt: now.Add(time.Hour)}
	closed := open
	closed.RegistrationClosesAt = now // the deadline itself is closed
	until := now.Add(24 * time.Hour)
	invalid := VerdictInvalid
	for _, c := range []struct {
		name                 string
		status               Status
		cohort               cohort.Cohort
		wantEdit, wantWithdr error
	}{
		{"draft, open", StatusDraft, open, nil, nil},
		{"draft, closed", StatusDraft, closed, ErrClosed, ErrClosed},
		{"submitted, open", StatusSubmitted, open, ErrLocked, nil},
		{"submitted, closed", StatusSubmitted, closed, ErrLocked, ErrClosed},
		{"lolos verval", StatusVervalPassed, open, ErrLocked, ErrLocked},
	} {
		a := Application{Status: c.status}
		if err := EditError(a, c.cohort, now); err != c.wantEdit {
			t.Errorf("%s: EditError %v, want %v", c.name, err, c.wantEdit)
		}
		if err := WithdrawError(a, c.cohort, now); err != c.wantWithdr {
			t.Errorf("%s: WithdrawError %v, want %v", c.name, err, c.wantWithdr)
		}
		d := Details{Application: a, Cohort: cohort.Config{Cohort: c.cohort}}
		if d.Editable(now) != (c.wantEdit == nil) || d.CanWithdraw(now) != (c.wantWithdr == nil) {
			t.Errorf("%s: Editable %v CanWithdraw %v", c.name, d.Editable(now), d.CanWithdraw(now))
		}
	}
	// In the correction window only a rejected, not yet replaced document may be uploaded.
	d := Details{Application: Application{Status: StatusVervalFailed, CorrectionUntil: &until}, Cohort: cohort.Config{Cohort: closed}}
	if !d.CanUpload(Document{VervalStatus: &invalid}, now) {
		t.Error("rejected document in the correction window: upload refused")
	}
	if d.CanUpload(Document{}, now) {
		t.Error("accepted document in the correction window: upload allowed")
	}
	if d.CanUpload(Document{VervalStatus: &invalid, CorrectedAt: &now}, now) {
		t.Error("already replaced document: upload allowed again")
	}
	if d.CanUpload(Document{VervalStatus: &invalid}, until) {
		t.Error("after the correction window: upload allowed")
	}
}
