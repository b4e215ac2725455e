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

// MaxProgressRows is the most rows a module-progress import may hold.
const MaxProgressRows = 1000

// ProgressRow is one row of an LMS export: who (NUPTK or email), which module, done or not.
type ProgressRow struct {
	Line   int
	Key    string
	Module int
	Done   bool
	// ParticipantID and Name are filled in by matching.
	ParticipantID int64
	Name          string
}

// RowError is a problem of one line of an import (a message key).
type RowError struct {
	Line int
	Key  string
}

// ParseProgress reads an LMS export: a header row naming the columns "nuptk" or "email",
// "modul" and "status" (selesai / belum), then one row per CGP and module. modules is the
// cohort's number of modules. Every bad row is listed; a file with problems is refused whole.
func ParseProgress(rows [][]string, modules int) ([]ProgressRow, []RowError) {
	if len(rows) == 0 {
		return nil, []RowError{{Line: 1, Key: "training.import.error.empty"}}
	}
	if len(rows) > MaxProgressRows+1 {
		return nil, []RowError{{Line: MaxProgressRows + 2, Key: "training.import.error.too_many"}}
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	_, hasN := col["nuptk"]
	_, hasE := col["email"]
	_, hasM := col["modul"]
	_, hasS := col["status"]
	if (!hasN && !hasE) || !hasM || !hasS {
		return nil, []RowError{{Line: 1, Key: "training.import.error.header"}}
	}
	cell := func(r []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[i])
	}
	var out []ProgressRow
	var errs []RowError
	for n, r := range rows[1:] {
		line := n + 2
		if strings.TrimSpace(strings.Join(r, "")) == "" {
			continue
		}
		row := ProgressRow{Line: line, Key: strings.ToLower(cell(r, "email"))}
		if row.Key == "" {
			row.Key = cell(r, "nuptk")
		}
		m, err := strconv.Atoi(cell(r, "modul"))
		row.Module = m
		switch strings.ToLower(cell(r, "status")) {
		case "selesai", "complete", "completed":
			row.Done = true
		case "belum", "incomplete", "not started":
		default:
			errs = append(errs, RowError{line, "training.import.error.status"})
			continue
		}
		switch {
		case row.Key == "":
			errs = append(errs, RowError{line, "training.import.error.who"})
		case !strings.Contains(row.Key, "@") && (len(row.Key) != 16 || strings.Trim(row.Key, "0123456789") != ""):
			errs = append(errs, RowError{line, "training.import.error.nuptk"})
		case err != nil || m < 1 || m > modules:
			errs = append(errs, RowError{line, "training.import.error.module"})
		default:
			out = append(out, row)
		}
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = append(errs, RowError{Line: 1, Key: "training.import.error.empty"})
	}
	return out, errs
}

// inClass is the predicate (over p, parameter $1) that the CGP is in a confirmed group of the
// fasilitator's classes.
const inClass = `EXISTS (SELECT 1 FROM training_group_members m JOIN training_groups g ON g.id = m.group_id
	JOIN training_mentors t ON t.id = g.fasilitator_id WHERE m.participant_id = p.id AND g.status = 'aktif' AND t.user_id = $1)`

// MatchProgress finds each row's CGP among the fasilitator's classes by email or NUPTK; rows
// matching nobody there are errors.
func (s *Store) MatchProgress(ctx context.Context, fasUserID int64, rows []ProgressRow) ([]ProgressRow, []RowError, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Key
	}
	q, _ := s.db.Query(ctx, `SELECT k, p.id, p.name FROM unnest($2::text[]) k
		JOIN training_participants p ON p.status = 'aktif' AND `+inClass+`
		JOIN users u ON u.id = p.user_id LEFT JOIN teacher_profiles tp ON tp.user_id = p.user_id
		WHERE u.email = k OR (tp.nuptk <> '' AND tp.nuptk = k)`, fasUserID, keys)
	found := map[string][2]any{}
	var k, name string
	var id int64
	if _, err := pgx.ForEachRow(q, []any{&k, &id, &name}, func() error { found[k] = [2]any{id, name}; return nil }); err != nil {
		return nil, nil, err
	}
	var errs []RowError
	for i := range rows {
		f, ok := found[rows[i].Key]
		if !ok {
			errs = append(errs, RowError{rows[i].Line, "training.import.error.unknown"})
			continue
		}
		rows[i].ParticipantID, rows[i].Name = f[0].(int64), f[1].(string)
	}
	return rows, errs, nil
}

// ProgressItem is one change to apply: the module of a CGP done or not.
type ProgressItem struct {
	ParticipantID int64
	Module        int
	Done          bool
}

// EncodeItems and DecodeItems carry a checked import from the preview to the commit.
func EncodeItems(rows []ProgressRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%d:%d:%t ", r.ParticipantID, r.Module, r.Done)
	}
	return b.String()
}

// DecodeItems parses EncodeItems' text; ok is false on any malformed line.
func DecodeItems(text string) ([]ProgressItem, bool) {
	var out []ProgressItem
	for _, line := range strings.Fields(text) {
		parts := strings.Split(line, ":")
		if len(parts) != 3 {
			return nil, false
		}
		id, err1 := strconv.ParseInt(parts[0], 10, 64)
		m, err2 := strconv.Atoi(parts[1])
		done, err3 := strconv.ParseBool(parts[2])
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, false
		}
		out = append(out, ProgressItem{id, m, done})
	}
	return out, len(out) > 0 && len(out) <= MaxProgressRows
}

// ApplyProgress records the items (all or nothing): every CGP must be in the fasilitator's
// classes and every module within the cohort's count. Audited once.
func (s *Store) ApplyProgress(ctx context.Context, actor audit.Actor, fasUserID int64, items []ProgressItem, source string) error {
	ids, mods, done := make([]int64, len(items)), make([]int32, len(items)), make([]bool, len(items))
	for i, it := range items {
		ids[i], mods[i], done[i] = it.ParticipantID, int32(it.Module), it.Done
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var bad int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM unnest($2::bigint[], $3::int[]) AS x(id, module)
			LEFT JOIN training_participants p ON p.id = x.id AND p.status = 'aktif' AND `+inClass+`
			LEFT JOIN training_settings st ON st.cohort_id = p.cohort_id
			WHERE p.id IS NULL OR x.module < 1 OR x.module > st.modules`, fasUserID, ids, mods).Scan(&bad); err != nil {
			return err
		}
		if bad > 0 {
			return fmt.Errorf("training: %d progress items outside the class: %w", bad, database.ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM training_module_progress t USING unnest($1::bigint[], $2::int[], $3::bool[]) AS x(id, module, done)
			WHERE t.participant_id = x.id AND t.module = x.module AND NOT x.done`, ids, mods, done); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO training_module_progress (participant_id, module, recorded_by, source)
			SELECT DISTINCT x.id, x.module, $4::bigint, $5 FROM unnest($1::bigint[], $2::int[], $3::bool[]) AS x(id, module, done) WHERE x.done
			ON CONFLICT (participant_id, module) DO NOTHING`, ids, mods, done, actor.UserID, source); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.progress." + source, ObjectType: "training_class", ObjectID: itoa(fasUserID),
			Detail: map[string]any{"items": len(items)}})
	})
}

// Progress is a CGP's module progress, computed in SQL.
type Progress struct {
	ParticipantID int64  `db:"participant_id"`
	Name          string `db:"name"`
	GroupID       int64  `db:"group_id"`
	Done          int    `db:"done"`
	Modules       int    `db:"modules"`
	Completed     []int32
}

// ClassProgress lists the progress of every CGP in the fasilitator's classes.
func (s *Store) ClassProgress(ctx context.Context, fasUserID int64) ([]Progress, error) {
	rows, _ := s.db.Query(ctx, `SELECT p.id AS participant_id, p.name, m.group_id, st.modules,
			(SELECT count(*) FROM training_module_progress x WHERE x.participant_id = p.id)::int AS done,
			coalesce((SELECT array_agg(x.module ORDER BY x.module) FROM training_module_progress x WHERE x.participant_id = p.id), '{}') AS completed
		FROM training_participants p JOIN training_group_members m ON m.participant_id = p.id
		JOIN training_settings st ON st.cohort_id = p.cohort_id
		WHERE p.status = 'aktif' AND `+inClass+` ORDER BY m.group_id, p.name, p.id`, fasUserID)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Progress, error) {
		var p Progress
		return p, r.Scan(&p.ParticipantID, &p.Name, &p.GroupID, &p.Modules, &p.Done, &p.Completed)
	})
}

// MyProgress returns the CGP's progress per cohort they are in.
func (s *Store) MyProgress(ctx context.Context, userID int64) ([]Progress, error) {
	rows, _ := s.db.Query(ctx, `SELECT p.id, p.name, coalesce(m.group_id, 0), st.modules,
			(SELECT count(*) FROM training_module_progress x WHERE x.participant_id = p.id)::int
		FROM training_participants p JOIN training_settings st ON st.cohort_id = p.cohort_id
		LEFT JOIN training_group_members m ON m.participant_id = p.id
		WHERE p.user_id = $1 AND p.status = 'aktif' ORDER BY p.cohort_id`, userID)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Progress, error) {
		var p Progress
		return p, r.Scan(&p.ParticipantID, &p.Name, &p.GroupID, &p.Modules, &p.Done)
	})
}
