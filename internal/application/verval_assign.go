package application

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// Assessor is an assessor who can take verval work, with the region they serve and their load.
type Assessor struct {
	UserID        int64    `db:"user_id"`
	Name          string   `db:"name"`
	Email         string   `db:"email"`
	NPSN          string   `db:"npsn"`
	ProvinceCodes []string `db:"province_codes"`
	RegencyCodes  []string `db:"regency_codes"`
	National      bool     `db:"national"`
	Load          int      `db:"load"`
}

// Covers reports whether the assessor's scope includes the kabupaten/kota.
func (a Assessor) Covers(regencyCode string) bool {
	return a.National || slices.Contains(a.RegencyCodes, regencyCode) || slices.Contains(a.ProvinceCodes, regencyCode[:2])
}

// Pending is an application waiting for a verval assessor.
type Pending struct {
	ID          int64  `db:"id"`
	RegencyCode string `db:"regency_code"`
	NPSN        string `db:"npsn"`
}

// Reasons an application is left without a verval assessor.
const (
	NoAssessorInScope = "no_scope"   // no assessor's scope covers its kabupaten/kota
	OnlyOwnSchool     = "own_school" // the only assessors covering it teach at its school
)

// Unassigned is an application a plan leaves without an assessor, and why.
type Unassigned struct {
	ID     int64
	Reason string
}

// VervalPlan is what an automatic verval assignment would do: the assessor of each
// application, how many each assessor gets, how many times an assessor was passed over because
// they teach at the applicant's school, and who is left and why.
type VervalPlan struct {
	Assign           map[int64]int64
	PerAssessor      map[int64]int
	ConflictsAvoided int
	Unassigned       []Unassigned
}

// PlanEvenly gives each application the assessor with the least work among those whose scope
// covers its kabupaten/kota and who do not teach at the applicant's school (ties: lowest id).
// It does not change the inputs.
func PlanEvenly(apps []Pending, assessors []Assessor) VervalPlan {
	load := map[int64]int{}
	as := slices.Clone(assessors)
	sort.Slice(as, func(i, j int) bool { return as[i].UserID < as[j].UserID })
	for _, a := range as {
		load[a.UserID] = a.Load
	}
	p := VervalPlan{Assign: map[int64]int64{}, PerAssessor: map[int64]int{}}
	for _, app := range apps {
		best := int64(0)
		conflict := false
		for _, a := range as {
			if !a.Covers(app.RegencyCode) {
				continue
			}
			if a.NPSN != "" && a.NPSN == app.NPSN {
				conflict = true
				continue
			}
			if best == 0 || load[a.UserID] < load[best] {
				best = a.UserID
			}
		}
		if conflict {
			p.ConflictsAvoided++
		}
		switch {
		case best != 0:
			p.Assign[app.ID] = best
			p.PerAssessor[best]++
			load[best]++
		case conflict:
			p.Unassigned = append(p.Unassigned, Unassigned{ID: app.ID, Reason: OnlyOwnSchool})
		default:
			p.Unassigned = append(p.Unassigned, Unassigned{ID: app.ID, Reason: NoAssessorInScope})
		}
	}
	return p
}

// AssignEvenly is PlanEvenly's assignment: application → assessor; applications no assessor
// may take are left out.
func AssignEvenly(apps []Pending, assessors []Assessor) map[int64]int64 {
	return PlanEvenly(apps, assessors).Assign
}

// Assessors returns the active assessors with their scope and current verval load in the cohort.
func (s *Store) Assessors(ctx context.Context, cohortID int64) ([]Assessor, error) {
	rows, _ := s.db.Query(ctx, `SELECT u.id AS user_id, u.name, u.email, coalesce(tp.npsn, '') AS npsn,
		coalesce(array_agg(DISTINCT g.province_code) FILTER (WHERE g.province_code IS NOT NULL AND g.regency_code IS NULL), '{}') AS province_codes,
		coalesce(array_agg(DISTINCT g.regency_code) FILTER (WHERE g.regency_code IS NOT NULL), '{}') AS regency_codes,
		bool_or(g.province_code IS NULL) AS national,
		(SELECT count(*) FROM verval_assignments va JOIN applications a ON a.id = va.application_id
			WHERE va.assessor_id = u.id AND a.cohort_id = $1)::int AS load
		FROM role_grants g JOIN users u ON u.id = g.user_id LEFT JOIN teacher_profiles tp ON tp.user_id = u.id
		WHERE g.role = 'asesor' AND g.revoked_at IS NULL AND u.disabled_at IS NULL
		GROUP BY u.id, u.name, u.email, tp.npsn ORDER BY u.id`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Assessor])
}

// vervalInput is what an automatic assignment of a cohort works on: the assessors with their
// load and the submitted applications without an assessor.
func (s *Store) vervalInput(ctx context.Context, cohortID int64) ([]Assessor, []Pending, error) {
	as, err := s.Assessors(ctx, cohortID)
	if err != nil {
		return nil, nil, err
	}
	rows, _ := s.db.Query(ctx, `SELECT a.id, a.regency_code, a.npsn FROM applications a
		WHERE a.cohort_id = $1 AND a.status = 'submitted'
		AND NOT EXISTS (SELECT 1 FROM verval_assignments va WHERE va.application_id = a.id) ORDER BY a.id`, cohortID)
	pending, err := pgx.CollectRows(rows, pgx.RowToStructByName[Pending])
	return as, pending, err
}

// AutoAssign assigns every submitted, unassigned application of the cohort evenly, as one
// batch (undone whole with UndoVervalBatch while unstarted), and returns how many were
// assigned and how many are left without an assessor.
func (s *Store) AutoAssign(ctx context.Context, actor audit.Actor, cohortID int64) (assigned, left int, err error) {
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := database.LockVervalAssign.Hold(ctx, tx, cohortID); err != nil {
			return err
		}
		as, pending, err := s.WithTx(tx).vervalInput(ctx, cohortID)
		if err != nil {
			return err
		}
		m := AssignEvenly(pending, as)
		assigned, left = len(m), len(pending)-len(m)
		if assigned == 0 {
			return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.auto_assign", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
				Detail: map[string]any{"assigned": 0, "left": left}})
		}
		var batch int64
		if err := tx.QueryRow(ctx, `INSERT INTO verval_batches (cohort_id, assignments, created_by) VALUES ($1, $2, $3) RETURNING id`,
			cohortID, assigned, database.NullID(actor.UserID)).Scan(&batch); err != nil {
			return err
		}
		ids := make([]int64, 0, len(m))
		who := make([]int64, 0, len(m))
		for app, asr := range m {
			ids, who = append(ids, app), append(who, asr)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO verval_assignments (application_id, assessor_id, assigned_by, batch_id)
			SELECT a, w, $3::bigint, $4::bigint FROM unnest($1::bigint[], $2::bigint[]) AS t(a, w) ON CONFLICT DO NOTHING`,
			ids, who, database.NullID(actor.UserID), batch); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.auto_assign", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
			Detail: map[string]any{"assigned": assigned, "left": left, "batch_id": batch}})
	})
	return assigned, left, err
}

// VervalPreview is a dry run of the automatic verval assignment, with names.
type VervalPreview struct {
	Plan VervalPlan
	// Assessors are every active assessor with their current load and planned new work.
	Assessors []Assessor
	// Numbers are the registration numbers of the unassigned applications.
	Numbers map[int64]string
}

// PreviewAutoAssign computes what AutoAssign would do now, storing nothing.
func (s *Store) PreviewAutoAssign(ctx context.Context, cohortID int64) (VervalPreview, error) {
	p := VervalPreview{Numbers: map[int64]string{}}
	as, pending, err := s.vervalInput(ctx, cohortID)
	if err != nil {
		return p, err
	}
	p.Plan, p.Assessors = PlanEvenly(pending, as), as
	un := make([]int64, len(p.Plan.Unassigned))
	for i, u := range p.Plan.Unassigned {
		un[i] = u.ID
	}
	rows, _ := s.db.Query(ctx, `SELECT id, coalesce(registration_number, '') FROM applications WHERE id = ANY($1)`, un)
	var id int64
	var number string
	_, err = pgx.ForEachRow(rows, []any{&id, &number}, func() error { p.Numbers[id] = number; return nil })
	return p, err
}

// ErrNoAssessor: the chosen user is not an active assessor, or teaches at the applicant's school.
var ErrNoAssessor = errors.New("not an assessor for this application")

// Assign gives (or moves) one application, by registration number, to an assessor.
func (s *Store) Assign(ctx context.Context, actor audit.Actor, cohortID int64, number string, assessorID int64) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var appID int64
		var npsn string
		err := tx.QueryRow(ctx, `SELECT id, npsn FROM applications WHERE cohort_id = $1 AND registration_number = $2
			AND status IN ('submitted', 'verval_passed', 'verval_failed')`, cohortID, strings.TrimSpace(number)).Scan(&appID, &npsn)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("application %q: %w", number, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = $1 AND g.role = 'asesor' AND g.revoked_at IS NULL)
			AND NOT EXISTS (SELECT 1 FROM teacher_profiles tp WHERE tp.user_id = $1 AND tp.npsn = $2)`, assessorID, npsn).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNoAssessor
		}
		if _, err := tx.Exec(ctx, `INSERT INTO verval_assignments (application_id, assessor_id, assigned_by) VALUES ($1, $2, $3)
			ON CONFLICT (application_id) DO UPDATE SET assessor_id = EXCLUDED.assessor_id, assigned_by = EXCLUDED.assigned_by, assigned_at = now(),
				batch_id = NULL`,
			appID, assessorID, database.NullID(actor.UserID)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.assign", ObjectType: "application", ObjectID: strconv.FormatInt(appID, 10),
			Detail: map[string]any{"assessor": assessorID}})
	})
}
