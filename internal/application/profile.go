package application

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/region"
)

// Profile is the teacher's profile with their school, as the application reads it.
type Profile struct {
	UserID           int64     `db:"user_id"`
	Name             string    `db:"name"`
	Email            string    `db:"email"`
	NIK              string    `db:"nik"`
	NUPTK            string    `db:"nuptk"`
	BirthDate        time.Time `db:"birth_date"`
	Gender           string    `db:"gender"`
	NPSN             string    `db:"npsn"`
	SchoolName       string    `db:"school_name"`
	RegencyCode      string    `db:"regency_code"`
	RegencyName      string    `db:"regency_name"`
	ProvinceCode     string    `db:"province_code"`
	Jenjang          string    `db:"jenjang"`
	Subject          string    `db:"subject"`
	EmploymentStatus string    `db:"employment_status"`
	YearsTeaching    int       `db:"years_teaching"`
	Education        string    `db:"education"`
}

// Applicant turns the profile and the roles the teacher holds (account.Principal.Roles) into
// the input of the eligibility rules.
func (p *Profile) Applicant(roles []account.Role) cohort.Applicant {
	if p == nil {
		return cohort.Applicant{Roles: roles}
	}
	return cohort.Applicant{HasProfile: true, RegencyCode: p.RegencyCode, Jenjang: p.Jenjang, YearsTeaching: p.YearsTeaching,
		Education: p.Education, BirthDate: p.BirthDate, Roles: roles}
}

// Profile returns the teacher's profile with their school, or nil when they have none yet.
func (s *Store) Profile(ctx context.Context, userID int64) (*Profile, error) {
	return profileQ(ctx, s.db, userID)
}

// ProfileSQL selects the profile of user $1 with their school (no row when they have none), the
// columns of Profile in the order of its fields. The dashboard's one statement (overview) reads it
// too.
const ProfileSQL = `SELECT u.id AS user_id, u.name, u.email, p.nik, p.nuptk, p.birth_date, p.gender, p.npsn,
		sc.name AS school_name, sc.regency_code, r.name AS regency_name, r.province_code, p.jenjang, p.subject,
		p.employment_status, p.years_teaching, p.education
		FROM teacher_profiles p JOIN users u ON u.id = p.user_id JOIN schools sc ON sc.npsn = p.npsn
		JOIN regencies r ON r.code = sc.regency_code WHERE p.user_id = $1`

func profileQ(ctx context.Context, q database.DB, userID int64) (*Profile, error) {
	rows, _ := q.Query(ctx, ProfileSQL, userID)
	p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Profile])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return p, err
}

// Timezone is the teacher's time zone (WIB, WITA, WIT) from their school's province.
func (p *Profile) Timezone() string {
	if p == nil {
		return "WIB"
	}
	return region.Timezone(p.ProvinceCode)
}

// ConfirmProfile records that the teacher checked their profile, refreshing the school and
// region copied onto the application.
func (s *Store) ConfirmProfile(ctx context.Context, userID, id int64, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, userID, id, now); err != nil {
			return err
		}
		p, err := profileQ(ctx, tx, userID)
		if err != nil {
			return err
		}
		if p == nil {
			return ErrIncomplete
		}
		_, err = tx.Exec(ctx, `UPDATE applications SET profile_confirmed_at = $2, applicant_name = $3, npsn = $4, regency_code = $5,
			province_code = $6, jenjang = $7, updated_at = now() WHERE id = $1`, id, now, p.Name, p.NPSN, p.RegencyCode, p.ProvinceCode, p.Jenjang)
		return err
	})
}
