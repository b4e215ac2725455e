package clinic_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"penggerak/internal/audit"
	"penggerak/internal/clinic"
	"penggerak/internal/testdb"
	"penggerak/migrations"
)

// TestMigrationKeepsExistingRegistrations: registrations stored before migration 000530 (free
// text name and school, an NPSN that may be unknown) keep working after it: known schools and
// accounts correct the typed text, unknown NPSN are kept, and the event's rules get defaults
// that keep its certificates (one session). New registrations must name a known school.
func TestMigrationKeepsExistingRegistrations(t *testing.T) {
	db, url := testdb.New(t)
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, "pgx5://"+strings.TrimPrefix(url, "postgres://"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.Migrate(440); err != nil {
		t.Fatalf("down to 440: %v", err)
	}
	now := time.Now()
	if _, err := db.Exec(ctx, `
		INSERT INTO schools (npsn, name, jenjang, status, regency_code) VALUES ('10600001', 'SD Negeri 1 Baturaja', 'SD', 'negeri', '16.01');
		INSERT INTO users (email, name, password_hash) VALUES ('siti@x.test', 'Siti Aminah', 'x');
		INSERT INTO clinics (kind, title, organiser, province_code, regency_code, mode, venue, capacity, jenjang, registration_opens, registration_closes, status)
			VALUES ('coaching_clinic', 'Klinik Lama', 'Dinas Pendidikan OKU', '16', '16.01', 'offline', 'Aula', 10, '{SD}', now() - interval '20 days', now() - interval '12 days', 'published');
		INSERT INTO clinic_sessions (clinic_id, starts_at, ends_at) VALUES (1, now() - interval '10 days', now() - interval '10 days' + interval '3 hours');
		INSERT INTO clinic_registrations (clinic_id, user_id, name, email, npsn, school_name, jenjang, status, code, cert_code) VALUES
			(1, 1, 'siti', 'siti@x.test', '10600001', 'sd satu', 'SD', 'registered', 'AAAABBBB', 'AAAABBBBCCCC'),
			(1, NULL, 'Guru Lama', 'lama@x.test', '99999999', 'Sekolah Karangan', 'SD', 'registered', 'CCCCDDDD', 'CCCCDDDDEEEE');
		INSERT INTO clinic_attendance (registration_id, session_id, method) VALUES (1, 1, 'code'), (2, 1, 'code');`); err != nil {
		t.Fatalf("legacy rows: %v", err)
	}
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		t.Fatalf("up: %v", err)
	}
	st := clinic.NewStore(db, clinic.NewSigner("k"), "https://penggerak.test")
	r1, err := st.Registration(ctx, 1)
	if err != nil || r1.Name != "Siti Aminah" || r1.SchoolName != "SD Negeri 1 Baturaja" {
		t.Errorf("known account and school: %+v %v", r1, err)
	}
	r2, err := st.Registration(ctx, 2)
	if err != nil || r2.Name != "Guru Lama" || r2.SchoolName != "Sekolah Karangan" || r2.NPSN != "99999999" {
		t.Errorf("unknown school kept as typed: %+v %v", r2, err)
	}
	for _, code := range []string{"AAAABBBBCCCC", "CCCCDDDDEEEE"} {
		if _, err := st.CertificateByCode(ctx, code, now); err != nil {
			t.Errorf("certificate %s after the migration: %v", code, err)
		}
	}
	// Old rows still change state (cancel, revoke) under the NOT VALID foreign key.
	if err := st.RevokeCertificate(ctx, audit.Actor{IP: "test"}, national, 1, 2, "Sekolah tidak terdaftar"); err != nil {
		t.Errorf("revoke a legacy certificate: %v", err)
	}
	if _, err := st.CancelRegistration(ctx, 2); err != nil {
		t.Errorf("cancel a legacy registration: %v", err)
	}
	// A new row naming an unknown NPSN is refused by the database itself.
	if _, err := db.Exec(ctx, `INSERT INTO clinic_registrations (clinic_id, name, email, npsn, status, code, cert_code)
		VALUES (1, 'Baru', 'baru@x.test', '88888888', 'waiting', 'EEEEFFFF', 'EEEEFFFFGGGG')`); err == nil {
		t.Error("a new registration with an unknown NPSN was stored")
	}
}
