package training_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"testing"

	"penggerak/internal/testdb"
	"penggerak/internal/training"
	"penggerak/internal/training/trainingtest"
)

// TestConcurrentCertificates: 24 graduates, each asked for twice at once, through a pool of 4
// connections: one certificate per graduate, numbers and tokens unique, a non-graduate refused.
func TestConcurrentCertificates(t *testing.T) {
	db, dbURL := testdb.New(t)
	ctx := context.Background()
	f := trainingtest.Fixture{T: t, DB: db}
	c := f.NewCohort("16.01")
	for i := range 25 {
		f.CGP(c, 0, fmt.Sprintf("Lulusan %02d", i), fmt.Sprintf("106973%02d", i), "16.01", "SD")
	}
	f.Start(c)
	var ids []int64
	rows, err := db.Query(ctx, `SELECT id FROM training_participants WHERE cohort_id = $1 ORDER BY id`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if rows.Err() != nil || len(ids) != 25 {
		t.Fatalf("participants: %d, %v", len(ids), rows.Err())
	}
	grads, other := ids[:24], ids[24]
	if _, err := db.Exec(ctx, `UPDATE training_participants SET outcome = 'lulus', decided_at = now() WHERE id = ANY($1)`, grads); err != nil {
		t.Fatal(err)
	}
	st := training.NewStore(smallPool(t, dbURL))
	got := make([]training.Certificate, 2*len(grads))
	errs := make([]error, len(got))
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = st.IssueCertificate(ctx, grads[i/2])
		}()
	}
	wg.Wait()
	numbers, tokens := map[string]bool{}, map[string]bool{}
	format := regexp.MustCompile(`^GP-\d{4}-\d{6}$`)
	for i, g := range got {
		if errs[i] != nil {
			t.Fatalf("issue %d: %v", i, errs[i])
		}
		if g.ParticipantID != grads[i/2] || !format.MatchString(g.Number) || len(g.Token) < 32 {
			t.Fatalf("certificate %d: %+v", i, g)
		}
		if i%2 == 1 {
			if got[i-1] != g && (got[i-1].Number != g.Number || got[i-1].Token != g.Token) {
				t.Fatalf("same graduate, two certificates: %+v / %+v", got[i-1], g)
			}
			continue
		}
		if numbers[g.Number] || tokens[g.Token] {
			t.Fatalf("duplicate number or token: %+v", g)
		}
		numbers[g.Number], tokens[g.Token] = true, true
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id WHERE p.cohort_id = $1`, c.ID).Scan(&n); err != nil || n != 24 {
		t.Fatalf("stored certificates = %d, %v; want 24", n, err)
	}
	if _, err := st.IssueCertificate(ctx, other); !errors.Is(err, training.ErrNotGraduate) {
		t.Fatalf("non-graduate: err = %v, want ErrNotGraduate", err)
	}
	byTok, err := st.CertificateByToken(ctx, got[0].Token)
	if err != nil || byTok.Number != got[0].Number || byTok.RevokedAt != nil {
		t.Fatalf("by token: %+v, %v", byTok, err)
	}
	if _, err := st.CertificateByToken(ctx, "tidak-ada"); err == nil {
		t.Fatal("unknown token found")
	}
}
