package training

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// ErrDecided: the CGP already has an outcome or has withdrawn.
var ErrDecided = fmt.Errorf("%w: already decided", database.ErrConflict)

// RecordAssessment stores the final assessment (score 0-100) of a CGP by their PP (role
// pengajar_praktik: the CGP must be in the user's confirmed group) or fasilitator (in the user's
// class). Audited.
func (s *Store) RecordAssessment(ctx context.Context, actor audit.Actor, userID int64, role string, participantID int64, score int) error {
	pred := strings.ReplaceAll(ppOwns, "$3", "$2")
	if role == "fasilitator" {
		pred = strings.ReplaceAll(inClass, "$1", "$2")
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO training_assessments (participant_id, by_role, score, recorded_by)
			SELECT p.id, $3, $4, $2 FROM training_participants p WHERE p.id = $1 AND p.status = 'aktif' AND p.outcome IS NULL AND `+pred+`
			ON CONFLICT (participant_id, by_role) DO UPDATE SET score = EXCLUDED.score, recorded_by = EXCLUDED.recorded_by, recorded_at = now()`,
			participantID, userID, role, score)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("participant %d: %w", participantID, database.ErrNotFound)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.assessment", ObjectType: "training_participant", ObjectID: itoa(participantID),
			Detail: map[string]any{"role": role, "score": score}})
	})
}

// CompletionRow is one CGP on the BGP's graduation page.
type CompletionRow struct {
	Participant
	CompletionFacts
	Outcome        *Outcome `db:"outcome"`
	OutcomeReason  string   `db:"outcome_reason"`
	WithdrawReason *string  `db:"withdraw_reason"`
	// Unmet is filled in from the facts by Unmet.
	Unmet []string `db:"-"`
}

const factsSQL = `SELECT ` + participantCols + `, p.id AS participant_id,
	(SELECT count(*) FROM training_lokakarya l WHERE l.cohort_id = p.cohort_id AND l.regency_code = p.regency_code AND l.starts_at <= $3
		AND ` + lkParticipant + `)::int AS lokakarya_held,
	(SELECT count(*) FROM training_attendance a JOIN training_lokakarya l ON l.id = a.lokakarya_id
		WHERE a.participant_id = p.id AND a.status = 'hadir' AND l.starts_at <= $3)::int AS attended,
	(SELECT count(*) FROM training_visits v WHERE v.participant_id = p.id AND v.acknowledged_at IS NOT NULL)::int AS visits_acknowledged,
	(SELECT count(*) FROM training_module_progress x WHERE x.participant_id = p.id)::int AS modules_done,
	(SELECT score FROM training_assessments x WHERE x.participant_id = p.id AND x.by_role = 'pengajar_praktik') AS pp_score,
	(SELECT score FROM training_assessments x WHERE x.participant_id = p.id AND x.by_role = 'fasilitator') AS fas_score,
	p.outcome, p.outcome_reason, p.withdraw_reason` + participantFrom

// Completion lists every CGP of a province in sc with what the completion rules see and which
// rules are unmet.
func (s *Store) Completion(ctx context.Context, sc Scope, cohortID int64, prov string, now time.Time) (Settings, []CompletionRow, error) {
	st, err := s.Settings(ctx, cohortID)
	if err != nil {
		return st, nil, err
	}
	rows, _ := s.db.Query(ctx, factsSQL+` WHERE p.cohort_id = $1 AND p.province_code = $2 AND $3::timestamptz IS NOT NULL AND `+scopeSQL("p", 4)+`
		ORDER BY p.regency_code, p.name, p.id`, append([]any{cohortID, prov, now}, sc.args()...)...)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[CompletionRow])
	for i := range list {
		list[i].Unmet = Unmet(st, list[i].CompletionFacts)
	}
	return st, list, err
}

// Decision is the BGP's outcome for one CGP.
type Decision struct {
	Outcome Outcome
	Reason  string
}

// GraduationMail is one email about a decision. A graduate's mail carries the number and the
// verification token of the certificate issued with the graduation.
type GraduationMail struct {
	Email, Name, Lang, Reason, Cohort string
	Outcome                           Outcome
	CertNumber, CertToken             string
}

// Decide records the outcome of CGPs of the writer's provinces, all or none: lulus only when
// every completion rule is met, tidak lulus with a reason; an already decided CGP is refused.
// A graduate's Sertifikat Guru Penggerak is issued in the same transaction. The CGPs are mailed
// (through the outbox, in the same transaction). Audited per CGP. It returns how many were decided.
func (s *Store) Decide(ctx context.Context, actor audit.Actor, sc Scope, ids []int64, d Decision, now time.Time, compose func(GraduationMail) mail.Message) (int, error) {
	d.Reason = strings.TrimSpace(d.Reason)
	if d.Outcome != OutcomeLulus && d.Outcome != OutcomeTidakLulus {
		return 0, &ProblemError{Problems: []string{"training.error.outcome"}}
	}
	if d.Outcome == OutcomeTidakLulus && d.Reason == "" {
		return 0, &ProblemError{Problems: []string{"training.error.outcome_reason"}}
	}
	if len(ids) == 0 {
		return 0, ErrNothingToConfirm
	}
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, factsSQL+` WHERE p.id = ANY($1) AND p.province_code = ANY($2::text[]) AND $3::timestamptz IS NOT NULL
			ORDER BY p.id FOR UPDATE OF p`, ids, sc.args()[1], now)
		list, err := pgx.CollectRows(rows, pgx.RowToStructByName[CompletionRow])
		if err != nil {
			return err
		}
		if len(list) != len(dedupeIDs(ids)) {
			return fmt.Errorf("participants: %w", database.ErrNotFound)
		}
		var msgs []mail.Message
		for _, c := range list {
			if c.Status != ParticipantActive || c.Outcome != nil {
				return ErrDecided
			}
			st, err := s.WithTx(tx).SettingsOf(ctx, c.ID)
			if err != nil {
				return err
			}
			if u := Unmet(st, c.CompletionFacts); d.Outcome == OutcomeLulus && len(u) > 0 {
				return &ProblemError{Problems: u}
			}
			var m GraduationMail
			if err := tx.QueryRow(ctx, `UPDATE training_participants p SET outcome = $2, outcome_reason = $3, decided_at = $4, decided_by = $5
				FROM users u, cohorts c WHERE p.id = $1 AND u.id = p.user_id AND c.id = p.cohort_id RETURNING u.email, u.name, u.language, c.name`,
				c.ID, d.Outcome, d.Reason, now, actor.UserID).Scan(&m.Email, &m.Name, &m.Lang, &m.Cohort); err != nil {
				return err
			}
			m.Outcome, m.Reason = d.Outcome, d.Reason
			if d.Outcome == OutcomeLulus {
				cert, err := s.WithTx(tx).issueCertificate(ctx, c.ID)
				if err != nil {
					return err
				}
				m.CertNumber, m.CertToken = cert.Number, cert.Token
			}
			msg := compose(m)
			msg.To = m.Email
			msgs = append(msgs, msg)
			detail := map[string]any{"outcome": d.Outcome, "reason": d.Reason}
			if m.CertNumber != "" {
				detail["certificate"] = m.CertNumber
			}
			if err := audit.Record(ctx, tx, actor, audit.Entry{Action: "training.decide", ObjectType: "training_participant", ObjectID: itoa(c.ID),
				Detail: detail}); err != nil {
				return err
			}
		}
		return mail.EnqueueMany(ctx, tx, msgs)
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}

// SettingsOf returns the settings of the cohort of a participant.
func (s *Store) SettingsOf(ctx context.Context, participantID int64) (Settings, error) {
	var cohortID int64
	if err := s.db.QueryRow(ctx, `SELECT cohort_id FROM training_participants WHERE id = $1`, participantID).Scan(&cohortID); err != nil {
		return Settings{}, err
	}
	return s.Settings(ctx, cohortID)
}

// Eligible returns the ids of the province's undecided CGPs who meet every rule.
func (s *Store) Eligible(ctx context.Context, sc Scope, cohortID int64, prov string, now time.Time) ([]int64, error) {
	_, list, err := s.Completion(ctx, sc, cohortID, prov, now)
	var out []int64
	for _, c := range list {
		if c.Status == ParticipantActive && c.Outcome == nil && len(c.Unmet) == 0 {
			out = append(out, c.ID)
		}
	}
	return out, err
}

// Withdraw records that a CGP of the writer's provinces withdrew, with the reason: they leave
// their group (kept in its history when confirmed). Audited.
func (s *Store) Withdraw(ctx context.Context, actor audit.Actor, sc Scope, participantID int64, reason string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return &ProblemError{Problems: []string{"training.error.withdraw_reason"}}
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var name string
		var status ParticipantStatus
		var outcome *Outcome
		var group *int64
		var groupStatus *GroupStatus
		err := tx.QueryRow(ctx, `SELECT p.status, p.outcome, p.name, m.group_id, g.status FROM training_participants p
			LEFT JOIN training_group_members m ON m.participant_id = p.id LEFT JOIN training_groups g ON g.id = m.group_id
			WHERE p.id = $1 AND p.province_code = ANY($2::text[]) FOR UPDATE OF p`, participantID, sc.args()[1]).Scan(&status, &outcome, &name, &group, &groupStatus)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("participant %d: %w", participantID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if status != ParticipantActive || outcome != nil {
			return ErrDecided
		}
		if _, err := tx.Exec(ctx, `UPDATE training_participants SET status = $4, withdrawn_at = $2, withdraw_reason = $3 WHERE id = $1`,
			participantID, now, reason, ParticipantWithdrawn); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM training_group_members WHERE participant_id = $1`, participantID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM training_unplaced WHERE participant_id = $1`, participantID); err != nil {
			return err
		}
		if group != nil && groupStatus != nil && *groupStatus == GroupActive {
			if err := history(ctx, tx, actor, *group, string(ParticipantWithdrawn), name, reason); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.withdraw", ObjectType: "training_participant", ObjectID: itoa(participantID),
			Detail: map[string]any{"reason": reason}})
	})
}

// Assessment returns the final assessment of a CGP by role, nil when not recorded.
func (s *Store) Assessment(ctx context.Context, participantID int64, role string) (*int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT score FROM training_assessments WHERE participant_id = $1 AND by_role = $2`, participantID, role).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return &n, err
}
