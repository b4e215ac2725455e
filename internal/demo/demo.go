// Package demo loads demonstration data for `make run`: users for every role, schools in
// Kabupaten Ogan Komering Ulu, Kota Serang and Kalimantan Tengah. Loading is idempotent.
package demo

import (
	"context"
	"errors"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/account"
	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// Password is the password of every demo account.
const Password = "penggerak-demo"

// Login is one demo account.
type Login struct {
	Email string
	Role  account.Role
	Scope account.Scope
	Name  string
}

// Logins are the demo accounts, printed by `make run`.
var Logins = []Login{
	{Email: "admin@demo.penggerak.id", Role: account.RoleAdmin, Name: "Admin Nasional"},
	{Email: "bgp.sumsel@demo.penggerak.id", Role: account.RoleBGP, Scope: account.Scope{ProvinceCode: "16"}, Name: "Admin BGP Sumatera Selatan"},
	{Email: "dinas.oku@demo.penggerak.id", Role: account.RoleDinas, Scope: account.Scope{ProvinceCode: "16", RegencyCode: "16.01"}, Name: "Dinas Pendidikan OKU"},
	{Email: "dinas.serang@demo.penggerak.id", Role: account.RoleDinas, Scope: account.Scope{ProvinceCode: "36", RegencyCode: "36.73"}, Name: "Dinas Pendidikan Kota Serang"},
	{Email: "dinas.kalteng@demo.penggerak.id", Role: account.RoleDinas, Scope: account.Scope{ProvinceCode: "62"}, Name: "Dinas Pendidikan Kalimantan Tengah"},
	{Email: "asesor@demo.penggerak.id", Role: account.RoleAsesor, Scope: account.Scope{ProvinceCode: "16"}, Name: "Asesor Demo"},
	{Email: "guru@demo.penggerak.id", Role: account.RoleGuru, Name: "Siti Rahmawati"},
	// training (Angkatan 10 in pendidikan, see SeedTraining)
	{Email: "pp@demo.penggerak.id", Role: account.RolePengajarPraktik, Scope: account.Scope{ProvinceCode: "16", RegencyCode: "16.01"}, Name: "Pengajar Praktik Demo"},
	{Email: "fasilitator@demo.penggerak.id", Role: account.RoleFasilitator, Scope: account.Scope{ProvinceCode: "16"}, Name: "Fasilitator Demo"},
	{Email: "cgp@demo.penggerak.id", Role: account.RoleGuru, Name: "Nur Aisyah"},
	// a Guru Penggerak of Angkatan 9 (selesai, see SeedGraduates)
	{Email: GraduateEmail, Role: account.RoleGuru, Name: "Dewi Kartika"},
}

// Seed creates the demo data when it is missing.
func Seed(ctx context.Context, db *pgxpool.Pool, params argon2id.Params) error {
	accounts := account.NewStore(db, params)
	system := &account.Principal{Grants: []account.Grant{{Role: account.RoleAdmin}}}
	for _, l := range Logins {
		u, err := accounts.CreateUser(ctx, account.NewUser{Email: l.Email, Name: l.Name, Phone: "081234567890", Password: Password})
		if errors.Is(err, database.ErrConflict) {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := db.Exec(ctx, `UPDATE users SET email_verified_at = now() WHERE id = $1`, u.ID); err != nil {
			return err
		}
		if l.Role != account.RoleGuru {
			if err := accounts.GrantRole(ctx, audit.Actor{IP: "seed"}, system, u.ID, l.Role, l.Scope); err != nil {
				return err
			}
		}
	}
	if _, err := seedSchools(ctx, db); err != nil {
		return err
	}
	if err := seedGuruProfile(ctx, db, "guru@demo.penggerak.id"); err != nil {
		return err
	}
	if err := seedClinics(ctx, db); err != nil {
		return err
	}
	return SeedRecruitment(ctx, db)
}
