package training

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// GroupRow is a group with its PP and fasilitator.
type GroupRow struct {
	ID              int64         `db:"id"`
	CohortID        int64         `db:"cohort_id"`
	CohortName      string        `db:"cohort_name"`
	ProvinceCode    string        `db:"province_code"`
	RegencyCode     string        `db:"regency_code"`
	RegencyName     string        `db:"regency_name"`
	Number          int           `db:"number"`
	Status          GroupStatus   `db:"status"`
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
