package report

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/application"
	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/internal/pdp"
	"penggerak/internal/selection"
)

// The lists a role can export. Each export streams its query into an export.Writer (one row in
// memory at a time) and is audited by RecordExport with its filters and row count. NIK is
// masked in every export (pdp.Mask): no staff role needs it whole in a spreadsheet.
const (
	ExportApplications = "lamaran"
	ExportVerval       = "verval"
	ExportRun          = "hasil"
	ExportUsers        = "pengguna"
)

// statusText names the verval stage's statuses in the verval export (Bahasa Indonesia, as the
// headers): that export is about the verval stage itself.
var statusText = map[application.Status]string{application.StatusDraft: "Draf", application.StatusSubmitted: "Terkirim",
	application.StatusWithdrawn: "Ditarik", application.StatusVervalPassed: "Lolos verval", application.StatusVervalFailed: "Tidak lolos verval"}

// RecordExport audits one export: who (actor), what (kind, object), the filters and the number
// of rows written.
func (s *Store) RecordExport(ctx context.Context, actor audit.Actor, kind, object string, f export.Format, filters map[string]any, rows int) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "report.export", ObjectType: "export." + kind, ObjectID: object,
			Detail: map[string]any{"format": string(f), "filters": filters, "rows": rows}})
	})
}

// Applications writes the regional application list (the same scope and filters as
// /pantau/lamaran, every page of it), NIK masked.
func (s *Store) Applications(ctx context.Context, sc application.Scope, f application.Filter, w export.Writer) (int, error) {
	f.After = 0
	cond, args := application.Condition(sc, f)
	if err := w.Header([]string{"Nomor pendaftaran", "Angkatan", "Nama", "NIK", "Sekolah", "NPSN", "Kabupaten/kota", "Jenjang",
		"Status", "Dikirim"}); err != nil {
		return 0, err
	}
	return export.StreamQuery(ctx, s.db, w, func(r pgx.Rows) ([]any, error) {
		var num *string
		var cohort, name, nik, school, npsn, regency, jenjang string
		var p application.Progress
		var sent *time.Time
		if err := r.Scan(&num, &cohort, &name, &nik, &school, &npsn, &regency, &jenjang, &p.Status, &sent,
			&p.Outcome, &p.Seat, &p.Training, &p.TrainingOutcome); err != nil {
			return nil, err
		}
		if sent != nil {
			t := sent.In(TZ)
			sent = &t
		}
		// Where the application stands, as every page says it (application.StatusKey).
		return []any{num, cohort, name, pdp.Mask(nik), school, npsn, regency, jenjang, s.label(application.StatusKey(p)), sent}, nil
	}, `SELECT a.registration_number, c.name, a.applicant_name, coalesce(tp.nik, ''), sc.name, a.npsn, r.name, a.jenjang, a.status, a.submitted_at,
		`+application.ProgressFacts+`
		FROM applications a JOIN cohorts c ON c.id = a.cohort_id JOIN schools sc ON sc.npsn = a.npsn JOIN regencies r ON r.code = a.regency_code
		LEFT JOIN teacher_profiles tp ON tp.user_id = a.user_id `+application.ProgressJoin+`
		WHERE `+cond+` ORDER BY a.id`, args...)
}

// Verval writes the verval outcome of every decided application of a cohort in scope, with
// the documents found invalid and their reasons.
func (s *Store) Verval(ctx context.Context, sc application.Scope, cohortID int64, w export.Writer) (int, error) {
	cond, args := application.Condition(sc, application.Filter{CohortID: cohortID})
	if err := w.Header([]string{"Nomor pendaftaran", "Nama", "Sekolah", "Kabupaten/kota", "Jenjang", "Hasil verval", "Diputuskan",
		"Dokumen tidak valid dan alasannya"}); err != nil {
		return 0, err
	}
	return export.StreamQuery(ctx, s.db, w, func(r pgx.Rows) ([]any, error) {
		var num, name, school, regency, jenjang, reasons string
		var status application.Status
		var decided *time.Time
		if err := r.Scan(&num, &name, &school, &regency, &jenjang, &status, &decided, &reasons); err != nil {
			return nil, err
		}
		return []any{num, name, school, regency, jenjang, statusText[status], decided, reasons}, nil
	}, `SELECT a.registration_number, a.applicant_name, sc.name, r.name, a.jenjang, a.status, a.verval_decided_at,
			coalesce((SELECT string_agg(rd.name || ': ' || d.verval_reason || CASE WHEN d.verval_note <> '' THEN ' (' || d.verval_note || ')' ELSE '' END,
				'; ' ORDER BY rd.position, rd.id)
				FROM application_documents d JOIN required_documents rd ON rd.id = d.required_document_id
				WHERE d.application_id = a.id AND d.verval_status = 'invalid'), '')
		FROM applications a JOIN schools sc ON sc.npsn = a.npsn JOIN regencies r ON r.code = a.regency_code
		WHERE `+cond+` AND a.status = ANY($`+strconv.Itoa(len(args)+1)+`) ORDER BY a.id`, append(args, application.VervalOutcomes)...)
}

// ErrRunNotVisible is returned (with database.ErrNotFound) for a run the viewer may not see.
var ErrRunNotVisible = errors.New("report: run not visible")

// Run writes a result run's results in the viewer's region (selection.RegionFilter, published
// runs only when publishedOnly) with the full breakdown: each stage's final score and the mean
// per criterion of the sheets the final counts (the two-assessor rule of selection.Rubric).
func (s *Store) Run(ctx context.Context, runID int64, rf selection.RegionFilter, publishedOnly bool, w export.Writer) (int, error) {
	var cohortID int64
	var published *time.Time
	err := s.db.QueryRow(ctx, `SELECT cohort_id, published_at FROM result_runs WHERE id = $1`, runID).Scan(&cohortID, &published)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && publishedOnly && published == nil) {
		return 0, fmt.Errorf("run %d: %w: %w", runID, ErrRunNotVisible, database.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	var rubrics []selection.StageRubric
	header := []string{"Peringkat", "Nomor pendaftaran", "Nama", "Kabupaten/kota", "Jenjang", "Hasil", "Nilai akhir"}
	sel := selection.NewStore(s.db)
	for _, st := range selection.Stages {
		sr, err := sel.LoadRubric(ctx, cohortID, st)
		if errors.Is(err, database.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		rubrics = append(rubrics, sr)
		header = append(header, "Nilai "+string(st))
		for _, c := range sr.Rubric.Criteria {
			header = append(header, string(st)+": "+c.Name)
		}
	}
	if err := w.Header(header); err != nil {
		return 0, err
	}
	sheetsSQL := make([]string, len(rubrics))
	for i, sr := range rubrics {
		sheetsSQL[i] = `coalesce((SELECT string_agg(array_to_string(sh.scores, ','), ';' ORDER BY sh.adjudicator, sh.id) FROM score_sheets sh
			WHERE sh.application_id = rr.application_id AND sh.stage = '` + string(sr.Stage) + `' AND sh.submitted_at IS NOT NULL), '')`
	}
	extra := ""
	if len(sheetsSQL) > 0 {
		extra = ", " + strings.Join(sheetsSQL, ", ")
	}
	regionCond := "TRUE"
	args := []any{runID}
	if !rf.National {
		args = append(args, database.NonNil(rf.Provinces), database.NonNil(rf.Regencies))
		regionCond = "(rr.province_code = ANY($2) OR rr.regency_code = ANY($3))"
	}
	cells := make([]any, 0, len(header))
	dest := make([]any, 7+len(rubrics))
	var rank int
	var num *string
	var name, regency, jenjang, outcome string
	var score float64
	sheets := make([]string, len(rubrics))
	dest[0], dest[1], dest[2], dest[3], dest[4], dest[5], dest[6] = &rank, &num, &name, &regency, &jenjang, &outcome, &score
	for i := range rubrics {
		dest[7+i] = &sheets[i]
	}
	return export.StreamQuery(ctx, s.db, w, func(r pgx.Rows) ([]any, error) {
		if err := r.Scan(dest...); err != nil {
			return nil, err
		}
		cells = append(cells[:0], rank, num, name, regency, jenjang, s.label("selection.outcome."+outcome), score)
		for i, sr := range rubrics {
			f, ok := finalOf(sr.Rubric, sheets[i])
			if !ok {
				cells = append(cells, nil)
				for range sr.Rubric.Criteria {
					cells = append(cells, nil)
				}
				continue
			}
			cells = append(cells, f.Score)
			for _, m := range f.CriterionMeans {
				cells = append(cells, m)
			}
		}
		return cells, nil
	}, `SELECT rr.rank, a.registration_number, a.applicant_name, r.name, a.jenjang, rr.outcome, rr.score::float8`+extra+`
		FROM run_results rr JOIN applications a ON a.id = rr.application_id JOIN regencies r ON r.code = rr.regency_code
		WHERE rr.run_id = $1 AND `+regionCond+` ORDER BY r.name, rr.regency_code, rr.rank`, args...)
}

// finalOf decides a stage from its sheets as "1,2,3;4,3,2" (in adjudicator, id order).
func finalOf(r selection.Rubric, text string) (selection.StageFinal, bool) {
	if text == "" {
		return selection.StageFinal{}, false
	}
	var sheets [][]int
	for _, sh := range strings.Split(text, ";") {
		var scores []int
		for _, v := range strings.Split(sh, ",") {
			n, err := strconv.Atoi(v)
			if err != nil {
				return selection.StageFinal{}, false
			}
			scores = append(scores, n)
		}
		sheets = append(sheets, scores)
	}
	if len(sheets) < 2 || len(sheets) > 3 {
		return selection.StageFinal{}, false
	}
	f, err := r.Finalize(sheets)
	if err != nil || f.NeedThird {
		return selection.StageFinal{}, false
	}
	return f, true
}

// Users writes the role grants with their accounts, revoked ones too with their status and
// when (issue 11: a revoked row stays visible): every grant for the national admin, the grants
// within the given provinces for a BGP.
func (s *Store) Users(ctx context.Context, national bool, provinces []string, w export.Writer) (int, error) {
	if err := w.Header([]string{"Surel", "Nama", "Peran", "Provinsi", "Kabupaten/kota", "Diberikan", "Surel terverifikasi", "Status", "Dicabut"}); err != nil {
		return 0, err
	}
	return export.StreamQuery(ctx, s.db, w, export.Values, `SELECT u.email, u.name, g.role, coalesce(p.name, 'Nasional'), coalesce(r.name, ''),
			g.granted_at, u.email_verified_at IS NOT NULL, CASE WHEN g.revoked_at IS NULL THEN 'Aktif' ELSE 'Dicabut' END, g.revoked_at
		FROM role_grants g JOIN users u ON u.id = g.user_id LEFT JOIN provinces p ON p.code = g.province_code
		LEFT JOIN regencies r ON r.code = g.regency_code
		WHERE g.role <> 'guru' AND ($1 OR g.province_code = ANY($2))
		ORDER BY u.email, g.revoked_at IS NOT NULL, g.role, g.id`, national, database.NonNil(provinces))
}
