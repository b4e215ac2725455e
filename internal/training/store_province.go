package training

import (
	"context"
	"penggerak/internal/database"
	"time"

	"github.com/jackc/pgx/v5"
)

// regencySummarySQL computes the province page's figures per kab/kota in one statement: $1 the
// cohort, $2 the province, $3-$5 the viewer's scope, $6 now. The CGP, visit, module and
// attendance figures are read from the kab/kota's kept row (training_regency_facts, migration
// 000771: the sums over its CGPs in training of their kept facts, 000711); those that depend on
// now or on the settings count the kept dates before a cutoff with width_bucket (the arrays are
// sorted: it returns how many elements are <= its first argument; the cutoffs are computed once,
// in st). Expected attendance sums the kept active members of the groups each lokakarya held is
// for; present counts the kept starts of the lokakarya attended that have begun by the CGPs of
// confirmed groups, less their attendance at a lokakarya held for chosen groups that no longer
// include theirs (nf: only the attendance rows of lokakarya for chosen groups are read). The
// per-kab/kota CTEs are materialized and looked up by sub-selects rather than joined: joined,
// their planning cost more than running the statement (about 10 against 2 ms, load ≈ 19).
const regencySummarySQL = `WITH st AS MATERIALIZED (SELECT *, $6::timestamptz - make_interval(days => ack_days) - interval '1 microsecond' AS open_before,
		$6::timestamptz::date - 1 AS unsent_before FROM training_settings WHERE cohort_id = $1),
	lhl AS MATERIALIZED (SELECT l.id, l.regency_code, EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id) AS chosen
		FROM training_lokakarya l WHERE l.cohort_id = $1 AND l.province_code = $2 AND l.starts_at <= $6),
	ga AS MATERIALIZED (SELECT g.id, g.regency_code, c.active_members AS n FROM training_groups g JOIN training_group_counts c ON c.group_id = g.id
		WHERE g.cohort_id = $1 AND g.province_code = $2 AND g.status = 'aktif'),
	gr AS MATERIALIZED (SELECT regency_code, sum(n) AS n FROM ga GROUP BY regency_code),
	att AS MATERIALIZED (SELECT l.regency_code, count(*) AS held, sum(CASE WHEN l.chosen THEN (SELECT coalesce(sum(ga.n), 0) FROM training_lokakarya_groups lg JOIN ga ON ga.id = lg.group_id
				WHERE lg.lokakarya_id = l.id)
			ELSE coalesce((SELECT gr.n FROM gr WHERE gr.regency_code = l.regency_code), 0) END) AS expected
		FROM lhl l GROUP BY l.regency_code),
	gc AS MATERIALIZED (SELECT regency_code, count(*) AS n FROM training_groups WHERE cohort_id = $1 AND province_code = $2 GROUP BY regency_code),
	mc AS MATERIALIZED (SELECT regency_code, count(*) AS n FROM training_mentors WHERE cohort_id = $1 AND province_code = $2 AND role = 'pengajar_praktik' AND ended_at IS NULL
		GROUP BY regency_code),
	nf AS MATERIALIZED (SELECT p.regency_code, count(*) AS n FROM lhl l JOIN training_attendance a ON a.lokakarya_id = l.id
			JOIN training_participants p ON p.id = a.participant_id JOIN training_group_members m ON m.participant_id = p.id
			JOIN training_groups g ON g.id = m.group_id
		WHERE l.chosen AND a.status = 'hadir' AND g.status = 'aktif' AND p.cohort_id = $1 AND p.province_code = $2 AND p.status = 'aktif'
			AND NOT EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id AND lg.group_id = m.group_id)
		GROUP BY p.regency_code)
	SELECT rg.code AS regency_code, rg.name AS regency_name, coalesce(r.cgps, 0)::int AS cgps, coalesce(r.placed, 0)::int AS placed,
		coalesce((SELECT n FROM gc WHERE gc.regency_code = rg.code), 0)::int AS groups,
		coalesce((SELECT n FROM mc WHERE mc.regency_code = rg.code), 0)::int AS pps,
		coalesce(r.visits_sent, 0)::int AS visits_sent, coalesce(r.visits_acked, 0)::int AS visits_acked,
		coalesce(width_bucket(st.open_before, r.visit_open), 0)::int AS visits_overdue,
		(coalesce(r.cgps, 0) * st.visits_planned)::int AS visits_planned, coalesce(r.visits_scheduled, 0)::int AS visits_scheduled,
		coalesce(width_bucket(st.unsent_before, r.visit_unsent), 0)::int AS visits_missing, coalesce(r.visits_late, 0)::int AS visits_late,
		coalesce((SELECT held FROM att WHERE att.regency_code = rg.code), 0)::int AS lokakarya_held,
		coalesce((SELECT expected FROM att WHERE att.regency_code = rg.code), 0)::int AS attendance_expected,
		(coalesce(width_bucket($6::timestamptz, r.present_starts), 0) - coalesce((SELECT n FROM nf WHERE nf.regency_code = rg.code), 0))::int AS attendance_present,
		coalesce(width_bucket(st.modules, r.module_list), 0)::int AS modules_done, (coalesce(r.cgps, 0) * st.modules)::int AS modules_total
	FROM regencies rg CROSS JOIN st
	LEFT JOIN training_regency_facts r ON r.cohort_id = $1 AND r.regency_code = rg.code
	WHERE rg.province_code = $2 AND ($3::bool OR rg.province_code = ANY($4::text[]) OR rg.code = ANY($5::text[]))
		AND (EXISTS (SELECT 1 FROM training_participants x WHERE x.cohort_id = $1 AND x.regency_code = rg.code)
			OR EXISTS (SELECT 1 FROM training_mentors t WHERE t.cohort_id = $1 AND t.regency_code = rg.code AND t.ended_at IS NULL))
	ORDER BY rg.code`

// RiskRow is a CGP at risk on the province page: what the completion rules see so far and which
// of the rules that can be judged already are unmet.
type RiskRow struct {
	CompletionFacts
	Name        string `db:"name"`
	RegencyName string `db:"regency_name"`
	SchoolName  string `db:"school_name"`
	GroupNumber *int   `db:"group_number"`
	Due
	Unmet []string `db:"-"`
}

// riskSQL computes, in one statement, the completion facts of every undecided active CGP of the
// province in the viewer's scope ($1 cohort, $2 province, $3-$5 scope, $6 now, $7 a kab/kota or
// "" for all) and what is due by now (visits whose planned date and acknowledgement days have
// passed; whether the kab/kota's last lokakarya has begun), in no order and without names: the
// rule (AtRisk, in Go) judges them, and riskRowsSQL then reads the names of those at risk that
// are shown. Visits and modules come from the kept facts (see regencySummarySQL); the lokakarya
// held for a CGP are those of the kab/kota for every group plus those for their group; attended
// is their kept attended lokakarya that have begun less those held for chosen groups without
// theirs (see regencySummarySQL).
const riskSQL = `WITH st AS MATERIALIZED (SELECT *, $6::timestamptz::date - ack_days - 1 AS due_before FROM training_settings WHERE cohort_id = $1),
	p AS MATERIALIZED (SELECT p.id, p.regency_code, m.group_id, f.visits_acked, cardinality(f.module_list) AS modules_done,
			width_bucket(st.due_before, f.visit_planned) AS visits_due, width_bucket($6::timestamptz, f.present_starts) AS present
		FROM training_participants p CROSS JOIN st
		JOIN training_participant_facts f ON f.participant_id = p.id
		LEFT JOIN training_group_members m ON m.participant_id = p.id
		WHERE p.cohort_id = $1 AND p.province_code = $2 AND p.status = 'aktif' AND p.outcome IS NULL AND ($7 = '' OR p.regency_code = $7)
			AND ($3::bool OR p.province_code = ANY($4::text[]) OR p.regency_code = ANY($5::text[]))),
	lhl AS MATERIALIZED (SELECT l.id, l.regency_code, EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id) AS chosen
		FROM training_lokakarya l WHERE l.cohort_id = $1 AND l.province_code = $2 AND l.starts_at <= $6),
	rh AS (SELECT regency_code, count(*) AS n FROM lhl WHERE NOT chosen GROUP BY regency_code),
	gh AS (SELECT lg.group_id, count(*) AS n FROM lhl JOIN training_lokakarya_groups lg ON lg.lokakarya_id = lhl.id WHERE lhl.chosen GROUP BY lg.group_id),
	notfor AS (SELECT p.id, count(*) AS n FROM lhl l JOIN training_attendance a ON a.lokakarya_id = l.id JOIN p ON p.id = a.participant_id
		WHERE l.chosen AND a.status = 'hadir' AND NOT EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id AND lg.group_id = p.group_id)
		GROUP BY p.id),
	asm AS (SELECT x.participant_id AS id, max(x.score) FILTER (WHERE x.by_role = 'pengajar_praktik') AS pp,
			max(x.score) FILTER (WHERE x.by_role = 'fasilitator') AS fas
		FROM p JOIN training_assessments x ON x.participant_id = p.id GROUP BY x.participant_id),
	fin AS (SELECT l.regency_code FROM training_lokakarya l CROSS JOIN st
		WHERE l.cohort_id = $1 AND l.province_code = $2 AND l.number = st.lokakarya_count - 1 AND l.starts_at <= $6)
	SELECT p.id AS participant_id,
		(coalesce(rh.n, 0) + coalesce(gh.n, 0))::int AS lokakarya_held, (p.present - coalesce(notfor.n, 0))::int AS attended,
		p.visits_acked AS visits_acknowledged, p.modules_done, asm.pp AS pp_score, asm.fas AS fas_score,
		p.visits_due, EXISTS (SELECT 1 FROM fin WHERE fin.regency_code = p.regency_code) AS ended
	FROM p LEFT JOIN rh ON rh.regency_code = p.regency_code LEFT JOIN gh ON gh.group_id = p.group_id
	LEFT JOIN notfor ON notfor.id = p.id LEFT JOIN asm ON asm.id = p.id`

// riskRowsSQL reads the names of the CGPs at risk ($3, of cohort $1 and province $2) in the
// page's order, the first $4 (NULL: all): by kab/kota, name and id, read in that order from
// training_participants_risk_order_idx (migration 000770) rather than sorted.
const riskRowsSQL = `SELECT p.id AS participant_id, p.name, rg.name AS regency_name, sc.name AS school_name, g.number AS group_number
	FROM training_participants p JOIN regencies rg ON rg.code = p.regency_code JOIN schools sc ON sc.npsn = p.npsn
	LEFT JOIN training_group_members m ON m.participant_id = p.id LEFT JOIN training_groups g ON g.id = m.group_id
	WHERE p.cohort_id = $1 AND p.province_code = $2 AND p.id = ANY($3::bigint[])
	ORDER BY p.regency_code, p.name, p.id LIMIT $4`

// AtRisk lists the undecided CGPs of a province (or of one of its kab/kota, regency) in sc who,
// as of now, miss a completion rule that can already be judged (AtRisk), with the unmet rules.
func (s *Store) AtRisk(ctx context.Context, sc Scope, cohortID int64, prov, regency string, now time.Time) ([]RiskRow, error) {
	st, err := s.Settings(ctx, cohortID)
	if err != nil {
		return nil, err
	}
	var out []RiskRow
	err = s.noJIT(ctx, func(tx pgx.Tx) error {
		out, _, err = s.WithTx(tx).atRisk(ctx, st, sc, cohortID, prov, regency, now, -1)
		return err
	})
	return out, err
}

// atRisk is AtRisk with the cohort's settings, on a store bound to a transaction: the first
// shown CGPs at risk in the page's order (all when shown < 0) and how many are at risk.
func (s *Store) atRisk(ctx context.Context, st Settings, sc Scope, cohortID int64, prov, regency string, now time.Time, shown int) ([]RiskRow, int, error) {
	rows, _ := s.db.Query(ctx, riskSQL, append([]any{cohortID, prov}, append(sc.args(), now, regency)...)...)
	judged := map[int64]RiskRow{}
	ids := []int64{}
	var f CompletionFacts
	var d Due
	_, err := pgx.ForEachRow(rows, []any{&f.ParticipantID, &f.LokakaryaHeld, &f.Attended, &f.VisitsAcknowledged, &f.ModulesDone, &f.PPScore, &f.FasScore,
		&d.Visits, &d.Ended}, func() error {
		if unmet := AtRisk(st, f, d); len(unmet) > 0 {
			judged[f.ParticipantID] = RiskRow{CompletionFacts: f, Due: d, Unmet: unmet}
			ids = append(ids, f.ParticipantID)
		}
		f.PPScore, f.FasScore = nil, nil // a row kept above holds the scores it read
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if len(ids) == 0 {
		return nil, 0, nil
	}
	var limit *int
	if shown >= 0 {
		limit = &shown
	}
	rows, _ = s.db.Query(ctx, riskRowsSQL, cohortID, prov, ids, limit)
	out := make([]RiskRow, 0, len(ids))
	if shown >= 0 {
		out = make([]RiskRow, 0, min(shown, len(ids)))
	}
	var id int64
	var name, regencyName, schoolName string
	var group *int
	_, err = pgx.ForEachRow(rows, []any{&id, &name, &regencyName, &schoolName, &group}, func() error {
		r := judged[id]
		r.Name, r.RegencyName, r.SchoolName, r.GroupNumber = name, regencyName, schoolName, group
		out = append(out, r)
		return nil
	})
	return out, len(ids), err
}

// noJIT runs fn in a transaction without JIT compilation and with plans made for the actual
// parameters. The page's aggregate statements join grouped CTEs whose row counts the planner
// cannot estimate; the cost it then sees makes PostgreSQL JIT-compile them (measured at 1.8-4.5 s
// of compiling for a statement that runs in tens of milliseconds), and after five runs of a
// prepared statement it may switch to a generic plan that cannot use the scope and kab/kota
// parameters (the page went from about 0.2 to 0.5 s per view).
func (s *Store) noJIT(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
			return err
		}
		return fn(tx)
	})
}
