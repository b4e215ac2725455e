package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/clinic"
)

// TestClinicNoCancelAfterEvent: once the event is over its holder can no longer cancel a
// registration (the form is gone and a posted cancel is refused with the reason, 409), so the
// attendance and the certificate stand; the feedback form is offered instead.
func TestClinicNoCancelAfterEvent(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := okuEvent(t, a, 10, true)
	u := a.User("guru@x.test", account.RoleGuru, account.Scope{})
	st := clinicStore(a)
	reg, err := st.Register(context.Background(), c.ID, clinic.Registrant{UserID: u.ID, NPSN: "10600001"}, a.Now())
	if err != nil {
		t.Fatal(err)
	}
	owner := a.SignIn("guru@x.test")
	ticket := "/tiket/" + st.Signer().Ticket(c.ID, reg.ID)
	if body := owner.Get(ticket).Body; !strings.Contains(body, `id="cancel-ticket"`) {
		t.Fatal("before the event the owner is offered to cancel")
	}
	a.SetNow(c.EndsAt.Add(time.Hour))
	body := owner.Get(ticket).Body
	if strings.Contains(body, `id="cancel-ticket"`) || !strings.Contains(body, "/umpan-balik") {
		t.Error("after the event the ticket offers cancelling, or no feedback")
	}
	res := owner.PostForm(ticket+"/batal", url.Values{"confirm": {"yes"}})
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, "Kegiatan sudah selesai: pendaftaran, presensi dan sertifikat Anda tetap tercatat") {
		t.Errorf("cancel after the event: %d", res.Status)
	}
	var status string
	if err := a.DB.QueryRow(context.Background(), `SELECT status FROM clinic_registrations WHERE id = $1`, reg.ID).Scan(&status); err != nil || status != "registered" {
		t.Errorf("status after a refused cancel: %q %v", status, err)
	}
}
