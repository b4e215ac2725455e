// Package region holds the Indonesian administrative regions (provinsi, kabupaten/kota,
// kecamatan) and the region scope that every regional role is limited to.
package region

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/data/wilayah"
	"penggerak/internal/database"
)

// Province is a provinsi.
type Province struct {
	Code     string `db:"code"`
	Name     string `db:"name"`
	Timezone string `db:"timezone"`
}

// Regency is a kabupaten or kota.
type Regency struct {
	Code         string `db:"code"`
	ProvinceCode string `db:"province_code"`
	Name         string `db:"name"`
}

// IsKota reports whether the regency is a kota (codes 71-99) rather than a kabupaten.
func (r Regency) IsKota() bool { return IsKotaCode(r.Code) }

// IsKotaCode reports whether a kabupaten/kota code NN.NN is a kota.
func IsKotaCode(code string) bool { return len(code) == 5 && code[3] >= '7' }

// District is a kecamatan.
type District struct {
	Code        string `db:"code"`
	RegencyCode string `db:"regency_code"`
	Name        string `db:"name"`
}

// Timezone returns the time zone (WIB, WITA or WIT) of a province code.
func Timezone(provinceCode string) string {
	switch provinceCode {
	case "51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76":
		return "WITA"
	case "81", "82", "91", "92", "93", "94", "95", "96":
		return "WIT"
	}
	return "WIB"
}

// Location returns the Go time zone for WIB, WITA or WIT.
func Location(tz string) *time.Location {
	if loc, ok := locations[tz]; ok {
		return loc
	}
	return locations["WIB"]
}

// Store reads regions.
type Store struct{ db database.DB }

// NewStore returns a Store on the pool.
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

// Provinces lists all provinces by code.
func (s *Store) Provinces(ctx context.Context) ([]Province, error) {
	rows, _ := s.db.Query(ctx, `SELECT code, name, timezone FROM provinces ORDER BY code`)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Province])
}

// Regencies lists the kabupaten/kota of a province, or of all provinces when provinceCode is "".
func (s *Store) Regencies(ctx context.Context, provinceCode string) ([]Regency, error) {
	rows, _ := s.db.Query(ctx, `SELECT code, province_code, name FROM regencies
		WHERE $1 = '' OR province_code = $1 ORDER BY code`, provinceCode)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Regency])
}

// Regency returns one kabupaten/kota.
func (s *Store) Regency(ctx context.Context, code string) (Regency, error) {
	rows, _ := s.db.Query(ctx, `SELECT code, province_code, name FROM regencies WHERE code = $1`, code)
	return database.One[Regency](rows, "regency %s", code)
}

// Province returns one province.
func (s *Store) Province(ctx context.Context, code string) (Province, error) {
	rows, _ := s.db.Query(ctx, `SELECT code, name, timezone FROM provinces WHERE code = $1`, code)
	return database.One[Province](rows, "province %s", code)
}

// Districts lists the kecamatan of a kabupaten/kota.
func (s *Store) Districts(ctx context.Context, regencyCode string) ([]District, error) {
	rows, _ := s.db.Query(ctx, `SELECT code, regency_code, name FROM districts WHERE regency_code = $1 ORDER BY code`, regencyCode)
	return pgx.CollectRows(rows, pgx.RowToStructByName[District])
}

// ProvinceExists reports whether a two-digit province code exists.
func (s *Store) ProvinceExists(ctx context.Context, code string) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM provinces WHERE code = $1)`, code).Scan(&ok)
	return ok, err
}

// Load fills the region tables from the embedded CSV files when they are empty. It is idempotent.
func Load(ctx context.Context, db *pgxpool.Pool) error {
	return database.Tx(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE provinces IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM provinces`).Scan(&n); err != nil || n > 0 {
			return err
		}
		provs, err := readCSV(wilayah.ProvincesCSV, 2)
		if err != nil {
			return fmt.Errorf("provinces.csv: %w", err)
		}
		for i := range provs {
			provs[i] = append(provs[i], Timezone(provs[i][0]))
		}
		if err := copyRows(ctx, tx, "provinces", []string{"code", "name", "timezone"}, provs); err != nil {
			return err
		}
		regs, err := readCSV(wilayah.RegenciesCSV, 3)
		if err != nil {
			return fmt.Errorf("regencies.csv: %w", err)
		}
		if err := copyRows(ctx, tx, "regencies", []string{"code", "province_code", "name"}, regs); err != nil {
			return err
		}
		dists, err := readCSV(wilayah.DistrictsCSV, 3)
		if err != nil {
			return fmt.Errorf("districts.csv: %w", err)
		}
		return copyRows(ctx, tx, "districts", []string{"code", "regency_code", "name"}, dists)
	})
}

func readCSV(b []byte, cols int) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = cols
	recs, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 || !strings.EqualFold(recs[0][0], "code") {
		return nil, errors.New("missing header")
	}
	return recs[1:], nil
}

func copyRows(ctx context.Context, tx pgx.Tx, table string, cols []string, recs [][]string) error {
	rows := make([][]any, len(recs))
	for i, rec := range recs {
		row := make([]any, len(rec))
		for j, v := range rec {
			row[j] = v
		}
		rows[i] = row
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return nil
}

// ScopeFilter is a region scope in the form the SQL of scoped queries takes: all of the
// country, or any of some provinces, or any of some kabupaten/kota.
type ScopeFilter struct {
	National  bool
	Provinces []string
	Regencies []string
}

// RegencyInScope returns the kabupaten/kota with that code when the filter covers it. It
// returns ErrNotFound when the code does not exist and ErrOutOfScope when it exists outside
// the filter. The check is in the query itself.
func (s *Store) RegencyInScope(ctx context.Context, code string, f ScopeFilter) (Regency, error) {
	var r Regency
	var inScope bool
	err := s.db.QueryRow(ctx, `SELECT code, province_code, name,
			$2 OR province_code = ANY($3) OR code = ANY($4)
		FROM regencies WHERE code = $1`, code, f.National, f.Provinces, f.Regencies).
		Scan(&r.Code, &r.ProvinceCode, &r.Name, &inScope)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("regency %s: %w", code, database.ErrNotFound)
	}
	if err != nil {
		return r, err
	}
	if !inScope {
		return r, ErrOutOfScope
	}
	return r, nil
}

// RegenciesInScope lists the kabupaten/kota the filter covers (for the national filter, those
// of provinceCode, or none when provinceCode is empty).
func (s *Store) RegenciesInScope(ctx context.Context, f ScopeFilter, provinceCode string) ([]Regency, error) {
	rows, _ := s.db.Query(ctx, `SELECT code, province_code, name FROM regencies
		WHERE (($1 AND province_code = $4) OR province_code = ANY($2) OR code = ANY($3))
		  AND ($4 = '' OR province_code = $4)
		ORDER BY code`, f.National, f.Provinces, f.Regencies, provinceCode)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Regency])
}

// ErrOutOfScope is returned when an object exists but lies outside the caller's region scope.
var ErrOutOfScope = errors.New("outside your region")
