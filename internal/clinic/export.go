package clinic

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/export"
)

// Exports of an event's lists for the organiser, streamed from the database cursor row by row
// into the shared export writers (internal/export: XLSX through excelize's StreamWriter, CSV
// with a BOM and `;`, formula injection neutralised). Text is Indonesian, as the headers.

// ExportHeader is the header row of the attendance export; one column per session follows.
func ExportHeader(c Clinic) []string {
	h := []string{"No", "Nama", "Sekolah", "NPSN", "Jenjang", "Status"}
	for i, s := range c.Sessions {
		label := "Sesi " + strconv.Itoa(i+1) + " " + c.Local(s.StartsAt).Format("02/01 15.04")
		h = append(h, label)
	}
	return h
}

// regStatusText names registration statuses in the exports.
var regStatusText = map[RegistrationStatus]export.Plain{RegistrationRegistered: "Terdaftar", RegistrationWaiting: "Daftar tunggu", RegistrationCancelled: "Dibatalkan"}

// StreamAttendance writes the attendance list of event c into w: every registrant holding a
// seat or waiting (in the participant list's order), with presence per session in session
// order. It returns the rows written.
func (s *Store) StreamAttendance(ctx context.Context, c Clinic, w export.Writer) (int, error) {
	if err := w.Header(ExportHeader(c)); err != nil {
		return 0, err
	}
	i := 0
	return export.StreamQuery(ctx, s.db, w, func(r pgx.Rows) ([]any, error) {
		var name, school, npsn, jenjang string
		var status RegistrationStatus
		var present []bool
		if err := r.Scan(&name, &school, &npsn, &jenjang, &status, &present); err != nil {
			return nil, err
		}
		i++
		rec := []any{i, name, school, npsn, jenjang, regStatusText[status]}
		for _, p := range present {
			if p {
				rec = append(rec, export.Plain("Hadir"))
			} else {
				rec = append(rec, export.Plain("-"))
			}
		}
		return rec, nil
	}, `SELECT g.name, g.school_name, g.npsn, g.jenjang, g.status,
		array(SELECT EXISTS (SELECT 1 FROM clinic_attendance a WHERE a.registration_id = g.id AND a.session_id = se.id)
			FROM clinic_sessions se WHERE se.clinic_id = g.clinic_id ORDER BY se.starts_at, se.id) AS present
		FROM clinic_registrations g WHERE g.clinic_id = $1 AND g.status <> 'cancelled'
		ORDER BY CASE g.status WHEN 'registered' THEN 0 ELSE 1 END, g.id`, c.ID)
}

// StreamRegistrants writes every registration of event c into w, cancelled ones included with
// their status: who, which school, how they registered (themselves or nominated), when, the
// waiting-list place, sessions attended, the feedback rating and whether a certificate was
// revoked. Contact details are left out (the organiser reaches participants through the
// application's mails). Times are in the event's time zone. It returns the rows written.
func (s *Store) StreamRegistrants(ctx context.Context, c Clinic, w export.Writer) (int, error) {
	if err := w.Header([]string{"No", "Nama", "Sekolah", "NPSN", "Jenjang", "Status", "Urutan tunggu", "Cara daftar",
		"Mendaftar (" + c.Timezone + ")", "Dibatalkan (" + c.Timezone + ")", "Sesi dihadiri", "Nilai umpan balik", "Sertifikat dicabut"}); err != nil {
		return 0, err
	}
	i := 0
	local := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		l := c.Local(*t)
		return &l
	}
	return export.StreamQuery(ctx, s.db, w, func(r pgx.Rows) ([]any, error) {
		var name, school, npsn, jenjang string
		var status RegistrationStatus
		var nominated bool
		var position, attended, rating int
		var created time.Time
		var cancelled, revoked *time.Time
		if err := r.Scan(&name, &school, &npsn, &jenjang, &status, &position, &nominated, &created, &cancelled, &attended, &rating, &revoked); err != nil {
			return nil, err
		}
		i++
		how := export.Plain("Mandiri")
		if nominated {
			how = "Nominasi penyelenggara"
		}
		var pos, stars any
		if position > 0 {
			pos = position
		}
		if rating > 0 {
			stars = rating
		}
		rev := export.Plain("-")
		if revoked != nil {
			rev = "Dicabut"
		}
		return []any{i, name, school, npsn, jenjang, regStatusText[status], pos, how, local(&created), local(cancelled), attended, stars, rev}, nil
	}, `SELECT g.name, g.school_name, g.npsn, g.jenjang, g.status,
		CASE WHEN g.status = 'waiting' THEN (SELECT count(*) FROM clinic_registrations x
			WHERE x.clinic_id = g.clinic_id AND x.status = 'waiting' AND x.id <= g.id)::int ELSE 0 END,
		g.nominated_by IS NOT NULL, g.created_at, g.cancelled_at,
		(SELECT count(*) FROM clinic_attendance a WHERE a.registration_id = g.id)::int,
		coalesce((SELECT f.rating FROM clinic_feedback f WHERE f.registration_id = g.id), 0),
		g.cert_revoked_at
		FROM clinic_registrations g WHERE g.clinic_id = $1
		ORDER BY CASE g.status WHEN 'registered' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, g.id`, c.ID)
}
