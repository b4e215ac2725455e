package training

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/export"
	"penggerak/internal/pdp"
)

// The register of Guru Penggerak: every certificate holder, per kab/kota and angkatan, for the
// Dinas appointing principals and pengajar praktik. Scoped in the SQL (Dinas: its region; BGP: its
// province; national admin: all); NUPTK masked.

// RegisterFilter narrows the register. Zero values mean "all".
type RegisterFilter struct {
	CohortID int64  `form:"angkatan"`
	Regency  string `form:"kabkota"`
	// Status is "sah" (valid), "dicabut" (revoked) or "" (both).
	Status string `form:"status"`
	// Q searches the name (case-insensitive, any part).
	Q string `form:"q"`
}

// Clean trims the filter and drops values that cannot match (an unknown status).
func (f RegisterFilter) Clean() RegisterFilter {
	f.Regency, f.Q = strings.TrimSpace(f.Regency), strings.TrimSpace(f.Q)
	if len([]rune(f.Q)) > 100 {
		f.Q = string([]rune(f.Q)[:100])
	}
	if f.Status != "sah" && f.Status != "dicabut" {
		f.Status = ""
	}
	if f.CohortID < 0 {
		f.CohortID = 0
	}
	return f
}

// Any reports whether the filter narrows the register.
func (f RegisterFilter) Any() bool {
	return f.CohortID != 0 || f.Regency != "" || f.Status != "" || f.Q != ""
}

// RegisterRow is one Guru Penggerak in the register.
type RegisterRow struct {
	Certificate
	// MaskedNUPTK is the NUPTK of the teacher profile, masked ("" when none).
	MaskedNUPTK string `db:"nuptk"`
}

// RegisterGroup is the number of Guru Penggerak of one angkatan in one kab/kota.
type RegisterGroup struct {
	CohortID     int64  `db:"cohort_id"`
	CohortName   string `db:"cohort_name"`
	RegencyCode  string `db:"regency_code"`
	RegencyName  string `db:"regency_name"`
	Valid        int    `db:"valid"`
	RevokedCount int    `db:"revoked"`
}

// RegisterOption is a value of a filter list (an angkatan or a kab/kota in scope).
type RegisterOption struct {
	Value string `db:"value"`
	Label string `db:"label"`
}

// registerWhere is the scope and filter predicate over the certificate query; its parameters
// start at $1.
func registerWhere(sc Scope, f RegisterFilter) (string, []any) {
	args := append(sc.args(), f.CohortID, f.Regency, f.Status, f.Q)
	return scopeSQL("p", 1) + ` AND ($4::bigint = 0 OR p.cohort_id = $4) AND ($5::text = '' OR p.regency_code = $5)
		AND ($6::text = '' OR ($6 = 'sah') = (c.revoked_at IS NULL))
		AND ($7::text = '' OR us.name ILIKE '%' || replace(replace(replace($7, '\', '\\'), '%', '\%'), '_', '\_') || '%')`, args
}

const registerSelect = `SELECT c.id, c.participant_id, p.user_id, c.number, c.token, c.issued_at, c.revoked_at,
	COALESCE(c.revoke_reason, '') AS revoke_reason, us.name, p.cohort_id, co.number AS cohort_number, co.name AS cohort_name,
	p.regency_code, rg.name AS regency_name, p.province_code, pr.name AS province_name, p.npsn, sc.name AS school_name,
	p.created_at AS starts_at, COALESCE(p.decided_at, c.issued_at) AS ends_at, COALESCE(tp.nuptk, '') AS nuptk
	FROM training_certificates c
	JOIN training_participants p ON p.id = c.participant_id
	JOIN users us ON us.id = p.user_id
	JOIN cohorts co ON co.id = p.cohort_id
	JOIN regencies rg ON rg.code = p.regency_code
	JOIN provinces pr ON pr.code = p.province_code
	JOIN schools sc ON sc.npsn = p.npsn
	LEFT JOIN teacher_profiles tp ON tp.user_id = p.user_id`

const registerOrder = ` ORDER BY co.number DESC, p.regency_code, us.name, c.id`

// Register lists at most limit Guru Penggerak in sc matching f, and how many match in all.
func (s *Store) Register(ctx context.Context, sc Scope, f RegisterFilter, limit int) ([]RegisterRow, int, error) {
	where, args := registerWhere(sc, f.Clean())
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id
		JOIN users us ON us.id = p.user_id WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, _ := s.db.Query(ctx, registerSelect+` WHERE `+where+registerOrder+fmt.Sprintf(` LIMIT %d`, limit), args...)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[RegisterRow])
	for i := range list {
		if list[i].MaskedNUPTK != "" {
			list[i].MaskedNUPTK = pdp.Mask(list[i].MaskedNUPTK)
		}
	}
	return list, total, err
}

// RegisterGroups counts the Guru Penggerak in sc matching f per angkatan and kab/kota.
func (s *Store) RegisterGroups(ctx context.Context, sc Scope, f RegisterFilter) ([]RegisterGroup, error) {
	where, args := registerWhere(sc, f.Clean())
	rows, _ := s.db.Query(ctx, `SELECT p.cohort_id, co.name AS cohort_name, p.regency_code, rg.name AS regency_name,
			count(*) FILTER (WHERE c.revoked_at IS NULL)::int AS valid, count(c.revoked_at)::int AS revoked
		FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id JOIN users us ON us.id = p.user_id
		JOIN cohorts co ON co.id = p.cohort_id JOIN regencies rg ON rg.code = p.regency_code
		WHERE `+where+` GROUP BY p.cohort_id, co.number, co.name, p.regency_code, rg.name ORDER BY co.number DESC, p.regency_code`, args...)
	return pgx.CollectRows(rows, pgx.RowToStructByName[RegisterGroup])
}

// RegisterOptions are the angkatan and kab/kota that have certificates in sc, for the filters.
func (s *Store) RegisterOptions(ctx context.Context, sc Scope) (cohorts, regencies []RegisterOption, err error) {
	rows, _ := s.db.Query(ctx, `SELECT DISTINCT co.id::text AS value, co.name AS label, co.number FROM training_certificates c
		JOIN training_participants p ON p.id = c.participant_id JOIN cohorts co ON co.id = p.cohort_id
		WHERE `+scopeSQL("p", 1)+` ORDER BY co.number DESC`, sc.args()...)
	cohorts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (RegisterOption, error) {
		var o RegisterOption
		var n int
		return o, r.Scan(&o.Value, &o.Label, &n)
	})
	if err != nil {
		return nil, nil, err
	}
	rows, _ = s.db.Query(ctx, `SELECT DISTINCT p.regency_code AS value, rg.name AS label FROM training_certificates c
		JOIN training_participants p ON p.id = c.participant_id JOIN regencies rg ON rg.code = p.regency_code
		WHERE `+scopeSQL("p", 1)+` ORDER BY p.regency_code`, sc.args()...)
	regencies, err = pgx.CollectRows(rows, pgx.RowToStructByName[RegisterOption])
	return cohorts, regencies, err
}

// RegisterExport writes every Guru Penggerak in sc matching f, NUPTK masked, streamed from the
// cursor. It returns the number of rows.
func (s *Store) RegisterExport(ctx context.Context, sc Scope, f RegisterFilter, w export.Writer, tz *time.Location) (int, error) {
	if err := w.Header([]string{"Nomor sertifikat", "Nama", "NUPTK", "Angkatan", "Kabupaten/kota", "Provinsi", "Sekolah", "NPSN",
		"Diterbitkan", "Status", "Dicabut"}); err != nil {
		return 0, err
	}
	where, args := registerWhere(sc, f.Clean())
	return export.StreamQuery(ctx, s.db, w, func(r pgx.Rows) ([]any, error) {
		g, err := pgx.RowToStructByName[RegisterRow](r)
		if err != nil {
			return nil, err
		}
		nuptk := any(nil)
		if g.MaskedNUPTK != "" {
			nuptk = export.Plain(pdp.Mask(g.MaskedNUPTK))
		}
		status, revoked := export.Plain("Sah"), any(nil)
		if g.RevokedAt != nil {
			status, revoked = export.Plain("Dicabut"), g.RevokedAt.In(tz)
		}
		return []any{g.Number, g.Name, nuptk, g.CohortName, g.RegencyName, g.ProvinceName, g.SchoolName, g.NPSN,
			g.IssuedAt.In(tz), status, revoked}, nil
	}, registerSelect+` WHERE `+where+registerOrder, args...)
}
