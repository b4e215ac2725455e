// Package ops holds the tests of the operational scripts in scripts/: a backup made by
// backup.sh and restored by restore.sh into a fresh database and upload folder gives back the
// same rows, the same files and an audit chain that still verifies. See docs/OPERATIONS.md.
package ops
