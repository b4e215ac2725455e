package clinic

// Participant import (issue 13): the organiser uploads a CSV of teachers to nominate; it is
// parsed and checked into a preview (internal/imports) that shows the first rows, the counts and
// every problem with its line, and is committed explicitly, all rows or none, once.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/imports"
)

// ImportKind is the kind of a participant import preview (import_previews.kind).
const ImportKind = "clinic_participants"

// MaxImportRows bounds one participant list.
const MaxImportRows = 2000

// ImportRow is one teacher of a participant list, checked.
type ImportRow struct {
	Line       int
	Name       string
	Email      string
	Phone      string
	NPSN       string
	SchoolName string             // from the schools table, filled by CheckImport
	Status     RegistrationStatus // registered or waiting, as the commit would place them at preview time
}

// ImportPreview is what a participant import preview keeps.
type ImportPreview struct {
	ClinicID   int64
	Rows       []ImportRow
	Problems   []imports.Problem
	Registered int // rows that would get a seat
	Waiting    int // rows that would go to the waiting list
}

// ParseParticipants reads a CSV participant list (UTF-8 with or without BOM, `;` or `,`) with the
// columns nama, email, npsn and optionally telepon, and checks each line's shape; the school,
// the event's rules and duplicates are checked by CheckImport.
func ParseParticipants(data []byte) ([]ImportRow, []imports.Problem) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 { // never reaches PostgreSQL
		return nil, []imports.Problem{{Key: "clinic.import.err.encoding"}}
	}
	list, p := imports.ReadList(data, MaxImportRows, "nama, email, npsn (telepon boleh)", "nama", "email", "npsn")
	if p != nil {
		return nil, []imports.Problem{*p}
	}
	var rows []ImportRow
	var problems []imports.Problem
	seen := map[string]int{}
	for i, rec := range list.Lines {
		line := i + 2
		f := RegisterForm{Name: list.Field(rec, "nama"), Email: list.Field(rec, "email"), NPSN: list.Field(rec, "npsn"),
			Phone: list.Field(rec, "telepon")}
		if f.Name == "" && f.Email == "" && f.NPSN == "" && f.Phone == "" {
			continue
		}
		reg, errs := ValidateRegistrant(f, false)
		if field := firstField(errs); field != "" {
			value := map[string]string{"name": f.Name, "email": f.Email, "phone": f.Phone, "npsn": f.NPSN}[field]
			problems = append(problems, imports.Problem{Line: line, Key: "clinic.import.err." + field, Data: map[string]any{"Value": imports.Excerpt(value)}})
			continue
		}
		if prev, dup := seen[reg.Email]; dup {
			problems = append(problems, imports.Problem{Line: line, Key: "import.err.duplicate", Data: map[string]any{"Line": prev}})
			continue
		}
		seen[reg.Email] = line
		rows = append(rows, ImportRow{Line: line, Name: reg.Name, Email: reg.Email, Phone: reg.Phone, NPSN: reg.NPSN})
	}
	return rows, problems
}

func firstField(errs map[string]string) string {
	for _, f := range []string{"name", "email", "phone", "npsn"} {
		if errs[f] != "" {
			return f
		}
	}
	return ""
}

// CheckImport checks parsed rows against the database for event c: the school exists and the
// event's jenjang and region rules admit it, the teacher is not registered already, the school
// keeps within its slots (counting the rows above it), and the event is published. It returns
// the preview: the rows that pass, with the seat or waiting place each would get now, and the
// problems (parse problems first, then these, by line).
func (s *Store) CheckImport(ctx context.Context, c Clinic, rows []ImportRow, problems []imports.Problem) (ImportPreview, error) {
	p := ImportPreview{ClinicID: c.ID, Problems: problems}
	if c.Status != StatusPublished {
		p.Problems = append(p.Problems, imports.Problem{Key: "clinic.import.err.not_published"})
	}
	perSchool := map[string]int{}
	free := max(c.Capacity-c.Registered, 0)
	for _, row := range rows {
		sc, err := schoolRef(ctx, s.db, row.NPSN)
		if errors.Is(err, ErrUnknownSchool) {
			p.Problems = append(p.Problems, imports.Problem{Line: row.Line, Key: "clinic.import.err.unknown_school", Data: map[string]any{"Value": row.NPSN}})
			continue
		}
		if err != nil {
			return p, err
		}
		if err := c.Eligible(sc); err != nil {
			key := "clinic.import.err.jenjang"
			if errors.Is(err, ErrRegion) {
				key = "clinic.import.err.region"
			}
			p.Problems = append(p.Problems, imports.Problem{Line: row.Line, Key: key, Data: map[string]any{"Value": sc.Name + " (" + sc.Jenjang + ")"}})
			continue
		}
		var dup bool
		var taken int
		if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM clinic_registrations g WHERE g.clinic_id = $1 AND g.status <> 'cancelled'
			AND (g.email = $2 OR g.user_id = (SELECT id FROM users WHERE email = $2))),
			(SELECT count(*) FROM clinic_registrations g WHERE g.clinic_id = $1 AND g.npsn = $3 AND g.status <> 'cancelled')::int`,
			c.ID, row.Email, sc.NPSN).Scan(&dup, &taken); err != nil {
			return p, err
		}
		if dup {
			p.Problems = append(p.Problems, imports.Problem{Line: row.Line, Key: "clinic.import.err.registered", Data: map[string]any{"Value": row.Email}})
			continue
		}
		if c.SchoolSlots > 0 && taken+perSchool[sc.NPSN] >= c.SchoolSlots {
			p.Problems = append(p.Problems, imports.Problem{Line: row.Line, Key: "clinic.import.err.school_full",
				Data: map[string]any{"Value": sc.Name, "Slots": c.SchoolSlots}})
			continue
		}
		perSchool[sc.NPSN]++
		row.SchoolName = sc.Name
		if free > 0 {
			row.Status, free = RegistrationRegistered, free-1
			p.Registered++
		} else {
			row.Status = RegistrationWaiting
			p.Waiting++
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

// ImportLineError is a row that the commit refused (the event changed since the preview): the
// whole import is rolled back, the line and the reason are shown.
type ImportLineError struct {
	Line int
	Err  error
}

func (e *ImportLineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *ImportLineError) Unwrap() error { return e.Err }

// CommitImport nominates every row of a preview for event c inside tx (the preview's commit
// transaction, internal/imports.Commit): each is registered as a staff nomination with the usual
// rules under the event's lock, and mailed; any refusal is an ImportLineError and rolls back
// every row. The event must be the preview's. Audited as clinic.import. It returns the rows
// registered and waiting.
func (s *Store) CommitImport(ctx context.Context, tx pgx.Tx, act audit.Actor, c Clinic, p ImportPreview, now time.Time) (registered, waiting int, err error) {
	if p.ClinicID != c.ID {
		return 0, 0, fmt.Errorf("preview of another event: %w", database.ErrNotFound)
	}
	st := s.WithTx(tx)
	for _, row := range p.Rows {
		reg, err := st.Register(ctx, c.ID, Registrant{NominatedBy: act.UserID, Name: row.Name, Email: row.Email, Phone: row.Phone, NPSN: row.NPSN}, now)
		if err != nil {
			return 0, 0, &ImportLineError{Line: row.Line, Err: err}
		}
		if reg.Status == RegistrationWaiting {
			waiting++
		} else {
			registered++
		}
	}
	err = audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.import", ObjectType: "clinic", ObjectID: fmt.Sprint(c.ID),
		Detail: map[string]any{"rows": len(p.Rows), "registered": registered, "waiting": waiting}})
	return registered, waiting, err
}
