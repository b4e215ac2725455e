package training

import (
	"context"
	"errors"
	"fmt"

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
