package clinic

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"penggerak/internal/token"
	"strconv"
	"strings"
	"time"
)

// ErrBadToken is returned for a ticket token that is malformed or whose signature does not match
// (a forged or altered ticket).
var ErrBadToken = errors.New("clinic: invalid ticket token")

// Signer signs and verifies the tokens carried by tickets and their QR codes. A token names the
// clinic and the registration and carries an HMAC-SHA256 over both, so it cannot be guessed from
// an id nor altered to point at another registration.
type Signer struct{ key []byte }

// NewSigner derives the ticket key from the application's secret key.
func NewSigner(secret string) *Signer {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("penggerak/clinic-ticket/v1"))
	return &Signer{key: m.Sum(nil)}
}

func (s *Signer) mac(payload string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// Ticket returns the signed token of registration regID of clinic clinicID.
func (s *Signer) Ticket(clinicID, regID int64) string {
	payload := "t1." + strconv.FormatInt(clinicID, 10) + "." + strconv.FormatInt(regID, 10)
	return payload + "." + s.mac(payload)
}

// Verify checks a token and returns the clinic and registration it names.
func (s *Signer) Verify(token string) (clinicID, regID int64, err error) {
	token = strings.TrimSpace(token)
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != "t1" {
		return 0, 0, ErrBadToken
	}
	payload := strings.Join(parts[:3], ".")
	if !hmac.Equal([]byte(s.mac(payload)), []byte(parts[3])) {
		return 0, 0, ErrBadToken
	}
	clinicID, err1 := strconv.ParseInt(parts[1], 10, 64)
	regID, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || clinicID <= 0 || regID <= 0 {
		return 0, 0, ErrBadToken
	}
	return clinicID, regID, nil
}

// ErrExpiredLink is returned for an emailed link whose time is up.
var ErrExpiredLink = errors.New("clinic: emailed link expired")

// LinkLifetime is how long a freshly emailed link lets its holder cancel or give feedback.
const LinkLifetime = 48 * time.Hour

// Link returns a fresh link token for registration regID of clinic clinicID, valid until
// expires: sent by email to the registration's address, it lets whoever reads that mailbox
// cancel the registration or give feedback without signing in.
func (s *Signer) Link(clinicID, regID int64, expires time.Time) string {
	payload := "t2." + strconv.FormatInt(clinicID, 10) + "." + strconv.FormatInt(regID, 10) + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + s.mac(payload)
}

// VerifyAny checks a ticket token (t1, the QR's) or an emailed link token (t2). fresh is true for
// an emailed link still valid at now; an expired one is ErrExpiredLink.
func (s *Signer) VerifyAny(token string, now time.Time) (clinicID, regID int64, fresh bool, err error) {
	token = strings.TrimSpace(token)
	if strings.HasPrefix(token, "t1.") {
		clinicID, regID, err = s.Verify(token)
		return clinicID, regID, false, err
	}
	parts := strings.Split(token, ".")
	if len(parts) != 5 || parts[0] != "t2" {
		return 0, 0, false, ErrBadToken
	}
	payload := strings.Join(parts[:4], ".")
	if !hmac.Equal([]byte(s.mac(payload)), []byte(parts[4])) {
		return 0, 0, false, ErrBadToken
	}
	clinicID, err1 := strconv.ParseInt(parts[1], 10, 64)
	regID, err2 := strconv.ParseInt(parts[2], 10, 64)
	exp, err3 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || clinicID <= 0 || regID <= 0 {
		return 0, 0, false, ErrBadToken
	}
	if now.After(time.Unix(exp, 0)) {
		return clinicID, regID, false, ErrExpiredLink
	}
	return clinicID, regID, true, nil
}

// LooksLikeToken reports whether s has the shape of a ticket token rather than a typed code.
func LooksLikeToken(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "t1.") }

const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// randomCode returns n random characters from an alphabet without look-alikes (no I, O, 0, 1).
func randomCode(n int) string { return token.Code(n, codeAlphabet) }

// NormalizeCode turns a typed code ("k7q4-m2xp ") into its stored form ("K7Q4M2XP").
func NormalizeCode(s string) string {
	s = strings.ToUpper(s)
	var b strings.Builder
	for _, r := range s {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FormatCode groups a code in fours for reading aloud: K7Q4-M2XP.
func FormatCode(code string) string {
	var parts []string
	for len(code) > 4 {
		parts = append(parts, code[:4])
		code = code[4:]
	}
	parts = append(parts, code)
	return strings.Join(parts, "-")
}
