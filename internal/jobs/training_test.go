package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"penggerak/internal/jobs"
	"penggerak/internal/server"
	"penggerak/internal/testdb"
	"penggerak/internal/training"
	"penggerak/internal/training/trainingtest"
	"penggerak/web/i18n"
)

// The lokakarya reminder job, run twice, mails each CGP and the PP of the lokakarya's group one
// reminder, in their own language (an English-speaking CGP gets it in English) with the time in
// the kab/kota's zone.
func TestLokakaryaReminderJobRunsTwiceMailsOnce(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: t, DB: db}
	c := fx.NewCohort("16.01")
	for i := range 5 {
		fx.CGP(c, 0, fmt.Sprintf("Calon %d", i), "10697300", "16.01", "SD")
	}
	fx.Start(c)
	pp := fx.User("pp@pengingat.test", "PP Pengingat", "")
	var mentor, group int64
	if err := db.QueryRow(ctx, `INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
		VALUES ($1, $2, 'pengajar_praktik', '16.01', '16', 6, $2) RETURNING id`, c.ID, pp).Scan(&mentor); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, status, confirmed_at)
		VALUES ($1, '16', '16.01', 1, $2, 'aktif', now()) RETURNING id`, c.ID, mentor).Scan(&group); err != nil {
		t.Fatal(err)
	}
	var english string
	if err := db.QueryRow(ctx, `WITH m AS (INSERT INTO training_group_members (participant_id, group_id)
			SELECT id, $2 FROM training_participants WHERE cohort_id = $1 RETURNING participant_id)
		UPDATE users SET language = 'en' WHERE id = (SELECT min(p.user_id) FROM training_participants p WHERE p.cohort_id = $1) RETURNING email`, c.ID, group).Scan(&english); err != nil {
		t.Fatal(err)
	}
	// Lokakarya 1 tomorrow at 08:00 WIB (01:00 UTC).
	starts := time.Now().UTC().Truncate(24 * time.Hour).Add(48*time.Hour + time.Hour)
	if _, err := db.Exec(ctx, `INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
		VALUES ($1, '16', '16.01', 1, $2, 'SMPN 1 OKU')`, c.ID, starts); err != nil {
		t.Fatal(err)
	}
	w := &jobs.LokakaryaRemindersWorker{Store: training.NewStore(db), Letter: training.Letter(server.NewLetter(i18n.MustLoad(), "https://penggerak.test")),
		Now: func() time.Time { return starts.Add(-30 * time.Hour) }}
	for range 2 {
		if err := w.Work(ctx, &river.Job[jobs.LokakaryaRemindersArgs]{}); err != nil {
			t.Fatal(err)
		}
	}
	when := starts.Add(7*time.Hour).Format("02-01-2006") + " 08:00 WIB"
	var id, en, total int
	_ = db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE subject = 'Pengingat: Lokakarya 1 pada ' || $1 AND body_text LIKE '%https://penggerak.test/pelatihan/saya%'),
			count(*) FILTER (WHERE subject = 'Reminder: Lokakarya 1 on ' || $1 AND to_addr = $2), count(*)
		FROM mail_outbox`, when, english).Scan(&id, &en, &total)
	if id != 5 || en != 1 || total != 6 {
		t.Fatalf("reminders: %d in Indonesian, %d in English, %d in all; want 4 CGPs + PP, 1, 6", id, en, total)
	}
}
