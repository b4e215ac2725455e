package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/profile"
	"penggerak/internal/school"
)

// kecamatan is a district the demo schools are placed in.
type kecamatan struct{ Code, Name string }

// demoRegency is a kabupaten/kota that gets demo schools.
type demoRegency struct {
	Code  string
	Short string // as in school names: SMP Negeri 1 OKU
	// NPSNBase: the demo NPSNs of the regency are NPSNBase+1, NPSNBase+2, …
	NPSNBase int
}

// demoRegencies are Kabupaten Ogan Komering Ulu, Kota Serang and three kabupaten/kota of
// Kalimantan Tengah, as in the seed articles.
var demoRegencies = []demoRegency{
	{Code: "16.01", Short: "OKU", NPSNBase: 10601000},
	{Code: "36.73", Short: "Kota Serang", NPSNBase: 20673000},
	{Code: "62.71", Short: "Palangka Raya", NPSNBase: 30271000},
	{Code: "62.02", Short: "Kotawaringin Timur", NPSNBase: 30202000},
	{Code: "62.03", Short: "Kapuas", NPSNBase: 30203000},
}

var (
	firstNames = []string{"Ahmad", "Siti", "Budi", "Dewi", "Hendra", "Nurhayati", "Rudi", "Sri", "Agus", "Yuliana",
		"Bambang", "Rina", "Joko", "Fitri", "Hasan", "Lestari", "Imam", "Wahyuni", "Dedi", "Marlina",
		"Eko", "Ratna", "Yusuf", "Kartini", "Rahmat", "Indah", "Suparman", "Herlina", "Teguh", "Maria"}
	lastNames = []string{"Saputra", "Wulandari", "Hidayat", "Susanti", "Pratama", "Rahayu", "Siregar", "Handayani",
		"Nugroho", "Lubis", "Setiawan", "Kusuma", "Harahap", "Purnamasari", "Gunawan", "Simanjuntak",
		"Firmansyah", "Anggraini", "Kurniawan", "Ningsih", "Effendi", "Sari", "Tambunan", "Ginting"}
	titles  = []string{"S.Pd.", "S.Pd.", "M.Pd.", "S.Pd.SD", "S.Ag.", "M.Pd.I"}
	streets = []string{"Jl. Merdeka", "Jl. Jenderal Sudirman", "Jl. Ahmad Yani", "Jl. Pendidikan", "Jl. Diponegoro",
		"Jl. Kartini", "Jl. Pahlawan", "Jl. Veteran", "Jl. Garuda", "Jl. Imam Bonjol", "Jl. Cut Nyak Dien", "Jl. Tjilik Riwut"}
	privateSD  = []string{"SD Muhammadiyah %d %s", "SD Islam Terpadu Al-Hikmah %s", "SD Kristen %d %s", "SD Katolik Santo Yosef %s", "SD Swasta Bina Insani %s"}
	privateSMP = []string{"SMP Muhammadiyah %d %s", "SMP Islam Terpadu Insan Cendekia %s", "SMP Swasta PGRI %d %s", "SMP Kristen %d %s"}
	privateSMA = []string{"SMA Muhammadiyah %d %s", "SMA Swasta PGRI %d %s", "SMA Katolik Santa Maria %s"}
	privateSMK = []string{"SMK Swasta Bina Karya %s", "SMK Muhammadiyah %d %s", "SMK Swasta Kesehatan Husada %s", "SMK Swasta Teknologi Nusantara %s"}
	privateTK  = []string{"TK Aisyiyah Bustanul Athfal %d %s", "TK Islam Terpadu Permata Hati %s", "TK Kristen Kasih %s", "TK Swasta Tunas Bangsa %s"}
)

// DemoGuruSchool is the school of the demo teacher's profile.
const DemoGuruSchool = "SD Negeri 12 Baturaja Timur"

// schoolsFor returns the demo schools of one kabupaten/kota with its kecamatan (in code order).
// The result depends only on its arguments.
func schoolsFor(reg demoRegency, districts []kecamatan) []school.School {
	rng := rand.New(rand.NewPCG(uint64(reg.NPSNBase), 2026))
	var out []school.School
	add := func(name, jenjang, status string, d kecamatan) {
		principal := firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))] + ", " + titles[rng.IntN(len(titles))]
		out = append(out, school.School{
			NPSN: fmt.Sprintf("%08d", reg.NPSNBase+len(out)+1), Name: name, Jenjang: jenjang, Status: status,
			RegencyCode: reg.Code, DistrictCode: d.Code, PrincipalName: principal,
			Address: fmt.Sprintf("%s No. %d, Kec. %s", streets[rng.IntN(len(streets))], 1+rng.IntN(150), d.Name),
			Email:   emailOf(name),
		})
	}
	pick := func(list []string, n int, place string) string {
		f := list[rng.IntN(len(list))]
		if strings.Count(f, "%") == 2 {
			return fmt.Sprintf(f, n, place)
		}
		return fmt.Sprintf(f, place)
	}
	district := func(i int) kecamatan { return districts[i%len(districts)] }
	for i, d := range districts {
		n := 2 + rng.IntN(3)
		if d.Name == "Baturaja Timur" {
			n = 14 // the demo teacher's school is SD Negeri 12 Baturaja Timur
		}
		for k := 1; k <= n; k++ {
			add(fmt.Sprintf("SD Negeri %d %s", k, d.Name), "SD", "negeri", d)
		}
		if i%2 == 0 {
			add("TK Negeri Pembina "+d.Name, "PAUD", "negeri", d)
		}
	}
	for k := 1; k <= len(districts)/3+1; k++ {
		add(pick(privateTK, k, reg.Short), "PAUD", "swasta", district(k*3))
		add(pick(privateSD, k, reg.Short), "SD", "swasta", district(k*2))
	}
	for k := 1; k <= len(districts)/2+2; k++ {
		add(fmt.Sprintf("SMP Negeri %d %s", k, reg.Short), "SMP", "negeri", district(k-1))
	}
	for k := 1; k <= len(districts)/4+1; k++ {
		add(pick(privateSMP, k, reg.Short), "SMP", "swasta", district(k+1))
	}
	for k := 1; k <= len(districts)/4+2; k++ {
		add(fmt.Sprintf("SMA Negeri %d %s", k, reg.Short), "SMA", "negeri", district(k-1))
	}
	add(pick(privateSMA, 1, reg.Short), "SMA", "swasta", district(2))
	for k := 1; k <= 2; k++ {
		add(fmt.Sprintf("SMK Negeri %d %s", k, reg.Short), "SMK", "negeri", district(k))
		add(pick(privateSMK, k, reg.Short), "SMK", "swasta", district(k+3))
	}
	add("SLB Negeri "+reg.Short, "SLB", "negeri", districts[0])
	return dedupe(out)
}

// dedupe drops a school whose name is already taken in the regency (a random private name
// can come out twice), keeping NPSNs as they were.
func dedupe(list []school.School) []school.School {
	seen := map[string]bool{}
	out := list[:0]
	for _, s := range list {
		if !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s)
		}
	}
	return out
}

func emailOf(name string) string {
	short := strings.NewReplacer("SD Negeri ", "sdn", "SMP Negeri ", "smpn", "SMA Negeri ", "sman", "SMK Negeri ", "smkn",
		"TK Negeri Pembina ", "tknp", "SLB Negeri ", "slbn").Replace(name)
	var b strings.Builder
	for _, c := range strings.ToLower(short) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
		}
	}
	return b.String() + "@demo.sch.id"
}

// seedSchools inserts the demo schools that are missing.
func seedSchools(ctx context.Context, db *pgxpool.Pool) (int, error) {
	n := 0
	for _, reg := range demoRegencies {
		rows, _ := db.Query(ctx, `SELECT code, name FROM districts WHERE regency_code = $1 ORDER BY code`, reg.Code)
		var districts []kecamatan
		var d kecamatan
		if _, err := pgx.ForEachRow(rows, []any{&d.Code, &d.Name}, func() error {
			districts = append(districts, d)
			return nil
		}); err != nil {
			return n, err
		}
		if len(districts) == 0 {
			return n, fmt.Errorf("demo schools: no kecamatan for %s (regions not loaded?)", reg.Code)
		}
		b := &pgx.Batch{}
		for _, s := range schoolsFor(reg, districts) {
			b.Queue(`INSERT INTO schools (npsn, name, jenjang, status, regency_code, district_code, address, email, principal_name)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (npsn) DO NOTHING`,
				s.NPSN, s.Name, s.Jenjang, s.Status, s.RegencyCode, s.DistrictCode, s.Address, s.Email, s.PrincipalName)
			n++
		}
		if err := db.SendBatch(ctx, b).Close(); err != nil {
			return n, fmt.Errorf("demo schools %s: %w", reg.Code, err)
		}
	}
	return n, nil
}

// DemoGuruProfile is the profile of the demo teacher (guru@demo.penggerak.id), Siti
// Rahmawati: a woman born 14 May 1988, so her NIK's day is 14+40 = 54.
var DemoGuruProfile = profile.Profile{
	NIK: "1601145405880001", NUPTK: "7846766667130082", NIP: "198805142010012003",
	BirthDate: time.Date(1988, 5, 14, 0, 0, 0, 0, time.UTC), Gender: "P", Jenjang: "SD", Subject: "Guru Kelas",
	EmploymentStatus: "PNS", YearsTeaching: 15, Education: "S1",
}

// seedGuruProfile gives the demo teacher a complete profile at a school in OKU, unless they
// already have one.
func seedGuruProfile(ctx context.Context, db *pgxpool.Pool, email string) error {
	var userID int64
	var npsn string
	err := db.QueryRow(ctx, `SELECT u.id, s.npsn FROM users u, schools s
		WHERE u.email = $1 AND s.name = $2 AND s.regency_code = '16.01'`, email, DemoGuruSchool).Scan(&userID, &npsn)
	if err != nil {
		return fmt.Errorf("demo guru profile: %w", err)
	}
	var exists bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM teacher_profiles WHERE user_id = $1)`, userID).Scan(&exists); err != nil || exists {
		return err
	}
	p := DemoGuruProfile
	p.NPSN = npsn
	return profile.NewStore(db).Save(ctx, audit.Actor{IP: "seed"}, userID, p)
}
