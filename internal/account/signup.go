package account

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// SignUpForm is what a teacher types to sign up.
type SignUpForm struct {
	Name            string `form:"name"`
	Email           string `form:"email"`
	Phone           string `form:"phone"`
	Password        string `form:"password"`
	PasswordConfirm string `form:"password_confirm"`
}

// ValidateSignUp checks a sign-up form. It returns the account to create (email and phone
// normalised) and, when something is wrong, a message key per field.
func ValidateSignUp(f SignUpForm) (NewUser, map[string]string) {
	errs := map[string]string{}
	nu := NewUser{Name: strings.Join(strings.Fields(f.Name), " "), Email: NormalizeEmail(f.Email), Password: f.Password}
	switch n := utf8.RuneCountInString(nu.Name); {
	case n == 0:
		errs["name"] = "form.required"
	case n < 2:
		errs["name"] = "signup.name_short"
	case n > 120:
		errs["name"] = "form.too_long"
	}
	if key := CheckEmail(nu.Email); key != "" {
		errs["email"] = key
	}
	if strings.TrimSpace(f.Phone) == "" {
		errs["phone"] = "form.required"
	} else if p, ok := NormalizePhone(f.Phone); ok {
		nu.Phone = p
	} else {
		errs["phone"] = "signup.phone_invalid"
	}
	for k, v := range ValidateNewPassword(f.Password, f.PasswordConfirm) {
		errs[k] = v
	}
	if len(errs) > 0 {
		return nu, errs
	}
	return nu, nil
}

// CheckEmail returns a message key when s (already normalised) is not a usable email address,
// "" when it is.
func CheckEmail(s string) string {
	if s == "" {
		return "form.required"
	}
	if len(s) > 254 {
		return "form.too_long"
	}
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	if err != nil || a.Address != s || at < 1 || !strings.Contains(s[at+1:], ".") ||
		strings.HasSuffix(s, ".") || strings.ContainsAny(s, " <>\"") {
		return "email.invalid"
	}
	return ""
}

// NormalizePhone turns an Indonesian mobile number typed as 08…, +628… or 628… (with spaces,
// dots, dashes or brackets) into the international form +628…. It reports false for anything
// else.
func NormalizePhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "08"):
		d = d[1:]
	case strings.HasPrefix(d, "628"):
		d = d[2:]
	default:
		return "", false
	}
	// d is now 8… : an Indonesian mobile number has 9 to 12 digits after the leading 0.
	if len(d) < 9 || len(d) > 12 || d[1] == '0' {
		return "", false
	}
	return "+62" + d, true
}

// ValidateNewPassword checks a new password and its confirmation; it returns a message key per
// field (password, password_confirm), or nil when both are fine.
func ValidateNewPassword(password, confirm string) map[string]string {
	errs := map[string]string{}
	if password == "" {
		errs["password"] = "form.required"
	} else if key := CheckPassword(password); key != "" {
		errs["password"] = key
	}
	if confirm == "" {
		errs["password_confirm"] = "form.required"
	} else if confirm != password {
		errs["password_confirm"] = "password.mismatch"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
