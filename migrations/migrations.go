// Package migrations embeds the SQL schema migrations.
//
// Numbering: 0000xx foundation, 0001xx recruitment, 0002xx selection, 0003xx clinics, so features
// developed side by side never collide.
package migrations

import "embed"

// FS holds the NNNNNN_name.up.sql / .down.sql files.
//
//go:embed *.sql
var FS embed.FS
