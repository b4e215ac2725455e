package training

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// Errors of the training store; each has a message for the user.
var (
	// ErrNotPendidikan: the cohort is not in training.
	ErrNotPendidikan = fmt.Errorf("%w: cohort not in pendidikan", database.ErrConflict)
	// ErrConfirmed: the province's groups are confirmed, so no new proposal.
	ErrConfirmed = fmt.Errorf("%w: groups already confirmed", database.ErrConflict)
	// ErrNoGrant: the user does not hold the role in that kab/kota.
	ErrNoGrant = errors.New("training: user does not hold the role there")
	// ErrAppointed: the user already holds that appointment in the cohort.
	ErrAppointed = fmt.Errorf("%w: already appointed", database.ErrConflict)
	// ErrNothingToConfirm: no proposed group in the province.
	ErrNothingToConfirm = fmt.Errorf("%w: nothing to confirm", database.ErrConflict)
)

// ProblemError is returned when an edit breaks a grouping rule; Problems are message keys.
type ProblemError struct{ Problems []string }

func (e *ProblemError) Error() string { return "training: " + strings.Join(e.Problems, ", ") }

// Scope is the viewer's region: national, or lists of province and kab/kota codes.
type Scope struct {
	National  bool
	Provinces []string
	Regencies []string
}

func (sc Scope) args() []any {
	p, r := sc.Provinces, sc.Regencies
	if p == nil {
		p = []string{}
	}
	if r == nil {
		r = []string{}
	}
	return []any{sc.National, p, r}
}

// scopeSQL is the region predicate over alias a (with province_code and regency_code); its three
// parameters start at $n.
func scopeSQL(a string, n int) string {
	return fmt.Sprintf(`($%d::bool OR %s.province_code = ANY($%d::text[]) OR %s.regency_code = ANY($%d::text[]))`, n, a, n+1, a, n+2)
}

// Store holds every query of the training feature.
type Store struct {
	db database.DB
}

// NewStore returns a Store on db (the pool or a transaction).
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Settings returns the cohort's training settings (ErrNotFound before it reached pendidikan).
func (s *Store) Settings(ctx context.Context, cohortID int64) (Settings, error) {
	rows, _ := s.db.Query(ctx, `SELECT cohort_id, group_min, group_max, pp_cap, fasilitator_cap, visits_planned, ack_days,
		attendance_min_pct, module_packages, modules, lokakarya_count, assessment_pass_score FROM training_settings WHERE cohort_id = $1`, cohortID)
	st, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Settings])
	if errors.Is(err, pgx.ErrNoRows) {
		return st, fmt.Errorf("training settings %d: %w", cohortID, database.ErrNotFound)
	}
	return st, err
}

// CohortInfo is a cohort in training with the viewer's figures.
type CohortInfo struct {
	ID           int64  `db:"id"`
	Name         string `db:"name"`
	Status       string `db:"status"`
	ProvinceCode string `db:"province_code"`
	ProvinceName string `db:"province_name"`
	CGPs         int    `db:"cgps"`
	Placed       int    `db:"placed"`
	Confirmed    int    `db:"confirmed"`
}

// Cohorts lists, per cohort in pendidikan or selesai and per province in sc, the number of CGPs,
// how many are in a group and how many in a confirmed group.
func (s *Store) Cohorts(ctx context.Context, sc Scope) ([]CohortInfo, error) {
	rows, _ := s.db.Query(ctx, `SELECT c.id, c.name, c.status, p.province_code, pr.name AS province_name,
			count(*)::int AS cgps, count(m.group_id)::int AS placed, count(*) FILTER (WHERE g.status = 'aktif')::int AS confirmed
		FROM training_participants p
		JOIN cohorts c ON c.id = p.cohort_id
		JOIN provinces pr ON pr.code = p.province_code
		LEFT JOIN training_group_members m ON m.participant_id = p.id
		LEFT JOIN training_groups g ON g.id = m.group_id
		WHERE p.status = 'aktif' AND `+scopeSQL("p", 1)+`
		GROUP BY c.id, c.name, c.status, p.province_code, pr.name
		ORDER BY c.id DESC, p.province_code`, sc.args()...)
	return pgx.CollectRows(rows, pgx.RowToStructByName[CohortInfo])
}

// Participant is a CGP on the roster.
type Participant struct {
	ID           int64   `db:"id"`
	UserID       int64   `db:"user_id"`
	Name         string  `db:"name"`
	NPSN         string  `db:"npsn"`
	SchoolName   string  `db:"school_name"`
	RegencyCode  string  `db:"regency_code"`
	RegencyName  string  `db:"regency_name"`
	Jenjang      string  `db:"jenjang"`
	Status       string  `db:"status"`
	GroupID      *int64  `db:"group_id"`
	UnplacedWhy  *string `db:"unplaced_reason"`
	ProvinceCode string  `db:"province_code"`
}

// Candidate returns the participant as the grouping sees it.
func (p Participant) Candidate() Candidate {
	return Candidate{ID: p.ID, Regency: p.RegencyCode, NPSN: p.NPSN, Jenjang: p.Jenjang}
}

const participantCols = `p.id, p.user_id, p.name, p.npsn, sc.name AS school_name, p.regency_code, rg.name AS regency_name,
	p.jenjang, p.status, m.group_id, u.reason AS unplaced_reason, p.province_code`

const participantFrom = ` FROM training_participants p
	JOIN schools sc ON sc.npsn = p.npsn
	JOIN regencies rg ON rg.code = p.regency_code
	LEFT JOIN training_group_members m ON m.participant_id = p.id
	LEFT JOIN training_unplaced u ON u.participant_id = p.id`

// MentorRow is an appointed PP or fasilitator with its current load.
type MentorRow struct {
	ID          int64   `db:"id"`
	UserID      int64   `db:"user_id"`
	Name        string  `db:"name"`
	Email       string  `db:"email"`
	Phone       string  `db:"phone"`
	Role        string  `db:"role"`
	RegencyCode string  `db:"regency_code"`
	RegencyName string  `db:"regency_name"`
	NPSN        *string `db:"npsn"`
	Cap         int     `db:"cap"`
	// Load is the CGPs (PP) or groups (fasilitator) it carries in the cohort.
	Load int `db:"load"`
}

// Mentor returns the appointment as the grouping sees it.
func (m MentorRow) Mentor() Mentor {
	out := Mentor{ID: m.ID, Regency: m.RegencyCode, Cap: m.Cap}
	if m.NPSN != nil {
		out.NPSN = *m.NPSN
	}
	return out
}

const mentorSelect = `SELECT t.id, t.user_id, us.name, us.email, us.phone, t.role, t.regency_code, rg.name AS regency_name, t.npsn, t.cap,
	CASE t.role WHEN 'pengajar_praktik' THEN
		(SELECT count(*) FROM training_groups g JOIN training_group_members gm ON gm.group_id = g.id WHERE g.pp_id = t.id)
	ELSE (SELECT count(*) FROM training_groups g WHERE g.fasilitator_id = t.id) END::int AS load
	FROM training_mentors t JOIN users us ON us.id = t.user_id JOIN regencies rg ON rg.code = t.regency_code`

// GroupRow is a group with its PP and fasilitator.
type GroupRow struct {
	ID              int64         `db:"id"`
	CohortID        int64         `db:"cohort_id"`
	CohortName      string        `db:"cohort_name"`
	ProvinceCode    string        `db:"province_code"`
	RegencyCode     string        `db:"regency_code"`
	RegencyName     string        `db:"regency_name"`
	Number          int           `db:"number"`
	Status          string        `db:"status"`
	PPID            int64         `db:"pp_id"`
	PPName          string        `db:"pp_name"`
	PPEmail         string        `db:"pp_email"`
	PPPhone         string        `db:"pp_phone"`
	FasilitatorID   *int64        `db:"fasilitator_id"`
	FasilitatorName *string       `db:"fasilitator_name"`
	FasEmail        *string       `db:"fas_email"`
	FasPhone        *string       `db:"fas_phone"`
	Size            int           `db:"size"`
	Members         []Participant `db:"-"`
}

const groupSelect = `SELECT g.id, g.cohort_id, c.name AS cohort_name, g.province_code, g.regency_code, rg.name AS regency_name, g.number, g.status,
	g.pp_id, pu.name AS pp_name, pu.email AS pp_email, pu.phone AS pp_phone,
	g.fasilitator_id, fu.name AS fasilitator_name, fu.email AS fas_email, fu.phone AS fas_phone,
	(SELECT count(*) FROM training_group_members x WHERE x.group_id = g.id)::int AS size
	FROM training_groups g
	JOIN cohorts c ON c.id = g.cohort_id
	JOIN regencies rg ON rg.code = g.regency_code
	JOIN training_mentors pm ON pm.id = g.pp_id JOIN users pu ON pu.id = pm.user_id
	LEFT JOIN training_mentors fm ON fm.id = g.fasilitator_id LEFT JOIN users fu ON fu.id = fm.user_id`

// ProvinceView is everything the province page shows.
type ProvinceView struct {
	CohortID     int64
	CohortName   string
	CohortStatus string
	ProvinceCode string
	ProvinceName string
	Settings     Settings
	Regencies    []RegencySummary
	Mentors      []MentorRow
	Groups       []GroupRow
	Unplaced     []Participant
	// Unassigned are CGPs neither in a group nor listed as unplaced (before a proposal).
	Unassigned int
	Proposed   int
	Active     int
}

// RegencySummary is one kab/kota of the province page, computed in SQL.
type RegencySummary struct {
	Code   string `db:"regency_code"`
	Name   string `db:"regency_name"`
	CGPs   int    `db:"cgps"`
	Placed int    `db:"placed"`
	Groups int    `db:"groups"`
	PPs    int    `db:"pps"`
	// Visit logs sent, acknowledged, and sent but unacknowledged past the cohort's days.
	VisitsSent    int `db:"visits_sent"`
	VisitsAcked   int `db:"visits_acked"`
	VisitsOverdue int `db:"visits_overdue"`
	// VisitsPlanned is the number of visits the kab/kota's CGPs should get (CGPs × setting).
	VisitsPlanned int `db:"visits_planned"`
}

// Province returns the province page of a cohort for a viewer in sc; ErrNotFound when the
// province holds nothing of the cohort in sc (or the cohort has no roster).
func (s *Store) Province(ctx context.Context, sc Scope, cohortID int64, prov string) (ProvinceView, error) {
	v := ProvinceView{CohortID: cohortID, ProvinceCode: prov}
	err := s.db.QueryRow(ctx, `SELECT c.name, c.status, p.name FROM cohorts c, provinces p
		WHERE c.id = $1 AND p.code = $2 AND EXISTS (SELECT 1 FROM training_settings WHERE cohort_id = c.id)
		AND ($3::bool OR p.code = ANY($4::text[]) OR EXISTS (SELECT 1 FROM unnest($5::text[]) r WHERE substr(r, 1, 2) = p.code))`,
		append([]any{cohortID, prov}, sc.args()...)...).Scan(&v.CohortName, &v.CohortStatus, &v.ProvinceName)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("training province %d/%s: %w", cohortID, prov, database.ErrNotFound)
	}
	if err != nil {
		return v, err
	}
	if v.Settings, err = s.Settings(ctx, cohortID); err != nil {
		return v, err
	}
	args := append([]any{cohortID, prov}, sc.args()...)
	rows, _ := s.db.Query(ctx, `SELECT rg.code AS regency_code, rg.name AS regency_name,
			(SELECT count(*) FROM training_participants p WHERE p.cohort_id = $1 AND p.regency_code = rg.code AND p.status = 'aktif')::int AS cgps,
			(SELECT count(*) FROM training_participants p JOIN training_group_members m ON m.participant_id = p.id
				WHERE p.cohort_id = $1 AND p.regency_code = rg.code AND p.status = 'aktif')::int AS placed,
			(SELECT count(*) FROM training_groups g WHERE g.cohort_id = $1 AND g.regency_code = rg.code)::int AS groups,
			(SELECT count(*) FROM training_mentors t WHERE t.cohort_id = $1 AND t.regency_code = rg.code AND t.role = 'pengajar_praktik' AND t.ended_at IS NULL)::int AS pps,
			vs.sent AS visits_sent, vs.acked AS visits_acked, vs.overdue AS visits_overdue,
			((SELECT count(*) FROM training_participants p WHERE p.cohort_id = $1 AND p.regency_code = rg.code AND p.status = 'aktif')
				* (SELECT visits_planned FROM training_settings WHERE cohort_id = $1))::int AS visits_planned
		FROM regencies rg
		CROSS JOIN LATERAL (SELECT count(v.submitted_at)::int AS sent, count(v.acknowledged_at)::int AS acked,
				count(*) FILTER (WHERE v.submitted_at IS NOT NULL AND v.acknowledged_at IS NULL
					AND v.submitted_at < now() - make_interval(days => st.ack_days))::int AS overdue
			FROM training_visits v JOIN training_participants p ON p.id = v.participant_id
			JOIN training_settings st ON st.cohort_id = p.cohort_id
			WHERE p.cohort_id = $1 AND p.regency_code = rg.code AND p.status = 'aktif') vs WHERE rg.province_code = $2 AND ($3::bool OR rg.province_code = ANY($4::text[]) OR rg.code = ANY($5::text[]))
		AND (EXISTS (SELECT 1 FROM training_participants p WHERE p.cohort_id = $1 AND p.regency_code = rg.code)
			OR EXISTS (SELECT 1 FROM training_mentors t WHERE t.cohort_id = $1 AND t.regency_code = rg.code AND t.ended_at IS NULL))
		ORDER BY rg.code`, args...)
	if v.Regencies, err = pgx.CollectRows(rows, pgx.RowToStructByName[RegencySummary]); err != nil {
		return v, err
	}
	rows, _ = s.db.Query(ctx, mentorSelect+` WHERE t.cohort_id = $1 AND t.province_code = $2 AND t.ended_at IS NULL AND `+scopeSQL("t", 3)+`
		ORDER BY t.role DESC, t.regency_code, us.name, t.id`, args...)
	if v.Mentors, err = pgx.CollectRows(rows, pgx.RowToStructByName[MentorRow]); err != nil {
		return v, err
	}
	if v.Groups, err = s.groups(ctx, `g.cohort_id = $1 AND g.province_code = $2 AND `+scopeSQL("g", 3), args...); err != nil {
		return v, err
	}
	rows, _ = s.db.Query(ctx, `SELECT `+participantCols+participantFrom+`
		WHERE p.cohort_id = $1 AND p.province_code = $2 AND p.status = 'aktif' AND m.group_id IS NULL AND `+scopeSQL("p", 3)+`
		ORDER BY p.regency_code, p.name, p.id`, args...)
	all, err := pgx.CollectRows(rows, pgx.RowToStructByName[Participant])
	if err != nil {
		return v, err
	}
	for _, p := range all {
		if p.UnplacedWhy != nil {
			v.Unplaced = append(v.Unplaced, p)
		} else {
			v.Unassigned++
		}
	}
	for _, g := range v.Groups {
		if g.Status == "aktif" {
			v.Active++
		} else {
			v.Proposed++
		}
	}
	return v, nil
}

// groups loads groups matching where (over alias g) with their members.
func (s *Store) groups(ctx context.Context, where string, args ...any) ([]GroupRow, error) {
	rows, _ := s.db.Query(ctx, groupSelect+` WHERE `+where+` ORDER BY g.regency_code, g.number, g.id`, args...)
	gs, err := pgx.CollectRows(rows, pgx.RowToStructByName[GroupRow])
	if err != nil || len(gs) == 0 {
		return gs, err
	}
	ids := make([]int64, len(gs))
	at := map[int64]int{}
	for i, g := range gs {
		ids[i] = g.ID
		at[g.ID] = i
	}
	rows, _ = s.db.Query(ctx, `SELECT `+participantCols+participantFrom+` WHERE m.group_id = ANY($1) ORDER BY p.name, p.id`, ids)
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByName[Participant])
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		i := at[*m.GroupID]
		gs[i].Members = append(gs[i].Members, m)
	}
	return gs, nil
}

// MentorCandidate is a user who may be appointed: holds the role in the province.
type MentorCandidate struct {
	UserID      int64  `db:"user_id"`
	Name        string `db:"name"`
	Email       string `db:"email"`
	Role        string `db:"role"`
	RegencyCode string `db:"regency_code"`
}

// Candidates lists the users holding pengajar_praktik or fasilitator grants in the province
// (a province-wide grant has an empty kab/kota), not yet appointed in the cohort for that role.
func (s *Store) Candidates(ctx context.Context, cohortID int64, prov string) ([]MentorCandidate, error) {
	rows, _ := s.db.Query(ctx, `SELECT DISTINCT ON (g.role, u.name, u.id) u.id AS user_id, u.name, u.email, g.role, coalesce(g.regency_code, '') AS regency_code
		FROM role_grants g JOIN users u ON u.id = g.user_id
		WHERE g.revoked_at IS NULL AND u.disabled_at IS NULL AND g.role IN ('pengajar_praktik', 'fasilitator') AND g.province_code = $2
		AND NOT EXISTS (SELECT 1 FROM training_mentors t WHERE t.cohort_id = $1 AND t.user_id = u.id AND t.role = g.role AND t.ended_at IS NULL)
		ORDER BY g.role, u.name, u.id, g.regency_code NULLS FIRST`, cohortID, prov)
	return pgx.CollectRows(rows, pgx.RowToStructByName[MentorCandidate])
}

// Appointment is what the BGP fills in to appoint a PP or fasilitator.
type Appointment struct {
	UserID  int64
	Role    string
	Regency string
	Cap     int
}

// ParseAppointment checks the form values; errors are message keys per field.
func ParseAppointment(userID, role, regency, capText string) (Appointment, map[string]string) {
	errs := map[string]string{}
	a := Appointment{Role: role, Regency: regency}
	id, err := strconv.ParseInt(userID, 10, 64)
	if err != nil || id <= 0 {
		errs["user"] = "training.error.user"
	}
	a.UserID = id
	if role != "pengajar_praktik" && role != "fasilitator" {
		errs["role"] = "training.error.role"
	}
	if len(regency) != 5 || regency[2] != '.' {
		errs["regency"] = "training.error.regency"
	}
	if capText != "" {
		n, err := strconv.Atoi(strings.TrimSpace(capText))
		if err != nil || n < 1 || n > 200 {
			errs["cap"] = "training.error.cap"
		}
		a.Cap = n
	}
	return a, errs
}

// lockProvince serialises the BGP's writes to one province of a cohort and checks the cohort
// is in pendidikan.
func lockProvince(ctx context.Context, tx pgx.Tx, cohortID int64, prov string) error {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM cohorts WHERE id = $1 FOR SHARE`, cohortID).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("cohort %d: %w", cohortID, database.ErrNotFound)
	}
	if err != nil {
		return err
	}
	if status != "pendidikan" {
		return ErrNotPendidikan
	}
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200500, hashtext($1::bigint::text || '/' || $2::text))`, cohortID, prov)
	return err
}

// inProvinces reports whether prov is in the writer's provinces (sc must list provinces).
func (sc Scope) inProvinces(prov string) bool {
	for _, p := range sc.Provinces {
		if p == prov {
			return true
		}
	}
	return false
}

// Appoint appoints a user holding the role in the kab/kota (a grant on the kab/kota or its
// province) as PP or fasilitator of the cohort, with a caseload cap (0: the cohort's default).
// Only a BGP of the province (sc) may; audited.
func (s *Store) Appoint(ctx context.Context, actor audit.Actor, sc Scope, cohortID int64, a Appointment) (int64, error) {
	prov := a.Regency[:2]
	if !sc.inProvinces(prov) {
		return 0, fmt.Errorf("province %s: %w", prov, database.ErrNotFound)
	}
	var id int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockProvince(ctx, tx, cohortID, prov); err != nil {
			return err
		}
		var ok bool
		var npsn *string
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants WHERE user_id = $1 AND role = $2 AND revoked_at IS NULL
				AND province_code = $3 AND (regency_code IS NULL OR regency_code = $4)),
				(SELECT npsn FROM teacher_profiles WHERE user_id = $1)`, a.UserID, a.Role, prov, a.Regency).Scan(&ok, &npsn); err != nil {
			return err
		}
		if !ok {
			return ErrNoGrant
		}
		if a.Cap == 0 {
			col := "pp_cap"
			if a.Role == "fasilitator" {
				col = "fasilitator_cap"
			}
			if err := tx.QueryRow(ctx, `SELECT `+col+` FROM training_settings WHERE cohort_id = $1`, cohortID).Scan(&a.Cap); err != nil {
				return err
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, npsn, cap, appointed_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, cohortID, a.UserID, a.Role, a.Regency, prov, npsn, a.Cap, actor.UserID).Scan(&id)
		if database.IsUnique(err) {
			return ErrAppointed
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.appoint", ObjectType: "training_mentor", ObjectID: itoa(id),
			Detail: map[string]any{"cohort": cohortID, "user": a.UserID, "role": a.Role, "regency": a.Regency, "cap": a.Cap}})
	})
	return id, err
}

// Propose replaces the province's proposal with a new one from Propose over its CGPs and
// appointed mentors. Refused once the province's groups are confirmed. Audited.
func (s *Store) Propose(ctx context.Context, actor audit.Actor, sc Scope, cohortID int64, prov string) (Proposal, error) {
	var p Proposal
	if !sc.inProvinces(prov) {
		return p, fmt.Errorf("province %s: %w", prov, database.ErrNotFound)
	}
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockProvince(ctx, tx, cohortID, prov); err != nil {
			return err
		}
		var confirmed bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM training_groups WHERE cohort_id = $1 AND province_code = $2 AND status = 'aktif')`,
			cohortID, prov).Scan(&confirmed); err != nil {
			return err
		}
		if confirmed {
			return ErrConfirmed
		}
		st, err := s.WithTx(tx).Settings(ctx, cohortID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM training_groups WHERE cohort_id = $1 AND province_code = $2 AND status = 'usulan'`, cohortID, prov); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM training_unplaced WHERE cohort_id = $1 AND province_code = $2`, cohortID, prov); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT id, regency_code, npsn, jenjang FROM training_participants
			WHERE cohort_id = $1 AND province_code = $2 AND status = 'aktif'`, cohortID, prov)
		cgps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Candidate, error) {
			var c Candidate
			return c, r.Scan(&c.ID, &c.Regency, &c.NPSN, &c.Jenjang)
		})
		if err != nil {
			return err
		}
		var pps, fas []Mentor
		rows, _ = tx.Query(ctx, `SELECT id, regency_code, coalesce(npsn, ''), cap, role FROM training_mentors
			WHERE cohort_id = $1 AND province_code = $2 AND ended_at IS NULL`, cohortID, prov)
		var m Mentor
		var role string
		if _, err := pgx.ForEachRow(rows, []any{&m.ID, &m.Regency, &m.NPSN, &m.Cap, &role}, func() error {
			if role == "pengajar_praktik" {
				pps = append(pps, m)
			} else {
				fas = append(fas, m)
			}
			return nil
		}); err != nil {
			return err
		}
		p = Propose(st.Sizes(), cgps, pps, fas)
		for _, g := range p.Groups {
			var fasID *int64
			if g.Fasilitator != 0 {
				fasID = &g.Fasilitator
			}
			var gid int64
			if err := tx.QueryRow(ctx, `INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, fasilitator_id)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, cohortID, prov, g.Regency, g.Number, g.PP, fasID).Scan(&gid); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO training_group_members (participant_id, group_id) SELECT unnest($1::bigint[]), $2`,
				g.Members, gid); err != nil {
				return err
			}
		}
		ids, reasons := make([]int64, len(p.Unplaced)), make([]string, len(p.Unplaced))
		for i, u := range p.Unplaced {
			ids[i], reasons[i] = u.ID, u.Reason
		}
		if _, err := tx.Exec(ctx, `INSERT INTO training_unplaced (participant_id, cohort_id, province_code, reason)
			SELECT unnest($1::bigint[]), $2, $3, unnest($4::text[])`, ids, cohortID, prov, reasons); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.propose", ObjectType: "cohort", ObjectID: itoa(cohortID),
			Detail: map[string]any{"province": prov, "groups": len(p.Groups), "unplaced": len(p.Unplaced), "unclassed": len(p.Unclassed)}})
	})
	return p, err
}

// groupForWrite locks a group of the writer's provinces and returns it with its state.
func groupForWrite(ctx context.Context, tx pgx.Tx, sc Scope, groupID int64) (GroupRow, GroupState, error) {
	var g GroupRow
	var pp Mentor
	err := tx.QueryRow(ctx, `SELECT g.id, g.cohort_id, g.province_code, g.regency_code, g.number, g.status, g.pp_id,
			t.regency_code, coalesce(t.npsn, ''), t.cap
		FROM training_groups g JOIN training_mentors t ON t.id = g.pp_id
		WHERE g.id = $1 AND g.province_code = ANY($2::text[]) FOR UPDATE OF g`, groupID, sc.args()[1]).
		Scan(&g.ID, &g.CohortID, &g.ProvinceCode, &g.RegencyCode, &g.Number, &g.Status, &g.PPID, &pp.Regency, &pp.NPSN, &pp.Cap)
	if errors.Is(err, pgx.ErrNoRows) {
		return g, GroupState{}, fmt.Errorf("group %d: %w", groupID, database.ErrNotFound)
	}
	if err != nil {
		return g, GroupState{}, err
	}
	pp.ID = g.PPID
	st, err := groupState(ctx, tx, g.ID, pp)
	st.Regency = g.RegencyCode
	return g, st, err
}

func groupState(ctx context.Context, tx pgx.Tx, groupID int64, pp Mentor) (GroupState, error) {
	st := GroupState{PP: pp}
	rows, _ := tx.Query(ctx, `SELECT p.id, p.regency_code, p.npsn, p.jenjang FROM training_group_members m
		JOIN training_participants p ON p.id = m.participant_id WHERE m.group_id = $1 ORDER BY p.id`, groupID)
	var err error
	st.Members, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Candidate, error) {
		var c Candidate
		return c, r.Scan(&c.ID, &c.Regency, &c.NPSN, &c.Jenjang)
	})
	if err != nil {
		return st, err
	}
	err = tx.QueryRow(ctx, `SELECT count(*) FROM training_group_members m JOIN training_groups g ON g.id = m.group_id
		WHERE g.pp_id = $1 AND g.id <> $2`, pp.ID, groupID).Scan(&st.PPLoadElsewhere)
	return st, err
}

func history(ctx context.Context, tx pgx.Tx, actor audit.Actor, groupID int64, kind, detail, reason string) error {
	_, err := tx.Exec(ctx, `INSERT INTO training_group_history (group_id, actor_id, kind, detail, reason) VALUES ($1, $2, $3, $4, $5)`,
		groupID, actor.UserID, kind, detail, reason)
	return err
}

// Move puts a CGP of the writer's provinces into group toID, out of its current group (if any),
// checking the grouping rules on both groups. A confirmed group needs a reason, kept in its
// history. Audited.
func (s *Store) Move(ctx context.Context, actor audit.Actor, sc Scope, participantID, toID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var from *int64
		var c Candidate
		var cohortID int64
		var name string
		err := tx.QueryRow(ctx, `SELECT p.cohort_id, p.regency_code, p.npsn, p.jenjang, p.name, m.group_id FROM training_participants p
			LEFT JOIN training_group_members m ON m.participant_id = p.id
			WHERE p.id = $1 AND p.status = 'aktif' AND p.province_code = ANY($2::text[])`, participantID, sc.args()[1]).
			Scan(&cohortID, &c.Regency, &c.NPSN, &c.Jenjang, &name, &from)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("participant %d: %w", participantID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		c.ID = participantID
		if err := lockProvince(ctx, tx, cohortID, c.Regency[:2]); err != nil {
			return err
		}
		to, toState, err := groupForWrite(ctx, tx, sc, toID)
		if err != nil {
			return err
		}
		if to.CohortID != cohortID {
			return fmt.Errorf("group %d: %w", toID, database.ErrNotFound)
		}
		if from != nil && *from == toID {
			return &ProblemError{Problems: []string{ProblemSameGroup}}
		}
		st, err := s.WithTx(tx).Settings(ctx, cohortID)
		if err != nil {
			return err
		}
		toState.Members = append(toState.Members, c)
		problems := CheckGroup(st.Sizes(), toState, true)
		var fromGroup GroupRow
		if from != nil {
			var fromState GroupState
			if fromGroup, fromState, err = groupForWrite(ctx, tx, sc, *from); err != nil {
				return err
			}
			kept := fromState.Members[:0]
			for _, m := range fromState.Members {
				if m.ID != participantID {
					kept = append(kept, m)
				}
			}
			fromState.Members = kept
			if len(kept) < st.GroupMin {
				problems = append(problems, ProblemTooSmall)
			}
		}
		confirmed := to.Status == "aktif" || fromGroup.Status == "aktif"
		if confirmed && reason == "" {
			problems = append(problems, ProblemReasonMissing)
		}
		if len(problems) > 0 {
			return &ProblemError{Problems: problems}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO training_group_members (participant_id, group_id) VALUES ($1, $2)
			ON CONFLICT (participant_id) DO UPDATE SET group_id = EXCLUDED.group_id, joined_at = now()`, participantID, toID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM training_unplaced WHERE participant_id = $1`, participantID); err != nil {
			return err
		}
		if to.Status == "aktif" {
			if err := history(ctx, tx, actor, toID, "masuk", name, reason); err != nil {
				return err
			}
		}
		if fromGroup.Status == "aktif" {
			if err := history(ctx, tx, actor, fromGroup.ID, "keluar", name, reason); err != nil {
				return err
			}
		}
		d := map[string]any{"participant": participantID, "to": toID}
		if from != nil {
			d["from"] = *from
		}
		if reason != "" {
			d["reason"] = reason
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.move", ObjectType: "training_group", ObjectID: itoa(toID), Detail: d})
	})
}

// SetPP replaces the PP of a group with another PP appointed in the cohort, checking the
// rules (same kab/kota, not from a member's school, within the cap). A confirmed group needs a
// reason, kept in its history. Audited.
func (s *Store) SetPP(ctx context.Context, actor audit.Actor, sc Scope, groupID, mentorID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		// The province lock first, then the group's row (the order every write takes).
		var cohortID int64
		var prov string
		err := tx.QueryRow(ctx, `SELECT cohort_id, province_code FROM training_groups WHERE id = $1 AND province_code = ANY($2::text[])`,
			groupID, sc.args()[1]).Scan(&cohortID, &prov)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("group %d: %w", groupID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := lockProvince(ctx, tx, cohortID, prov); err != nil {
			return err
		}
		g, cur, err := groupForWrite(ctx, tx, sc, groupID)
		if err != nil {
			return err
		}
		var pp Mentor
		var role, newName string
		err = tx.QueryRow(ctx, `SELECT t.id, t.regency_code, coalesce(t.npsn, ''), t.cap, t.role, u.name FROM training_mentors t
			JOIN users u ON u.id = t.user_id WHERE t.id = $1 AND t.cohort_id = $2 AND t.ended_at IS NULL`, mentorID, g.CohortID).
			Scan(&pp.ID, &pp.Regency, &pp.NPSN, &pp.Cap, &role, &newName)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && role != "pengajar_praktik") {
			return &ProblemError{Problems: []string{ProblemNotPP}}
		}
		if err != nil {
			return err
		}
		if pp.ID == g.PPID {
			return &ProblemError{Problems: []string{ProblemSameGroup}}
		}
		st, err := s.WithTx(tx).Settings(ctx, g.CohortID)
		if err != nil {
			return err
		}
		next, err := groupState(ctx, tx, groupID, pp)
		if err != nil {
			return err
		}
		next.Regency = g.RegencyCode
		next.Members = cur.Members
		problems := CheckGroup(st.Sizes(), next, true)
		if g.Status == "aktif" && reason == "" {
			problems = append(problems, ProblemReasonMissing)
		}
		if len(problems) > 0 {
			return &ProblemError{Problems: problems}
		}
		if _, err := tx.Exec(ctx, `UPDATE training_groups SET pp_id = $2 WHERE id = $1`, groupID, pp.ID); err != nil {
			return err
		}
		if g.Status == "aktif" {
			if err := history(ctx, tx, actor, groupID, "ganti_pp", newName, reason); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.set_pp", ObjectType: "training_group", ObjectID: itoa(groupID),
			Detail: map[string]any{"from": g.PPID, "to": pp.ID, "reason": reason}})
	})
}

// Recipient is someone mailed about a confirmed group.
type Recipient struct {
	Email, Name, Lang string
	// Group is "<kab/kota> <number>"; PP is the PP's name.
	Group, PP string
}

// Confirm confirms every proposed group of the province (each must pass the rules), mails the
// CGPs and their PP, and audits it. Returns how many groups were confirmed.
func (s *Store) Confirm(ctx context.Context, actor audit.Actor, sc Scope, cohortID int64, prov string, compose func(Recipient) mail.Message, now time.Time) (int, error) {
	if !sc.inProvinces(prov) {
		return 0, fmt.Errorf("province %s: %w", prov, database.ErrNotFound)
	}
	var n int
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockProvince(ctx, tx, cohortID, prov); err != nil {
			return err
		}
		st, err := s.WithTx(tx).Settings(ctx, cohortID)
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT id FROM training_groups WHERE cohort_id = $1 AND province_code = $2 AND status = 'usulan' ORDER BY id FOR UPDATE`, cohortID, prov)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return ErrNothingToConfirm
		}
		var problems []string
		for _, id := range ids {
			_, gs, err := groupForWrite(ctx, tx, sc, id)
			if err != nil {
				return err
			}
			problems = append(problems, CheckGroup(st.Sizes(), gs, false)...)
		}
		if len(problems) > 0 {
			return &ProblemError{Problems: dedupe(problems)}
		}
		if _, err := tx.Exec(ctx, `UPDATE training_groups SET status = 'aktif', confirmed_at = $3, confirmed_by = $4
			WHERE cohort_id = $1 AND province_code = $2 AND status = 'usulan'`, cohortID, prov, now, actor.UserID); err != nil {
			return err
		}
		for _, id := range ids {
			if err := history(ctx, tx, actor, id, "konfirmasi", "", ""); err != nil {
				return err
			}
		}
		rows, _ = tx.Query(ctx, `SELECT u.email, u.name, u.language, rg.name || ' ' || g.number, pu.name
			FROM training_groups g
			JOIN regencies rg ON rg.code = g.regency_code
			JOIN training_mentors pm ON pm.id = g.pp_id JOIN users pu ON pu.id = pm.user_id
			JOIN LATERAL (SELECT p.user_id FROM training_group_members m JOIN training_participants p ON p.id = m.participant_id WHERE m.group_id = g.id
				UNION SELECT pm.user_id) who ON true
			JOIN users u ON u.id = who.user_id
			WHERE g.id = ANY($1) ORDER BY g.id, u.id`, ids)
		var msgs []mail.Message
		var r Recipient
		if _, err := pgx.ForEachRow(rows, []any{&r.Email, &r.Name, &r.Lang, &r.Group, &r.PP}, func() error {
			m := compose(r)
			m.To = r.Email
			msgs = append(msgs, m)
			return nil
		}); err != nil {
			return err
		}
		if err := mail.EnqueueMany(ctx, tx, msgs); err != nil {
			return err
		}
		n = len(ids)
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.confirm", ObjectType: "cohort", ObjectID: itoa(cohortID),
			Detail: map[string]any{"province": prov, "groups": n}})
	})
	return n, err
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// HistoryEntry is one recorded change of a confirmed group.
type HistoryEntry struct {
	At        time.Time `db:"at"`
	ActorName *string   `db:"actor_name"`
	Kind      string    `db:"kind"`
	Detail    string    `db:"detail"`
	Reason    string    `db:"reason"`
}

// Viewer is who asks for a group: their user id and staff scope (nil staff scope: no staff role).
type Viewer struct {
	UserID int64
	Staff  *Scope
}

// visibleGroup is the predicate (over g, parameters $2.. ) of the groups a viewer may see: staff
// in their region (any status), and, once confirmed, its PP, its fasilitator and its members.
const visibleGroup = `(($2::bool AND ($3::bool OR g.province_code = ANY($4::text[]) OR g.regency_code = ANY($5::text[])))
	OR (g.status = 'aktif' AND (
		EXISTS (SELECT 1 FROM training_mentors t WHERE t.id IN (g.pp_id, g.fasilitator_id) AND t.user_id = $6)
		OR EXISTS (SELECT 1 FROM training_group_members x JOIN training_participants p ON p.id = x.participant_id
			WHERE x.group_id = g.id AND p.user_id = $6 AND p.status = 'aktif'))))`

func (v Viewer) args() []any {
	sc := Scope{}
	if v.Staff != nil {
		sc = *v.Staff
	}
	return append([]any{v.Staff != nil}, append(sc.args(), v.UserID)...)
}

// Group returns a group the viewer may see, with members and (for staff) its history;
// ErrNotFound otherwise.
func (s *Store) Group(ctx context.Context, v Viewer, groupID int64) (GroupRow, []HistoryEntry, error) {
	gs, err := s.groups(ctx, `g.id = $1 AND `+visibleGroup, append([]any{groupID}, v.args()...)...)
	if err != nil {
		return GroupRow{}, nil, err
	}
	if len(gs) == 0 {
		return GroupRow{}, nil, fmt.Errorf("group %d: %w", groupID, database.ErrNotFound)
	}
	var h []HistoryEntry
	if v.Staff != nil {
		rows, _ := s.db.Query(ctx, `SELECT h.at, u.name AS actor_name, h.kind, h.detail, h.reason FROM training_group_history h
			LEFT JOIN users u ON u.id = h.actor_id WHERE h.group_id = $1 ORDER BY h.id`, groupID)
		if h, err = pgx.CollectRows(rows, pgx.RowToStructByName[HistoryEntry]); err != nil {
			return GroupRow{}, nil, err
		}
	}
	return gs[0], h, nil
}

// MyGroups returns the confirmed groups the user is a CGP of, with PP and fasilitator contacts.
func (s *Store) MyGroups(ctx context.Context, userID int64) ([]GroupRow, error) {
	return s.groups(ctx, `g.status = 'aktif' AND EXISTS (SELECT 1 FROM training_group_members x JOIN training_participants p ON p.id = x.participant_id
		WHERE x.group_id = g.id AND p.user_id = $1 AND p.status = 'aktif')`, userID)
}

// MentoredGroups returns the confirmed groups the user leads as PP.
func (s *Store) MentoredGroups(ctx context.Context, userID int64) ([]GroupRow, error) {
	return s.groups(ctx, `g.status = 'aktif' AND EXISTS (SELECT 1 FROM training_mentors t WHERE t.id = g.pp_id AND t.user_id = $1)`, userID)
}

// Classes returns the confirmed groups in the user's fasilitator classes.
func (s *Store) Classes(ctx context.Context, userID int64) ([]GroupRow, error) {
	return s.groups(ctx, `g.status = 'aktif' AND EXISTS (SELECT 1 FROM training_mentors t WHERE t.id = g.fasilitator_id AND t.user_id = $1)`, userID)
}

// Mentee is one of a PP's CGPs with their group.
type Mentee struct {
	Participant
	Email      string `db:"email"`
	Phone      string `db:"phone"`
	CohortName string `db:"cohort_name"`
	GroupNo    int    `db:"group_number"`
	CohortID   int64  `db:"cohort_id"`
}

// Mentee returns a CGP in a confirmed group the user leads as PP; ErrNotFound for anyone else.
func (s *Store) Mentee(ctx context.Context, ppUserID, participantID int64) (Mentee, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+participantCols+`, us.email, us.phone, c.name AS cohort_name, g.number AS group_number, p.cohort_id`+participantFrom+`
		JOIN training_groups g ON g.id = m.group_id
		JOIN training_mentors t ON t.id = g.pp_id
		JOIN users us ON us.id = p.user_id
		JOIN cohorts c ON c.id = p.cohort_id
		WHERE p.id = $1 AND g.status = 'aktif' AND t.user_id = $2`, participantID, ppUserID)
	m, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Mentee])
	if errors.Is(err, pgx.ErrNoRows) {
		return m, fmt.Errorf("mentee %d: %w", participantID, database.ErrNotFound)
	}
	return m, err
}
