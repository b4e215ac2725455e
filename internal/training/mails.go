package training

import (
	"strconv"

	"penggerak/internal/mail"
	"penggerak/internal/region"
)

// Catalogue looks a message key up in a language ("id", "en"), filled in with data: the i18n
// catalogues the server loads (web/i18n).
type Catalogue func(lang, key string, data map[string]any) string

// Mails writes the training feature's mails in the recipient's language, every subject and body
// a message of the catalogues (training.mail.*, certificate.mail.*): one composer per mail, for
// the handlers and for the demo seed alike.
type Mails struct {
	T Catalogue
	// BaseURL is the site's address, for the links in the mails.
	BaseURL string
}

// VerifyPath is the public verification page of a certificate (in its QR code and mail).
func VerifyPath(token string) string { return "/sertifikat/guru-penggerak/" + token }

func (m Mails) message(lang, key string, data map[string]any) mail.Message {
	return mail.Message{Subject: m.T(lang, key+".subject", data), Body: m.T(lang, key+".body", data)}
}

// Group is the mail telling a CGP their confirmed group and pengajar praktik.
func (m Mails) Group(rc Recipient) mail.Message {
	return m.message(rc.Lang, "training.mail.group",
		map[string]any{"Name": rc.Name, "Group": rc.Group, "PP": rc.PP, "URL": m.BaseURL + "/dasbor"})
}

// Lokakarya is the mail of a lokakarya scheduled, or moved to another date.
func (m Mails) Lokakarya(x LokakaryaMail) mail.Message {
	key := "training.mail.lokakarya"
	if x.Moved {
		key = "training.mail.lokakarya_moved"
	}
	return m.message(x.Lang, key, map[string]any{"Name": x.Name, "N": strconv.Itoa(x.Number),
		"When": region.FormatTime(x.StartsAt, x.Timezone), "Place": x.Place, "Regency": x.Regency, "URL": m.BaseURL + "/pelatihan/saya"})
}

// Visit is the mail asking a CGP to acknowledge a visit log.
func (m Mails) Visit(name, lang string) mail.Message {
	return m.message(lang, "training.mail.visit", map[string]any{"Name": name, "URL": m.BaseURL + "/pelatihan/saya"})
}

// Graduation is the mail of a graduation decision; a graduate's carries the certificate's
// number and verification link.
func (m Mails) Graduation(x GraduationMail) mail.Message {
	if x.Outcome == OutcomeLulus {
		return m.message(x.Lang, "certificate.mail", map[string]any{"Name": x.Name, "Cohort": x.Cohort, "Number": x.CertNumber,
			"VerifyURL": m.BaseURL + VerifyPath(x.CertToken), "MineURL": m.BaseURL + "/pelatihan/saya"})
	}
	return m.message(x.Lang, "training.mail."+string(x.Outcome), map[string]any{"Name": x.Name, "Cohort": x.Cohort, "Reason": x.Reason})
}
