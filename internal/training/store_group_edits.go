package training

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

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
		confirmed := to.Status == GroupActive || fromGroup.Status == GroupActive
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
		if to.Status == GroupActive {
			if err := history(ctx, tx, actor, toID, "masuk", name, reason); err != nil {
				return err
			}
		}
		if fromGroup.Status == GroupActive {
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
		if g.Status == GroupActive && reason == "" {
			problems = append(problems, ProblemReasonMissing)
		}
		if len(problems) > 0 {
			return &ProblemError{Problems: problems}
		}
		if _, err := tx.Exec(ctx, `UPDATE training_groups SET pp_id = $2 WHERE id = $1`, groupID, pp.ID); err != nil {
			return err
		}
		if g.Status == GroupActive {
			if err := history(ctx, tx, actor, groupID, "ganti_pp", newName, reason); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.set_pp", ObjectType: "training_group", ObjectID: itoa(groupID),
			Detail: map[string]any{"from": g.PPID, "to": pp.ID, "reason": reason}})
	})
}
