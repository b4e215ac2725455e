package demo

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/clinic"
	"penggerak/internal/region"
)

// seedClinics creates the two demo events from the seeds (OKU and Kalimantan Tengah) when they
// are missing, starting two and three weeks from now so that registration is open.
func seedClinics(ctx context.Context, db *pgxpool.Pool) error {
	st := clinic.NewStore(db, clinic.NewSigner("demo"), "")
	wib := region.Location("WIB")
	now := time.Now().In(wib)
	day := func(offset int, h, m int) time.Time {
		d := now.AddDate(0, 0, offset)
		return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, wib)
	}
	events := []clinic.Input{
		{Kind: clinic.KindCoachingClinic, Title: "Coaching Clinic Rekrutmen Calon Guru Penggerak dan Calon Pengajar Praktik Angkatan 10",
			Description: "Persiapan rekrutmen CGP dan calon pengajar praktik bagi guru PAUD/TK, SD dan SMP di Kabupaten OKU.",
			Organiser:   "Dinas Pendidikan Kabupaten Ogan Komering Ulu", Partner: "BGP Provinsi Sumatera Selatan",
			ProvinceCode: "16", RegencyCode: "16.01", Mode: clinic.ModeOffline, Venue: "SMP Negeri 1 OKU, Baturaja",
			Capacity: 100, SchoolSlots: 2, Jenjang: []string{"PAUD", "SD", "SMP"}, Opens: day(-1, 8, 0), Closes: day(12, 23, 59),
			ContactName: "Sekretariat Disdik OKU", ContactPhone: "081234567890", LetterNumber: "421/0410/Disdik/2024",
			SignatoryName: "Drs. H. Topan Indra Fauzi, M.M., M.Pd.", SignatoryTitle: "Kepala Dinas Pendidikan Kabupaten OKU",
			Sessions: []clinic.Session{{Title: "Pembukaan dan paparan program", StartsAt: day(14, 8, 0), EndsAt: day(14, 12, 0)},
				{Title: "Praktik menyusun esai dan CV", StartsAt: day(14, 13, 0), EndsAt: day(14, 15, 30)}}},
		{Kind: clinic.KindCoachingClinic, Title: "Sosialisasi Coaching Clinic Program Guru Penggerak Tingkat Provinsi Kalimantan Tengah",
			Description: "Satu guru perwakilan dari setiap SMA se-Kalimantan Tengah, ditugaskan oleh kepala sekolah.",
			Organiser:   "Dinas Pendidikan Provinsi Kalimantan Tengah", Partner: "BGP Provinsi Kalimantan Tengah",
			ProvinceCode: "62", Mode: clinic.ModeOffline, Venue: "Hotel Neo Palma, Palangka Raya",
			Capacity: 150, SchoolSlots: 1, Jenjang: []string{"SMA"}, Opens: day(-1, 8, 0), Closes: day(18, 23, 59),
			ContactName: "Bidang GTK Disdik Kalteng", ContactPhone: "081298765432", LetterNumber: "800/512/GTK/Disdik/2024",
			SignatoryName: "Syafrudin, M.Pd.", SignatoryTitle: "Plt. Sekretaris Dinas Pendidikan",
			Sessions: []clinic.Session{{Title: "Pembukaan", StartsAt: day(21, 13, 0), EndsAt: day(21, 17, 0)},
				{Title: "Coaching dan well-being", StartsAt: day(22, 8, 0), EndsAt: day(22, 16, 0)},
				{Title: "Rencana aksi dan penutupan", StartsAt: day(23, 8, 0), EndsAt: day(23, 12, 0)}}},
	}
	for _, in := range events {
		var exists bool
		if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM clinics WHERE title = $1 AND province_code = $2)`, in.Title, in.ProvinceCode).Scan(&exists); err != nil {
			return err
		}
		if exists {
			continue
		}
		id, err := st.Create(ctx, audit.Actor{IP: "seed"}, in)
		if err != nil {
			return err
		}
		if err := st.Publish(ctx, audit.Actor{IP: "seed"}, clinic.Scope{National: true}, id); err != nil {
			return err
		}
	}
	return nil
}
