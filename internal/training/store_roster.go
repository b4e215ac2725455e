package training

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

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
	ID           int64             `db:"id"`
	UserID       int64             `db:"user_id"`
	Name         string            `db:"name"`
	NPSN         string            `db:"npsn"`
	SchoolName   string            `db:"school_name"`
	RegencyCode  string            `db:"regency_code"`
	RegencyName  string            `db:"regency_name"`
	Jenjang      string            `db:"jenjang"`
	Status       ParticipantStatus `db:"status"`
	GroupID      *int64            `db:"group_id"`
	UnplacedWhy  *string           `db:"unplaced_reason"`
	ProvinceCode string            `db:"province_code"`
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

// MentorCandidate is a user who may be appointed: holds the role in the province, or graduated
// from a pp/fasilitator cohort there.
type MentorCandidate struct {
	UserID      int64  `db:"user_id"`
	Name        string `db:"name"`
	Email       string `db:"email"`
	Role        string `db:"role"`
	RegencyCode string `db:"regency_code"`
	// Graduate names the cohort the user graduated from ("" for a role holder).
	Graduate string `db:"graduate"`
}

// graduateRole maps a cohort's program kind to the role its graduates may be appointed to.
const graduateRole = `CASE gc.program_kind WHEN 'pp' THEN 'pengajar_praktik' WHEN 'fasilitator' THEN 'fasilitator' END`

// graduatesSQL selects (user_id, role, regency_code, cohort name, npsn) of the graduates (lulus)
// of pp and fasilitator cohorts in province $2.
const graduatesSQL = `SELECT gp.user_id, ` + graduateRole + ` AS role, gp.regency_code, gc.name AS cohort_name, gp.npsn
	FROM training_participants gp JOIN cohorts gc ON gc.id = gp.cohort_id
	WHERE gp.outcome = 'lulus' AND gc.program_kind IN ('pp', 'fasilitator') AND gp.province_code = $2`

// Candidates lists the users who may be appointed in the province, not yet appointed in the
// cohort for that role: those holding a pengajar_praktik or fasilitator grant there (a
// province-wide grant has an empty kab/kota) and the graduates of a pp or fasilitator cohort of
// the province (with their kab/kota). A user both is listed once per role, as the role holder.
func (s *Store) Candidates(ctx context.Context, cohortID int64, prov string) ([]MentorCandidate, error) {
	rows, _ := s.db.Query(ctx, `SELECT DISTINCT ON (x.role, u.name, u.id) u.id AS user_id, u.name, u.email, x.role, x.regency_code, x.graduate
		FROM (SELECT g.user_id, g.role, coalesce(g.regency_code, '') AS regency_code, '' AS graduate, 0 AS pref
				FROM role_grants g WHERE g.revoked_at IS NULL AND g.role IN ('pengajar_praktik', 'fasilitator') AND g.province_code = $2
			UNION ALL
			SELECT gr.user_id, gr.role, gr.regency_code, gr.cohort_name, 1 FROM (`+graduatesSQL+`) gr) x
		JOIN users u ON u.id = x.user_id
		WHERE u.disabled_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM training_mentors t WHERE t.cohort_id = $1 AND t.user_id = u.id AND t.role = x.role AND t.ended_at IS NULL)
		ORDER BY x.role, u.name, u.id, x.pref, x.regency_code`, cohortID, prov)
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

// Appoint appoints a user holding the role in the kab/kota (a grant on the kab/kota or its
// province), or a graduate of a pp/fasilitator cohort of the province, as PP or fasilitator of
// the cohort, with a caseload cap (0: the cohort's default). Only a BGP of the province (sc)
// may; audited.
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
		var via string
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants WHERE user_id = $1 AND role = $3 AND revoked_at IS NULL
				AND province_code = $2 AND (regency_code IS NULL OR regency_code = $4)),
				coalesce((SELECT npsn FROM teacher_profiles WHERE user_id = $1), (SELECT gr.npsn FROM (`+graduatesSQL+`) gr
					WHERE gr.user_id = $1 AND gr.role = $3 LIMIT 1)),
				coalesce((SELECT gr.cohort_name FROM (`+graduatesSQL+`) gr WHERE gr.user_id = $1 AND gr.role = $3 LIMIT 1), '')`,
			a.UserID, prov, a.Role, a.Regency).Scan(&ok, &npsn, &via); err != nil {
			return err
		}
		ok = ok || via != ""
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
			Detail: map[string]any{"cohort": cohortID, "user": a.UserID, "role": a.Role, "regency": a.Regency, "cap": a.Cap, "graduate_of": via}})
	})
	return id, err
}
