package account

import (
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"081234567890", "+6281234567890", true},
		{"0812-3456-7890", "+6281234567890", true},
		{"+62 812 3456 7890", "+6281234567890", true},
		{"62812.3456.7890", "+6281234567890", true},
		{"(0812) 3456 7890", "+6281234567890", true},
		{"0812345678", "+62812345678", true},       // 10 digits: the shortest mobile numbers
		{"0812345678901", "+62812345678901", true}, // 13 digits: the longest
		{"08123456789012", "", false},              // too long
		{"081234567", "", false},                   // too short
		{"0212345678", "", false},                  // a Jakarta landline
		{"+6221234567", "", false},                 // landline in international form
		{"0801234567", "", false},                  // 080… is not a mobile prefix
		{"+1 415 555 0100", "", false},             // not Indonesian
		{"0812 3456 789a", "", false},              // letters
		{"0812+34567890", "", false},               // + only at the start
		{"", "", false},
	}
	for _, tc := range cases {
		got, ok := NormalizePhone(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	cases := map[string]string{
		"siti@sekolah.sch.id":              "",
		"a.b+c@x.co":                       "",
		"":                                 "form.required",
		"siti":                             "email.invalid",
		"siti@sekolah":                     "email.invalid",
		"@sekolah.id":                      "email.invalid",
		"siti@sekolah.id.":                 "email.invalid",
		"siti aminah@x.id":                 "email.invalid",
		"Siti <siti@x.id>":                 "email.invalid",
		strings.Repeat("a", 250) + "@x.id": "form.too_long",
	}
	for in, want := range cases {
		if got := CheckEmail(in); got != want {
			t.Errorf("CheckEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateSignUp(t *testing.T) {
	good := SignUpForm{Name: "  Siti   Aminah ", Email: " Siti@Sekolah.ID ", Phone: "0812 3456 7890", Password: "kebun-mangga-77", PasswordConfirm: "kebun-mangga-77"}
	nu, errs := ValidateSignUp(good)
	if errs != nil {
		t.Fatalf("valid form refused: %v", errs)
	}
	if nu != (NewUser{Name: "Siti Aminah", Email: "siti@sekolah.id", Phone: "+6281234567890", Password: "kebun-mangga-77"}) {
		t.Errorf("normalised: %+v", nu)
	}
	cases := []struct {
		name   string
		change func(*SignUpForm)
		field  string
		key    string
	}{
		{"no name", func(f *SignUpForm) { f.Name = "   " }, "name", "form.required"},
		{"one letter", func(f *SignUpForm) { f.Name = "S" }, "name", "signup.name_short"},
		{"long name", func(f *SignUpForm) { f.Name = strings.Repeat("a", 121) }, "name", "form.too_long"},
		{"bad email", func(f *SignUpForm) { f.Email = "siti@" }, "email", "email.invalid"},
		{"no phone", func(f *SignUpForm) { f.Phone = "" }, "phone", "form.required"},
		{"bad phone", func(f *SignUpForm) { f.Phone = "12345" }, "phone", "signup.phone_invalid"},
		{"no password", func(f *SignUpForm) { f.Password = ""; f.PasswordConfirm = "" }, "password", "form.required"},
		{"short password", func(f *SignUpForm) { f.Password = "abc1234"; f.PasswordConfirm = "abc1234" }, "password", "password.too_short"},
		{"common password", func(f *SignUpForm) { f.Password = "Indonesia1"; f.PasswordConfirm = "Indonesia1" }, "password", "password.too_common"},
		{"129 characters", func(f *SignUpForm) { f.Password = strings.Repeat("x", 129); f.PasswordConfirm = f.Password }, "password", "password.too_long"},
		{"no confirmation", func(f *SignUpForm) { f.PasswordConfirm = "" }, "password_confirm", "form.required"},
		{"different confirmation", func(f *SignUpForm) { f.PasswordConfirm = "kebun-mangga-78" }, "password_confirm", "password.mismatch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := good
			tc.change(&f)
			_, errs := ValidateSignUp(f)
			if errs[tc.field] != tc.key {
				t.Errorf("errs = %v, want %s: %s", errs, tc.field, tc.key)
			}
		})
	}
	// 128 characters (and anything from 64 up) is allowed.
	f := good
	f.Password = strings.Repeat("ab", 64)
	f.PasswordConfirm = f.Password
	if _, errs := ValidateSignUp(f); errs != nil {
		t.Errorf("128-character password refused: %v", errs)
	}
}

func TestTokens(t *testing.T) {
	a, ha := newToken()
	b, hb := newToken()
	if len(a) != tokenLen || len(b) != tokenLen || a == b || string(ha) == string(hb) {
		t.Fatalf("tokens %q %q", a, b)
	}
	if string(hashToken(a)) != string(ha) || len(ha) != 32 {
		t.Errorf("hash is not the SHA-256 of the token")
	}
}
