package database

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// One collects the single row of rows into a T by its db tags. No row gives an error wrapping
// ErrNotFound that names what was looked for, formatted from format and args (e.g.
// One[Regency](rows, "regency %s", code)); more than one row, or a failed query, gives that
// error unchanged.
func One[T any](rows pgx.Rows, format string, args ...any) (T, error) {
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[T])
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrNotFound)
	}
	return v, err
}

// Keyset cuts rows, read with LIMIT limit+1, to one page of at most limit rows. next is the key
// of the page's last row when a further page exists (the extra row was read), and the zero key
// on the last page.
func Keyset[T any, K comparable](rows []T, limit int, key func(T) K) (page []T, next K) {
	if len(rows) <= limit {
		return rows, next
	}
	page = rows[:limit]
	return page, key(page[limit-1])
}
