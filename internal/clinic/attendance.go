package clinic

// Check-in and attendance: scanning or typing a ticket, ticking a list, and the attendance list.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// CheckIn is the outcome of one check-in.
type CheckIn struct {
	Registration Registration
	Already      bool      // the registrant was checked in before: nothing changed
	At           time.Time // when the registrant was (first) checked in
}

// CheckIn marks a registrant present at a session of event clinicID. input is a scanned ticket
// token or a typed ticket code. A forged token gives ErrBadToken, a ticket of another event
// ErrOtherEvent, an unknown code ErrUnknownCode, a waiting or cancelled registrant
// ErrNotRegistered, a check-in outside the session's window (set per event) ErrCheckInClosed.
// Checking in twice is harmless (Already). The caller has checked that the event is in the
// staff scope.
func (s *Store) CheckIn(ctx context.Context, clinicID, sessionID int64, input, method string, by int64, now time.Time) (CheckIn, error) {
	var regID int64
	if LooksLikeToken(input) {
		cid, rid, err := s.signer.Verify(input)
		if errors.Is(err, ErrBadToken) {
			return CheckIn{}, fmt.Errorf("%w: %w", ErrForgedTicket, err)
		}
		if err != nil {
			return CheckIn{}, err
		}
		if cid != clinicID {
			return CheckIn{}, ErrOtherEvent
		}
		regID = rid
	} else {
		code := NormalizeCode(input)
		if code == "" {
			return CheckIn{}, ErrUnknownCode
		}
		var cid int64
		err := s.db.QueryRow(ctx, `SELECT id, clinic_id FROM clinic_registrations WHERE code = $1`, code).Scan(&regID, &cid)
		if errors.Is(err, pgx.ErrNoRows) {
			return CheckIn{}, ErrUnknownCode
		}
		if err != nil {
			return CheckIn{}, err
		}
		if cid != clinicID {
			return CheckIn{}, ErrOtherEvent
		}
	}
	return s.checkIn(ctx, clinicID, sessionID, regID, method, by, now)
}

// checkInOpen refuses a check-in to a session of event clinicID outside its window.
func (s *Store) checkInOpen(ctx context.Context, clinicID, sessionID int64, now time.Time) error {
	c, err := s.ByID(ctx, clinicID)
	if err != nil {
		return err
	}
	for _, se := range c.Sessions {
		if se.ID == sessionID {
			if !c.CheckInOpen(se, now) {
				return ErrCheckInClosed
			}
			return nil
		}
	}
	return fmt.Errorf("session: %w", database.ErrNotFound)
}

func (s *Store) checkIn(ctx context.Context, clinicID, sessionID, regID int64, method string, by int64, now time.Time) (CheckIn, error) {
	reg, err := s.Registration(ctx, regID)
	if errors.Is(err, database.ErrNotFound) {
		return CheckIn{}, ErrUnknownCode
	}
	if err != nil {
		return CheckIn{}, err
	}
	if reg.ClinicID != clinicID {
		return CheckIn{}, ErrOtherEvent
	}
	if reg.Status != RegistrationRegistered {
		return CheckIn{Registration: reg}, ErrNotRegistered
	}
	if err := s.checkInOpen(ctx, clinicID, sessionID, now); err != nil {
		return CheckIn{Registration: reg}, err
	}
	var at time.Time
	err = s.db.QueryRow(ctx, `INSERT INTO clinic_attendance (registration_id, session_id, checked_in_by, method)
		SELECT $1, s.id, $3, $4 FROM clinic_sessions s WHERE s.id = $2 AND s.clinic_id = $5
		ON CONFLICT (registration_id, session_id) DO NOTHING RETURNING checked_in_at`,
		regID, sessionID, database.NullID(by), method, clinicID).Scan(&at)
	if err == nil {
		return CheckIn{Registration: reg, At: at}, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return CheckIn{}, err
	}
	err = s.db.QueryRow(ctx, `SELECT a.checked_in_at FROM clinic_attendance a JOIN clinic_sessions s ON s.id = a.session_id
		WHERE a.registration_id = $1 AND a.session_id = $2 AND s.clinic_id = $3`, regID, sessionID, clinicID).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return CheckIn{}, fmt.Errorf("session: %w", database.ErrNotFound)
	}
	return CheckIn{Registration: reg, Already: true, At: at}, err
}

// CheckInList marks the listed registrants present at a session (ticking a list); registrants
// not holding a seat of this event are skipped. Outside the session's window it is
// ErrCheckInClosed. It returns how many were newly marked.
func (s *Store) CheckInList(ctx context.Context, clinicID, sessionID int64, regIDs []int64, by int64, now time.Time) (int, error) {
	if err := s.checkInOpen(ctx, clinicID, sessionID, now); err != nil {
		return 0, err
	}
	tag, err := s.db.Exec(ctx, `INSERT INTO clinic_attendance (registration_id, session_id, checked_in_by, method)
		SELECT g.id, s.id, $4, 'list' FROM clinic_registrations g JOIN clinic_sessions s ON s.clinic_id = g.clinic_id
		WHERE g.clinic_id = $1 AND s.id = $2 AND g.id = ANY($3) AND g.status = 'registered'
		ON CONFLICT (registration_id, session_id) DO NOTHING`, clinicID, sessionID, regIDs, database.NullID(by))
	return int(tag.RowsAffected()), err
}

// Present returns the ids of registrants checked in at a session.
func (s *Store) Present(ctx context.Context, sessionID int64) (map[int64]bool, error) {
	rows, _ := s.db.Query(ctx, `SELECT registration_id FROM clinic_attendance WHERE session_id = $1`, sessionID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// RecordExport writes the export of one of an event's lists (presensi, peserta) to the audit
// log, with the format and the rows written.
func (s *Store) RecordExport(ctx context.Context, act audit.Actor, clinicID int64, list, format string, rows int) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.export", ObjectType: "clinic", ObjectID: strconv.FormatInt(clinicID, 10),
			Detail: map[string]any{"list": list, "format": format, "rows": rows}})
	})
}
