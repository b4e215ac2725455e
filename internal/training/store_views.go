package training

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
)

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
	// Regency is the chosen kab/kota ("" the whole province); Detailed tells whether the groups,
	// mentors and unplaced CGPs are listed (figures always are).
	Regency  string
	Detailed bool
	// Unassigned are CGPs neither in a group nor listed as unplaced (before a proposal).
	Unassigned int
	Proposed   int
	Active     int
	// AtRisk is how many CGPs are at risk (ProvincePage; it lists the first ones).
	AtRisk int
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
	// VisitsScheduled have a planned date; VisitsMissing a planned date already past without a
	// sent log; VisitsLate a sent log of a visit made after its planned date.
	VisitsScheduled int `db:"visits_scheduled"`
	VisitsMissing   int `db:"visits_missing"`
	VisitsLate      int `db:"visits_late"`
	// LokakaryaHeld counts the kab/kota's lokakarya that have begun; AttendanceExpected the
	// places at them (each CGP of their groups once per lokakarya), AttendancePresent those
	// recorded hadir.
	LokakaryaHeld      int `db:"lokakarya_held"`
	AttendanceExpected int `db:"attendance_expected"`
	AttendancePresent  int `db:"attendance_present"`
	// ModulesDone counts completed modules of the kab/kota's CGPs; ModulesTotal is CGPs × modules.
	ModulesDone  int `db:"modules_done"`
	ModulesTotal int `db:"modules_total"`
}

// Province returns the province page of a cohort for a viewer in sc, as of now, with every
// group, mentor and unplaced CGP of the province; ErrNotFound when the province holds nothing of
// the cohort in sc (or the cohort has no roster).
func (s *Store) Province(ctx context.Context, sc Scope, cohortID int64, prov string) (ProvinceView, error) {
	return s.provinceView(ctx, sc, cohortID, prov, "", true, time.Now())
}

// DetailLimit is the most groups the province page lists before a kab/kota is chosen.
const DetailLimit = 60

// ProvinceAt is the province page as of now. With regency "" it lists the groups, mentors and
// unplaced CGPs of the whole province when it has at most DetailLimit groups, and otherwise
// only the figures (Detailed false); with a kab/kota of the province it lists that kab/kota's.
func (s *Store) ProvinceAt(ctx context.Context, sc Scope, cohortID int64, prov, regency string, now time.Time) (ProvinceView, error) {
	return s.provinceView(ctx, sc, cohortID, prov, regency, false, now)
}

func (s *Store) provinceView(ctx context.Context, sc Scope, cohortID int64, prov, regency string, full bool, now time.Time) (ProvinceView, error) {
	var v ProvinceView
	err := s.noJIT(ctx, func(tx pgx.Tx) error {
		var err error
		v, err = s.WithTx(tx).provinceIn(ctx, sc, cohortID, prov, regency, full, now)
		return err
	})
	return v, err
}

// ProvincePage reads everything the province page shows in one transaction (see noJIT): the
// view as ProvinceAt, the first shown CGPs at risk as AtRisk (how many there are in
// ProvinceView.AtRisk) and the lokakarya as ProvinceLokakarya.
func (s *Store) ProvincePage(ctx context.Context, sc Scope, cohortID int64, prov, regency string, now time.Time, shown int) (ProvinceView, []RiskRow, []Lokakarya, error) {
	var v ProvinceView
	var risk []RiskRow
	var ls []Lokakarya
	err := s.noJIT(ctx, func(tx pgx.Tx) error {
		t := s.WithTx(tx)
		var err error
		if v, err = t.provinceIn(ctx, sc, cohortID, prov, regency, false, now); err != nil {
			return err
		}
		if risk, v.AtRisk, err = t.atRisk(ctx, v.Settings, sc, cohortID, prov, regency, now, shown); err != nil {
			return err
		}
		ls, err = t.provinceLokakarya(ctx, sc, cohortID, prov)
		return err
	})
	return v, risk, ls, err
}

// provinceIn is provinceView on a store bound to a transaction.
func (s *Store) provinceIn(ctx context.Context, sc Scope, cohortID int64, prov, regency string, full bool, now time.Time) (ProvinceView, error) {
	v := ProvinceView{CohortID: cohortID, ProvinceCode: prov, Regency: regency}
	err := s.db.QueryRow(ctx, `SELECT c.name, c.status, p.name FROM cohorts c, provinces p
		WHERE c.id = $1 AND p.code = $2 AND c.status IN ('pendidikan', 'selesai') AND EXISTS (SELECT 1 FROM training_settings WHERE cohort_id = c.id)
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
	return v, s.provinceLists(ctx, &v, append([]any{cohortID, prov}, sc.args()...), full, now)
}

// provinceLists fills the province page's figures, counts and (when detailed) lists.
func (s *Store) provinceLists(ctx context.Context, v *ProvinceView, args []any, full bool, now time.Time) error {
	var err error
	rows, _ := s.db.Query(ctx, regencySummarySQL, append(args, now)...)
	if v.Regencies, err = pgx.CollectRows(rows, pgx.RowToStructByName[RegencySummary]); err != nil {
		return err
	}
	regency := v.Regency
	// The counts of the page's buttons, for the province (or the chosen kab/kota) in scope.
	dargs := append(args, regency)
	if err := s.db.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM training_groups g WHERE g.cohort_id = $1 AND g.province_code = $2 AND g.status = 'aktif' AND `+scopeSQL("g", 3)+`
				AND ($6 = '' OR g.regency_code = $6))::int,
			(SELECT count(*) FROM training_groups g WHERE g.cohort_id = $1 AND g.province_code = $2 AND g.status = 'usulan' AND `+scopeSQL("g", 3)+`
				AND ($6 = '' OR g.regency_code = $6))::int,
			(SELECT count(*) FROM training_participants p WHERE p.cohort_id = $1 AND p.province_code = $2 AND p.status = 'aktif' AND `+scopeSQL("p", 3)+`
				AND ($6 = '' OR p.regency_code = $6)
				AND NOT EXISTS (SELECT 1 FROM training_group_members m WHERE m.participant_id = p.id)
				AND NOT EXISTS (SELECT 1 FROM training_unplaced u WHERE u.participant_id = p.id))::int`, dargs...).Scan(&v.Active, &v.Proposed, &v.Unassigned); err != nil {
		return err
	}
	v.Detailed = full || regency != "" || v.Active+v.Proposed <= DetailLimit
	if !v.Detailed {
		return nil
	}
	rows, _ = s.db.Query(ctx, mentorSelect+` WHERE t.cohort_id = $1 AND t.province_code = $2 AND t.ended_at IS NULL AND `+scopeSQL("t", 3)+`
		AND ($6 = '' OR t.regency_code = $6) ORDER BY t.role DESC, t.regency_code, us.name, t.id`, dargs...)
	if v.Mentors, err = pgx.CollectRows(rows, pgx.RowToStructByName[MentorRow]); err != nil {
		return err
	}
	if v.Groups, err = s.groups(ctx, `g.cohort_id = $1 AND g.province_code = $2 AND `+scopeSQL("g", 3)+` AND ($6 = '' OR g.regency_code = $6)`, dargs...); err != nil {
		return err
	}
	rows, _ = s.db.Query(ctx, `SELECT `+participantCols+participantFrom+`
		WHERE p.cohort_id = $1 AND p.province_code = $2 AND p.status = 'aktif' AND m.group_id IS NULL AND u.reason IS NOT NULL AND `+scopeSQL("p", 3)+`
		AND ($6 = '' OR p.regency_code = $6) ORDER BY p.regency_code, p.name, p.id`, dargs...)
	v.Unplaced, err = pgx.CollectRows(rows, pgx.RowToStructByName[Participant])
	return err
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
	return s.groups(ctx, myGroupsCond, userID)
}

// myGroupsCond selects (over training_groups g) the confirmed groups of active CGP $1.
const myGroupsCond = `g.status = 'aktif' AND EXISTS (SELECT 1 FROM training_group_members x JOIN training_participants p ON p.id = x.participant_id
		WHERE x.group_id = g.id AND p.user_id = $1 AND p.status = 'aktif')`

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
	return database.One[Mentee](rows, "mentee %d", participantID)
}
