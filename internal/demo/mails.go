package demo

import (
	"context"
	"sync"

	"penggerak/internal/training"
	"penggerak/web/i18n"

	"github.com/jackc/pgx/v5/pgxpool"
)

// BaseURL is the site's address in the links of the mails the demo writes; the seed command
// sets it to the configured BASE_URL.
var BaseURL = "http://localhost:8080"

var bundle = sync.OnceValue(i18n.MustLoad)

// trainingMails writes the demo's training mails as the handlers do: from the catalogues, in
// each recipient's language.
func trainingMails() training.Mails {
	b := bundle()
	return training.Mails{T: func(lang, key string, data map[string]any) string { return b.Localizer(lang).T(key, data) }, BaseURL: BaseURL}
}

// staffUser creates (or finds) a demo account holding role in the province (and kab/kota, when
// reg is not empty).
func staffUser(ctx context.Context, db *pgxpool.Pool, email, name, role, prov, reg string) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, $2, 'x', now())
		ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id`, email, name).Scan(&id)
	if err == nil {
		var r *string
		if reg != "" {
			r = &reg
		}
		_, err = db.Exec(ctx, `INSERT INTO role_grants (user_id, role, province_code, regency_code) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, id, role, prov, r)
	}
	return id, err
}
