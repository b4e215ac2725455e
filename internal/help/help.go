// Package help is the applicants' help page (Bantuan): the contacts of the national program
// admin and of each province's BGP, kept in a small table the admins edit in the app.
//
// Why a table and not configuration: the contacts belong to 39 offices (the national admin and
// one BGP per province), change when staff change, and are known by those offices, not by
// whoever deploys the app. A BGP admin edits their own province's row, the national admin any
// row; each change is audited and visible at once, with no redeploy.
package help

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// National is the scope code of the national admin's contact (a province's is its code).
const National = "nasional"

// Contact is one office's contact.
type Contact struct {
	// ProvinceCode is "" for the national admin.
	ProvinceCode string     `db:"province_code"`
	ProvinceName string     `db:"province_name"`
	UnitName     string     `db:"unit_name"`
	Email        string     `db:"email"`
	Phone        string     `db:"phone"`
	Address      string     `db:"address"`
	Hours        string     `db:"hours"`
	UpdatedAt    *time.Time `db:"updated_at"`
}

// Set reports whether the office has entered a contact.
func (c Contact) Set() bool { return c.UpdatedAt != nil }

// Scope is the code of the contact's scope: National or the province code.
func (c Contact) Scope() string {
	if c.ProvinceCode == "" {
		return National
	}
	return c.ProvinceCode
}

// Editor is who edits contacts: the national admin edits every row, a BGP admin the rows of
// the provinces of their grants.
type Editor struct {
	Admin     bool
	Provinces []string
}

// May reports whether e may edit the contact of scope (National or a province code).
func (e Editor) May(scope string) bool {
	return e.Admin || (scope != National && slices.Contains(e.Provinces, scope))
}

// Store reads and writes contacts.
type Store struct{ db database.DB }

// NewStore returns a Store on db.
func NewStore(db database.DB) *Store { return &Store{db: db} }

// All returns the national contact first, then one row per province (entered or not), by name.
func (s *Store) All(ctx context.Context) ([]Contact, error) {
	rows, _ := s.db.Query(ctx, `SELECT '' AS province_code, '' AS province_name, coalesce(h.unit_name, '') AS unit_name,
			coalesce(h.email, '') AS email, coalesce(h.phone, '') AS phone, coalesce(h.address, '') AS address,
			coalesce(h.hours, '') AS hours, h.updated_at
		FROM (SELECT 1) one LEFT JOIN help_contacts h ON h.province_code IS NULL
		UNION ALL
		SELECT p.code, p.name, coalesce(h.unit_name, ''), coalesce(h.email, ''), coalesce(h.phone, ''),
			coalesce(h.address, ''), coalesce(h.hours, ''), h.updated_at
			FROM provinces p LEFT JOIN help_contacts h ON h.province_code = p.code`)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Contact])
	// National first, then the provinces by name (the order of a UNION is not guaranteed).
	slices.SortStableFunc(list, func(a, b Contact) int {
		if (a.ProvinceCode == "") != (b.ProvinceCode == "") {
			if a.ProvinceCode == "" {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ProvinceName, b.ProvinceName)
	})
	return list, err
}

// Get returns the contact of scope (entered or not); ErrNotFound for an unknown province.
func (s *Store) Get(ctx context.Context, scope string) (Contact, error) {
	all, err := s.All(ctx)
	if err != nil {
		return Contact{}, err
	}
	for _, c := range all {
		if c.Scope() == scope {
			return c, nil
		}
	}
	return Contact{}, fmt.Errorf("help contact %q: %w", scope, database.ErrNotFound)
}

// Form is a contact as typed.
type Form struct {
	UnitName string `form:"unit_name"`
	Email    string `form:"email"`
	Phone    string `form:"phone"`
	Address  string `form:"address"`
	Hours    string `form:"hours"`
}

// FormOf is the form of a stored contact.
func FormOf(c Contact) Form {
	return Form{UnitName: c.UnitName, Email: c.Email, Phone: c.Phone, Address: c.Address, Hours: c.Hours}
}

// Parse validates the form: a unit name, and an email address or a phone number (at least one
// way to reach the office).
func (f Form) Parse() (Contact, map[string]string) {
	errs := map[string]string{}
	c := Contact{UnitName: strings.TrimSpace(f.UnitName), Email: account.NormalizeEmail(f.Email), Phone: strings.TrimSpace(f.Phone),
		Address: strings.TrimSpace(f.Address), Hours: strings.TrimSpace(f.Hours)}
	if n := utf8.RuneCountInString(c.UnitName); n < 2 || n > 200 {
		errs["unit_name"] = "form.required"
	}
	if c.Email != "" {
		if k := account.CheckEmail(c.Email); k != "" {
			errs["email"] = k
		}
	}
	if c.Phone != "" && !phoneOK(c.Phone) {
		errs["phone"] = "help.error.phone"
	}
	if c.Email == "" && c.Phone == "" {
		errs["email"] = "help.error.reach"
	}
	if utf8.RuneCountInString(c.Address) > 500 {
		errs["address"] = "form.too_long"
	}
	if utf8.RuneCountInString(c.Hours) > 200 {
		errs["hours"] = "form.too_long"
	}
	return c, errs
}

// phoneOK accepts an office or mobile number: digits with spaces, dashes, dots, brackets and
// a leading +, 6 to 20 digits.
func phoneOK(s string) bool {
	if utf8.RuneCountInString(s) > 40 {
		return false
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 20
}

// Save stores the contact of scope for editor e, audited. ErrNotFound for an unknown province
// and for a province outside e's scope (as for any object of another region).
func (s *Store) Save(ctx context.Context, actor audit.Actor, e Editor, scope string, c Contact) error {
	if !e.May(scope) {
		return fmt.Errorf("help contact %q: %w", scope, database.ErrNotFound)
	}
	var prov *string
	if scope != National {
		prov = &scope
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if prov != nil {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM provinces WHERE code = $1)`, scope).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("province %q: %w", scope, database.ErrNotFound)
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO help_contacts (province_code, unit_name, email, phone, address, hours, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, now())
			ON CONFLICT ((coalesce(province_code, ''))) DO UPDATE SET unit_name = EXCLUDED.unit_name, email = EXCLUDED.email,
				phone = EXCLUDED.phone, address = EXCLUDED.address, hours = EXCLUDED.hours, updated_by = EXCLUDED.updated_by, updated_at = now()`,
			prov, c.UnitName, c.Email, c.Phone, c.Address, c.Hours, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "help.contact.save", ObjectType: "help_contact", ObjectID: scope,
			Detail: map[string]any{"unit_name": c.UnitName}})
	})
}
