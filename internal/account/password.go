package account

import (
	"strings"

	"github.com/alexedwards/argon2id"
)

// DefaultParams are the argon2id parameters for production: OWASP's recommended minimum of
// 19 MiB, 2 iterations, 1 lane — about 25 ms per hash here. Memory per hash matters more than
// usual: when registration opens thousands of sign-ins arrive at once, and Store bounds how many
// hashes run together (see hashSlots).
var DefaultParams = argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// TestParams are cheap parameters for tests only.
var TestParams = argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Password length limits.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// commonPasswords is a small list of passwords too common to allow.
var commonPasswords = map[string]bool{
	"12345678": true, "123456789": true, "1234567890": true, "password": true, "password1": true,
	"qwertyuiop": true, "qwerty123": true, "11111111": true, "00000000": true, "87654321": true,
	"iloveyou": true, "sayang123": true, "bismillah": true, "indonesia": true, "indonesia1": true,
	"password123": true, "admin123": true, "guru1234": true, "gurupenggerak": true, "abcd1234": true,
	"merdeka45": true, "12341234": true, "asdfghjk": true, "passw0rd": true, "welcome1": true,
}

// CheckPassword returns a message key when a new password is not acceptable, "" when it is.
func CheckPassword(pw string) string {
	n := len([]rune(pw))
	switch {
	case n < MinPasswordLen:
		return "password.too_short"
	case n > MaxPasswordLen:
		return "password.too_long"
	case commonPasswords[strings.ToLower(pw)]:
		return "password.too_common"
	}
	return ""
}

// HashPassword hashes pw with argon2id.
func HashPassword(pw string, p argon2id.Params) (string, error) {
	return argon2id.CreateHash(pw, &p)
}

// VerifyPassword compares pw with an argon2id hash.
func VerifyPassword(pw, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}
