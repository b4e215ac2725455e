// Package migrations embeds the SQL schema migrations.
//
// Numbering: 0000xx foundation, 0001xx recruitment, 0002xx selection, 0003xx clinics (ranges
// given while the features were developed side by side). golang-migrate only applies versions
// above the database's current one, so every NEW migration takes a number above the highest
// file here (000400 and up), whatever feature it belongs to.
package migrations

import "embed"

// FS holds the NNNNNN_name.up.sql / .down.sql files.
//
//go:embed *.sql
var FS embed.FS
