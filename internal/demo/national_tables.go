package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/application"
)

func (n *national) tables() []natTable {
	hash := n.hash
	var seenNIK map[string]bool
	contentCache := func(i int) ([]byte, string, string) {
		t := n.teachers[i]
		s := n.schools[t.School]
		_, submitted := n.appTimes(i)
		number := application.RegistrationNumber("cgp", NationalCohortNumber, s.Regency, n.appID(i))
		c := application.Content{ApplicationID: n.appID(i), CohortID: n.cohortID, UserID: n.userID(i), RegistrationNumber: number,
			SubmittedAt: submitted.UTC().Format(time.RFC3339Nano), CV: []application.CVEntry{}, Essays: []application.ContentEssay{}, Documents: []application.ContentDoc{}}
		r := n.rng(saltProfile, uint64(i))
		c.Profile = application.ContentProfile{Name: natName(t), NPSN: s.NPSN, RegencyCode: s.Regency, Jenjang: s.Jenjang,
			Subject: natSubjects[r.IntN(len(natSubjects))], EmploymentStatus: natEmployment(r), YearsTeaching: natYears(i, t), Education: "S1"}
		for k := 0; k < n.cvCount(i); k++ {
			c.CV = append(c.CV, n.cvEntry(i, k))
		}
		for q, id := range n.questions {
			c.Essays = append(c.Essays, application.ContentEssay{QuestionID: id, Body: n.essay(i, q)})
		}
		for k, ok := range n.docs(i) {
			if ok {
				_, sum, size := n.docRow(i, k)
				c.Documents = append(c.Documents, application.ContentDoc{RequiredDocumentID: n.documents[k], SHA256: sum, Size: size})
			}
		}
		c.ConsentVersion = application.ConsentVersion
		c.ConsentedAt = submitted.Add(-10 * time.Minute).UTC().Format(time.RFC3339Nano)
		b, sum := c.Checksum()
		return b, sum, number
	}
	nt := len(n.teachers)
	apps := fmt.Sprintf("application_id BETWEEN %d AND %d", n.appBase+1, n.appBase+int64(nt))
	rub := natRubric()
	return []natTable{
		{name: "schools", cols: []string{"npsn", "name", "jenjang", "status", "regency_code", "district_code", "address", "email", "principal_name"},
			where: "npsn LIKE '6%'",
			src: &gen{count: len(n.schools), next: func(i int) []any {
				s := n.schools[i]
				r := n.rng(saltSchool, uint64(i))
				status := "negeri"
				if strings.Contains(s.Name, "Swasta") {
					status = "swasta"
				}
				return []any{s.NPSN, s.Name, s.Jenjang, status, s.Regency, s.District,
					fmt.Sprintf("%s No. %d", streets[r.IntN(len(streets))], 1+r.IntN(150)), s.NPSN + "@sekolah.nasional.id",
					firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))] + ", " + titles[r.IntN(len(titles))]}
			}}},
		{name: "users", cols: []string{"id", "email", "name", "phone", "password_hash", "email_verified_at", "created_at"},
			where: fmt.Sprintf("id > %d", n.userBase),
			src: &gen{count: nt + 2*len(n.regencies), next: func(i int) []any {
				if i >= nt { // two assessors per kab/kota
					k := i - nt
					reg := n.regencies[k/2]
					return []any{n.userID(i), fmt.Sprintf("asesor%s.%d@nasional.penggerak.id", strings.ReplaceAll(reg, ".", ""), k%2+1),
						fmt.Sprintf("Asesor %s %d", reg, k%2+1), "081300000000", hash, n.opens.AddDate(0, -1, 0), n.opens.AddDate(0, -1, 0)}
				}
				created, _ := n.appTimes(i)
				return []any{n.userID(i), NationalEmail(i + 1), natName(n.teachers[i]), fmt.Sprintf("08%010d", 1_000_000_000+i), hash, created.Add(-time.Hour), created.Add(-2 * time.Hour)}
			}}},
		// Every account holds guru (as account.CreateUser gives it); the assessors also asesor
		// in their province.
		{name: "role_grants", cols: []string{"user_id", "role", "province_code"}, where: fmt.Sprintf("user_id > %d", n.userBase),
			src: &gen{count: nt + 4*len(n.regencies), next: func(k int) []any {
				if k < nt+2*len(n.regencies) {
					return []any{n.userID(k), "guru", nil}
				}
				k -= nt + 2*len(n.regencies)
				return []any{n.userID(nt + k), "asesor", n.regencies[k/2][:2]}
			}},
			after: func(ctx context.Context, tx pgx.Tx) error {
				n.assessors = map[string][2]int64{}
				for k, reg := range n.regencies {
					n.assessors[reg] = [2]int64{n.userID(nt + 2*k), n.userID(nt + 2*k + 1)}
				}
				return nil
			}},
		{name: "teacher_profiles", cols: []string{"user_id", "nik", "nuptk", "nip", "birth_date", "gender", "npsn", "jenjang", "subject", "employment_status", "years_teaching", "education"},
			where: fmt.Sprintf("user_id > %d", n.userBase),
			before: func(ctx context.Context, tx pgx.Tx) error {
				rows, _ := tx.Query(ctx, `SELECT nik FROM teacher_profiles`)
				list, err := pgx.CollectRows(rows, pgx.RowTo[string])
				seenNIK = map[string]bool{}
				for _, x := range list {
					seenNIK[x] = true
				}
				return err
			},
			src: &gen{count: nt, next: func(i int) []any {
				t := n.teachers[i]
				s := n.schools[t.School]
				r := n.rng(saltProfile, uint64(i))
				subject, emp := natSubjects[r.IntN(len(natSubjects))], natEmployment(r)
				gender := "L"
				if t.Female {
					gender = "P"
				}
				nuptk, nip := "", ""
				if emp == "PNS" || emp == "PPPK" || r.IntN(3) > 0 {
					nuptk = fmt.Sprintf("%d%015d", 1+r.IntN(9), r.Int64N(1_000_000_000_000_000))
				}
				if emp == "PNS" || emp == "PPPK" {
					g := "1"
					if t.Female {
						g = "2"
					}
					nip = t.Birth.Format("20060102") + fmt.Sprintf("%04d%02d", t.Birth.Year()+23+r.IntN(5), 1+r.IntN(12)) + g + fmt.Sprintf("%03d", 1+r.IntN(999))
				}
				return []any{n.userID(i), n.nik(i, seenNIK), nuptk, nip, t.Birth, gender, s.NPSN, s.Jenjang, subject, emp, natYears(i, t), "S1"}
			}}},
		{name: "applications", cols: []string{"id", "cohort_id", "user_id", "status", "applicant_name", "npsn", "regency_code", "province_code", "jenjang",
			"profile_confirmed_at", "submitted_at", "registration_number", "receipt_checksum", "submitted_content", "withdrawn_at",
			"verval_decided_at", "verval_decided_by", "created_at", "updated_at"},
			where: fmt.Sprintf("cohort_id = %d", n.cohortID),
			src: &gen{count: nt, next: func(i int) []any {
				t := n.teachers[i]
				s := n.schools[t.School]
				created, submitted := n.appTimes(i)
				var confirmed, sub, withdrawn, decided, by any
				var number, sum, content any
				if t.State.complete() {
					confirmed = created.Add(5 * time.Minute)
				}
				if t.State == stWithdrawn {
					withdrawn = submitted
				}
				if t.State.submitted() {
					b, c, num := contentCache(i)
					sub, number, sum, content = submitted, num, c, b
				}
				updated := submitted
				if t.State.decided() {
					d := submitted.Add(72 * time.Hour)
					if d.After(n.anchor) {
						d = n.anchor.Add(-time.Minute)
					}
					decided, by, updated = d, n.assessors[s.Regency][0], d
				}
				return []any{n.appID(i), n.cohortID, n.userID(i), t.State.status(), natName(t), s.NPSN, s.Regency, s.Regency[:2], s.Jenjang,
					confirmed, sub, number, sum, content, withdrawn, decided, by, created, updated}
			}}},
		{name: "application_cv_entries", cols: []string{"id", "application_id", "section", "title", "organisation", "year_from", "year_to", "description"},
			where: apps,
			src: &gen{count: nt, per: 3, next: func(x int) []any {
				i, k := x/3, x%3
				if k >= n.cvCount(i) {
					return nil
				}
				e := n.cvEntry(i, k)
				return []any{e.ID, n.appID(i), e.Section, e.Title, e.Organisation, *e.YearFrom, *e.YearTo, e.Description}
			}}},
		{name: "application_essays", cols: []string{"application_id", "question_id", "body", "updated_at"}, where: apps,
			src: &gen{count: nt, per: 4, next: func(x int) []any {
				i, q := x/4, x%4
				if n.teachers[i].State == stDraftPartial && q >= 2 {
					return nil
				}
				created, _ := n.appTimes(i)
				return []any{n.appID(i), n.questions[q], n.essay(i, q), created.Add(time.Duration(30+q*10) * time.Minute)}
			}}},
		{name: "application_documents", cols: []string{"id", "application_id", "required_document_id", "storage_name", "original_name", "size_bytes", "sha256",
			"uploaded_at", "verval_status", "verval_reason", "verval_by", "verval_at"}, where: apps,
			src: &gen{count: nt, per: 4, next: func(x int) []any {
				i, k := x/4, x%4
				if !n.docs(i)[k] {
					return nil
				}
				t := n.teachers[i]
				created, submitted := n.appTimes(i)
				storage, sum, size := n.docRow(i, k)
				status, reason := "pending", ""
				var by, at any
				if t.State.decided() {
					status, by, at = "valid", n.assessors[n.schools[t.School].Regency][0], submitted.Add(71*time.Hour)
					if t.State == stVervalFailed && k == i%3 {
						status, reason = "invalid", application.VervalReasons[i%len(application.VervalReasons)]
					}
				}
				return []any{n.docBase + int64(i)*4 + int64(k) + 1, n.appID(i), n.documents[k], storage, fmt.Sprintf("dokumen-%d.pdf", k+1), size, sum,
					created.Add(time.Duration(40+k) * time.Minute), status, reason, by, at}
			}}},
		{name: "application_consents", cols: []string{"application_id", "text_version", "consented_at", "ip"}, where: apps,
			src: &gen{count: nt, next: func(i int) []any {
				if !n.teachers[i].State.complete() {
					return nil
				}
				_, submitted := n.appTimes(i)
				return []any{n.appID(i), application.ConsentVersion, submitted.Add(-10 * time.Minute), "10.20.0.1"}
			}}},
		{name: "verval_assignments", cols: []string{"application_id", "assessor_id", "assigned_at"}, where: apps,
			src: &gen{count: nt, next: func(i int) []any {
				t := n.teachers[i]
				if !t.State.submitted() {
					return nil
				}
				_, submitted := n.appTimes(i)
				return []any{n.appID(i), n.assessors[n.schools[t.School].Regency][0], submitted.Add(time.Hour)}
			}}},
		{name: "verval_decisions", cols: []string{"document_id", "assessor_id", "verdict", "reason", "decided_at"},
			where: fmt.Sprintf("document_id BETWEEN %d AND %d", n.docBase+1, n.docBase+int64(nt)*4),
			src: &gen{count: nt, per: 4, next: func(x int) []any {
				i, k := x/4, x%4
				t := n.teachers[i]
				if !t.State.decided() || !n.docs(i)[k] {
					return nil
				}
				_, submitted := n.appTimes(i)
				verdict, reason := "valid", ""
				if t.State == stVervalFailed && k == i%3 {
					verdict, reason = "invalid", application.VervalReasons[i%len(application.VervalReasons)]
				}
				return []any{n.docBase + int64(i)*4 + int64(k) + 1, n.assessors[n.schools[t.School].Regency][0], verdict, reason, submitted.Add(71 * time.Hour)}
			}}},
		{name: "score_sheets", cols: []string{"id", "application_id", "stage", "assessor_id", "assigned_at", "due_at", "submitted_at", "stage_score", "scores"},
			where: apps,
			src: &gen{count: nt, per: 2, next: func(x int) []any {
				i, k := x/2, x%2
				t := n.teachers[i]
				if t.State != stVervalPassed {
					return nil
				}
				_, submitted := n.appTimes(i)
				sc := n.scores(i)[k]
				ints := make([]int, len(sc))
				for j, v := range sc {
					ints[j] = int(v)
				}
				score, _ := rub.StageScore(ints)
				assigned := submitted.Add(80 * time.Hour)
				return []any{n.sheetBase + int64(i)*2 + int64(k) + 1, n.appID(i), "tahap1", n.assessors[n.schools[t.School].Regency][k],
					assigned, assigned.AddDate(0, 0, 7), assigned.Add(time.Duration(2+k) * time.Hour), score, sc}
			}}},
		{name: "score_items", cols: []string{"sheet_id", "position", "score"},
			where: fmt.Sprintf("sheet_id BETWEEN %d AND %d", n.sheetBase+1, n.sheetBase+int64(nt)*2),
			// The items are the sheets' submitted scores; the lock trigger (which refuses items
			// of a submitted sheet) is off for this COPY only, inside the transaction.
			before: func(ctx context.Context, tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `ALTER TABLE score_items DISABLE TRIGGER score_items_locked`)
				return err
			},
			after: func(ctx context.Context, tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `ALTER TABLE score_items ENABLE TRIGGER score_items_locked`)
				return err
			},
			src: &gen{count: nt, per: 16, next: func(x int) []any {
				i, k, c := x/16, (x%16)/8, x%8
				if n.teachers[i].State != stVervalPassed {
					return nil
				}
				return []any{n.sheetBase + int64(i)*2 + int64(k) + 1, c + 1, n.scores(i)[k][c]}
			}}},
		{name: "clinics", cols: []string{"id", "kind", "title", "description", "organiser", "province_code", "regency_code", "mode", "venue", "capacity",
			"school_slots", "jenjang", "registration_opens", "registration_closes", "contact_name", "contact_phone", "status"},
			where: fmt.Sprintf("id > %d", n.clinicBase),
			src: &gen{count: len(n.regencies), next: func(k int) []any {
				reg := n.regencies[k]
				return []any{n.clinicBase + int64(k) + 1, "coaching_clinic", "Coaching Clinic Rekrutmen CGP Angkatan 20 Kab/Kota " + reg,
					"Persiapan rekrutmen Calon Guru Penggerak bagi guru di kabupaten/kota ini.", "Dinas Pendidikan " + reg, reg[:2], reg, "offline",
					"Aula Dinas Pendidikan", 150, 0, []string{"PAUD", "SD", "SMP", "SMA", "SMK", "SLB"}, n.opens, n.anchor.AddDate(0, 0, 14),
					"Sekretariat", "081234567890", "published"}
			}}},
		{name: "clinic_sessions", cols: []string{"clinic_id", "title", "starts_at", "ends_at"}, where: fmt.Sprintf("clinic_id > %d", n.clinicBase),
			src: &gen{count: len(n.regencies), per: 2, next: func(x int) []any {
				k, s := x/2, x%2
				start := n.anchor.AddDate(0, 0, 16).Add(time.Duration(1+5*s) * time.Hour)
				return []any{n.clinicBase + int64(k) + 1, []string{"Paparan program", "Praktik esai dan CV"}[s], start, start.Add(4 * time.Hour)}
			}}},
		{name: "clinic_registrations", cols: []string{"id", "clinic_id", "user_id", "name", "email", "phone", "npsn", "school_name", "jenjang", "status", "code", "cert_code", "created_at"},
			where: fmt.Sprintf("clinic_id > %d", n.clinicBase),
			src:   n.registrations(),
		},
	}
}

// registrations: the first 120 teachers of each kab/kota (by index) register for its clinic,
// the first 100 with a seat, the rest on the waiting list.
func (n *national) registrations() pgx.CopyFromSource {
	type reg struct {
		clinic int
		i      int32
		k      int
	}
	var list []reg
	for c, code := range n.regencies {
		ts := n.byRegency[code]
		for k := 0; k < len(ts) && k < 120; k++ {
			list = append(list, reg{c, ts[k], k})
		}
	}
	seen := map[string]bool{}
	code := func(r *rand.Rand, l int) string {
		for {
			b := make([]byte, l)
			for j := range b {
				b[j] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[r.IntN(32)]
			}
			if !seen[string(b)] {
				seen[string(b)] = true
				return string(b)
			}
		}
	}
	return &gen{count: len(list), next: func(x int) []any {
		g := list[x]
		i := int(g.i)
		t := n.teachers[i]
		s := n.schools[t.School]
		r := n.rng(saltReg, uint64(x))
		status := "registered"
		if g.k >= 100 {
			status = "waiting"
		}
		return []any{n.regBase + int64(x) + 1, n.clinicBase + int64(g.clinic) + 1, n.userID(i), natName(t), NationalEmail(i + 1),
			fmt.Sprintf("08%010d", 1_000_000_000+i), s.NPSN, s.Name, s.Jenjang, status, code(r, 8), code(r, 12), n.opens.Add(time.Duration(x%1000) * time.Minute)}
	}}
}
