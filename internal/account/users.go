package account

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
)

// NewUser is what sign-up asks for.
type NewUser struct {
	Email    string
	Name     string
	Phone    string
	Password string
}

// NormalizeEmail lower-cases and trims an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

const userCols = `id, email, name, phone, email_verified_at, language, created_at`

// CreateUser creates an account holding the guru role. It returns ErrEmailTaken when the email
// is registered already.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	hash, err := s.HashPassword(ctx, nu.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		u, err = createUser(ctx, tx, nu, hash)
		return err
	})
	return u, err
}

// createUser inserts the account and its guru grant within tx.
func createUser(ctx context.Context, tx pgx.Tx, nu NewUser, hash string) (User, error) {
	rows, _ := tx.Query(ctx, `INSERT INTO users (email, name, phone, password_hash) VALUES ($1, $2, $3, $4)
		RETURNING `+userCols, NormalizeEmail(nu.Email), strings.TrimSpace(nu.Name), nu.Phone, hash)
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
	if database.IsUnique(err) {
		return User{}, ErrEmailTaken
	}
	if err != nil {
		return User{}, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO role_grants (user_id, role) VALUES ($1, 'guru')`, u.ID)
	return u, err
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id)
	return database.One[User](rows, "user %d", id)
}

// UserByEmail returns the user with that email.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`, NormalizeEmail(email))
	return database.One[User](rows, "user")
}

// SetLanguage stores the user's interface language.
func (s *Store) SetLanguage(ctx context.Context, userID int64, lang string) error {
	_, err := s.db.Exec(ctx, `UPDATE users SET language = $2, updated_at = now() WHERE id = $1`, userID, lang)
	return err
}
