package selection

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/filecheck"
	"penggerak/internal/mail"
	"penggerak/internal/storage"
	"penggerak/internal/token"
)

// ErrNotPDF is returned when an upload is not a PDF by its content (or is empty).
var ErrNotPDF = errors.New("selection: not a PDF")

// ErrPaktaTooBig is returned when a Pakta Integritas is over MaxPakta bytes.
var ErrPaktaTooBig = errors.New("selection: Pakta Integritas too big")

// MaxPakta bounds the signed Pakta Integritas (a scanned page or two).
const MaxPakta = 5 << 20

// checkPakta applies the shared upload check (filecheck.PDF) to a Pakta Integritas.
func checkPakta(pdf []byte) error {
	switch err := filecheck.PDF(pdf, MaxPakta); {
	case errors.Is(err, filecheck.ErrTooBig):
		return ErrPaktaTooBig
	case err != nil:
		return fmt.Errorf("%w: %w", ErrNotPDF, err)
	}
	return nil
}

// SeatStatus is where a pembekalan seat stands.
type SeatStatus string

// Seat statuses: offered (waiting for the applicant), confirmed (with the signed Pakta
// Integritas), declined or expired (freed, the next cadangan moves up), and after the
// briefing attended (a CGP of the cohort) or absent.
const (
	SeatOffered   SeatStatus = "offered"
	SeatConfirmed SeatStatus = "confirmed"
	SeatDeclined  SeatStatus = "declined"
	SeatExpired   SeatStatus = "expired"
	SeatAttended  SeatStatus = "attended"
	SeatAbsent    SeatStatus = "absent"
)

// ownSeat locks the applicant's own seat (another's, or one whose offer is not released yet,
// is ErrNotFound).
func ownSeat(ctx context.Context, tx pgx.Tx, userID, seatID int64) (status SeatStatus, confirmBy time.Time, err error) {
	err = tx.QueryRow(ctx, `SELECT ps.status, ps.confirm_by FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id
		WHERE ps.id = $1 AND a.user_id = $2 AND `+SeatReleased+` FOR UPDATE OF ps`, seatID, userID).Scan(&status, &confirmBy)
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("seat %d: %w", seatID, database.ErrNotFound)
	}
	return
}

// Confirm confirms participation with the signed Pakta Integritas (a PDF, checked by its magic
// bytes, at most MaxPakta), before the seat's deadline. The file is stored in files under
// "pakta/<random name>" before the transaction, and removed again when it fails.
func (s *Store) Confirm(ctx context.Context, actor audit.Actor, userID, seatID int64, pdf []byte, files storage.Store, now time.Time) error {
	if err := checkPakta(pdf); err != nil {
		return err
	}
	name := token.Hex(16) + ".pdf"
	sum := sha256.Sum256(pdf)
	if err := files.Put(ctx, "pakta/"+name, bytes.NewReader(pdf), int64(len(pdf))); err != nil {
		return fmt.Errorf("store pakta: %w", err)
	}
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		status, by, err := ownSeat(ctx, tx, userID, seatID)
		if err != nil {
			return err
		}
		if status != SeatOffered || now.After(by) {
			return fmt.Errorf("seat %d is %s: %w", seatID, status, database.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `UPDATE pembekalan_seats SET status = $5, confirmed_at = $2, pakta_storage = $3, pakta_sha256 = $4
			WHERE id = $1`, seatID, now, name, hex.EncodeToString(sum[:]), SeatConfirmed); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.seat.confirm", ObjectType: "pembekalan_seat", ObjectID: strconv.FormatInt(seatID, 10),
			Detail: map[string]any{"pakta_sha256": hex.EncodeToString(sum[:])}})
	})
	if err != nil {
		_ = files.Delete(context.WithoutCancel(ctx), "pakta/"+name)
	}
	return err
}

// Decline gives up the applicant's seat; the best cadangan of the same kab/kota moves up.
func (s *Store) Decline(ctx context.Context, actor audit.Actor, userID, seatID int64, now time.Time, baseURL string) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		status, _, err := ownSeat(ctx, tx, userID, seatID)
		if err != nil {
			return err
		}
		if status != SeatOffered && status != SeatConfirmed {
			return fmt.Errorf("seat %d is %s: %w", seatID, status, database.ErrConflict)
		}
		return s.free(ctx, tx, actor, seatID, SeatDeclined, now, baseURL)
	})
}

// ExpireOverdue frees every released offered seat past its deadline and moves up cadangan (an
// offer still held has no deadline yet). It returns how many seats were freed.
func (s *Store) ExpireOverdue(ctx context.Context, actor audit.Actor, now time.Time, baseURL string) (int, error) {
	var n int
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT id FROM pembekalan_seats ps WHERE status = $2 AND confirm_by < $1 AND `+SeatReleased+` ORDER BY id FOR UPDATE`, now, SeatOffered)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.free(ctx, tx, actor, id, SeatExpired, now, baseURL); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// free marks a seat declined or expired and offers a seat to the best cadangan of the same
// kab/kota (in the seat's run) who has no seat yet, by email, to confirm within the cohort's
// confirmation days from now.
func (s *Store) free(ctx context.Context, tx pgx.Tx, actor audit.Actor, seatID int64, status SeatStatus, now time.Time, baseURL string) error {
	var runID, cohortID int64
	var reg string
	if err := tx.QueryRow(ctx, `UPDATE pembekalan_seats SET status = $2, freed_at = $3 WHERE id = $1
		RETURNING run_id, regency_code, (SELECT cohort_id FROM result_runs WHERE id = run_id)`,
		seatID, status, now).Scan(&runID, &reg, &cohortID); err != nil {
		return err
	}
	prog, err := loadProgram(ctx, tx, cohortID)
	if err != nil {
		return err
	}
	nextConfirmBy := prog.ConfirmBy(now)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200202, hashtext($1))`, reg); err != nil {
		return err
	}
	detail := map[string]any{"status": status}
	var next int64
	var to, name, lang string
	err = tx.QueryRow(ctx, `SELECT rr.application_id, u.email, u.name, u.language FROM run_results rr
		JOIN applications a ON a.id = rr.application_id JOIN users u ON u.id = a.user_id
		WHERE rr.run_id = $1 AND rr.regency_code = $2 AND rr.outcome = 'cadangan'
		AND NOT EXISTS (SELECT 1 FROM pembekalan_seats ps WHERE ps.run_id = rr.run_id AND ps.application_id = rr.application_id)
		ORDER BY rr.rank LIMIT 1`, runID, reg).Scan(&next, &to, &name, &lang)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return err
	default:
		// The offer is held with its mail: its window starts at release (ReleaseMail), so
		// nextConfirmBy is only a placeholder until then and the mail names the days, not a date.
		var seat int64
		if err := tx.QueryRow(ctx, `INSERT INTO pembekalan_seats (run_id, application_id, regency_code, confirm_by, promoted_from)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, runID, next, reg, nextConfirmBy, seatID).Scan(&seat); err != nil {
			return err
		}
		m := s.compose(lang, "selection.mail.promoted", map[string]any{"Name": name, "Days": prog.ConfirmDays})
		m.Ref = mail.DecisionRef("seat", seat)
		m.To = to
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		detail["promoted_application_id"] = next
	}
	return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.seat." + string(status), ObjectType: "pembekalan_seat", ObjectID: strconv.FormatInt(seatID, 10), Detail: detail})
}

// RecordAttendance records that a confirmed participant attended the briefing: they are now a
// CGP of the cohort.
func (s *Store) RecordAttendance(ctx context.Context, actor audit.Actor, runID, seatID int64, now time.Time) error {
	return s.recordBriefing(ctx, actor, runID, seatID, now, SeatAttended)
}

// RecordAbsence records that a confirmed participant did not come to the briefing: they do
// not become a CGP of the cohort.
func (s *Store) RecordAbsence(ctx context.Context, actor audit.Actor, runID, seatID int64, now time.Time) error {
	return s.recordBriefing(ctx, actor, runID, seatID, now, SeatAbsent)
}

// recordBriefing moves a confirmed seat of the run to attended or absent, audited.
// Briefing attendance is recorded only within the cohort's pembekalan dates (*DateError).
func (s *Store) recordBriefing(ctx context.Context, actor audit.Actor, runID, seatID int64, now time.Time, status SeatStatus) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var cohortID int64
		err := tx.QueryRow(ctx, `SELECT r.cohort_id FROM pembekalan_seats ps JOIN result_runs r ON r.id = ps.run_id
			WHERE ps.id = $1 AND ps.run_id = $2`, seatID, runID).Scan(&cohortID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("seat %d of run %d: %w", seatID, runID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		prog, err := loadProgram(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		if err := checkDates(prog.Pembekalan, "pembekalan", now); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE pembekalan_seats SET status = $4,
				attended_at = CASE WHEN $4 = $5 THEN $3::timestamptz ELSE attended_at END
			WHERE id = $1 AND run_id = $2 AND status = $6`, seatID, runID, now, status, SeatAttended, SeatConfirmed)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("seat %d not confirmed: %w", seatID, database.ErrConflict)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.seat." + string(status), ObjectType: "pembekalan_seat", ObjectID: strconv.FormatInt(seatID, 10)})
	})
}

// SeatRow is a seat in the admin's pembekalan list.
type SeatRow struct {
	ID                 int64      `db:"id"`
	RegistrationNumber string     `db:"registration_number"`
	Name               string     `db:"name"`
	RegencyCode        string     `db:"regency_code"`
	RegencyName        string     `db:"regency_name"`
	Status             SeatStatus `db:"status"`
	ConfirmBy          time.Time  `db:"confirm_by"`
	Promoted           bool       `db:"promoted"`
	AttendedAt         *time.Time `db:"attended_at"`
	// Released: the offer's mail has left the review outbox (SeatReleased); until then
	// ConfirmBy is only provisional, the window starting at the release.
	Released bool `db:"released"`
}

// Seats lists the pembekalan seats of a run.
func (s *Store) Seats(ctx context.Context, runID int64) ([]SeatRow, error) {
	rows, _ := s.db.Query(ctx, `SELECT ps.id, coalesce(a.registration_number, '') AS registration_number, a.applicant_name AS name,
			ps.regency_code, g.name AS regency_name, ps.status, ps.confirm_by, ps.promoted_from IS NOT NULL AS promoted, ps.attended_at,
			(`+SeatReleased+`) AS released
		FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id JOIN regencies g ON g.code = ps.regency_code
		WHERE ps.run_id = $1 ORDER BY ps.regency_code, ps.id LIMIT 1000`, runID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[SeatRow])
}

// CheckSeat returns ErrNotFound unless the seat belongs to the user's application and its offer
// was released.
func (s *Store) CheckSeat(ctx context.Context, userID, seatID int64) error {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id
		WHERE ps.id = $1 AND a.user_id = $2 AND `+SeatReleased+`)`, seatID, userID).Scan(&ok)
	if err == nil && !ok {
		err = fmt.Errorf("seat %d: %w", seatID, database.ErrNotFound)
	}
	return err
}

// Participants lists the applications of a cohort whose applicants attended the briefing: the
// cohort's CGP, for the training feature.
func (s *Store) Participants(ctx context.Context, cohortID int64) ([]int64, error) {
	rows, _ := s.db.Query(ctx, `SELECT ps.application_id FROM pembekalan_seats ps JOIN result_runs r ON r.id = ps.run_id
		WHERE r.cohort_id = $1 AND ps.status = $2 ORDER BY ps.application_id`, cohortID, SeatAttended)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
