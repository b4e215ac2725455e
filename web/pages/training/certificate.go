package training

import (
	"net/url"
	"strconv"
	"time"

	"penggerak/internal/pdfdoc"
	"penggerak/internal/region"
	"penggerak/internal/training"
	"penggerak/web/components"
)

// VerifyProps is the public verification page of a Sertifikat Guru Penggerak: Cert is nil when
// the token is unknown.
type VerifyProps struct {
	Cert *training.Certificate
}

// CertificatesProps is a province's certificates of one cohort (BGP of the province, national
// admin).
type CertificatesProps struct {
	CohortID     int64
	CohortName   string
	ProvinceCode string
	ProvinceName string
	List         []training.Certificate
}

// RevokeProps is the revocation form of one certificate.
type RevokeProps struct {
	Cert   training.Certificate
	Reason string
	Errs   map[string]string
}

// RegisterProps is the register of Guru Penggerak.
type RegisterProps struct {
	Filter    training.RegisterFilter
	Cohorts   []training.RegisterOption
	Regencies []training.RegisterOption
	Groups    []training.RegisterGroup
	Rows      []training.RegisterRow
	Total     int
	Limit     int
}

// VerifyPath is the public verification page of a certificate.
func VerifyPath(token string) string { return training.VerifyPath(token) }

// MyCertificatePath is the graduate's own download of a certificate.
func MyCertificatePath(c training.Certificate) string {
	return "/pelatihan/saya/sertifikat/" + strconv.FormatInt(c.ID, 10)
}

// StaffCertificatePath is the BGP's or national admin's page of a certificate (suffix "/unduh" or "/cabut").
func StaffCertificatePath(c training.Certificate, suffix string) string {
	return "/pelatihan/sertifikat/" + strconv.FormatInt(c.ID, 10) + suffix
}

// tanggal is a date in the province's time zone: "26 April 2024".
func tanggal(t time.Time, prov string) string {
	return pdfdoc.Tanggal(region.InZone(t, region.Timezone(prov)))
}

func (p CertificatesProps) zipURL() string {
	return "/pelatihan/" + components.Int(p.CohortID) + "/" + p.ProvinceCode + "/sertifikat.zip"
}

func (p CertificatesProps) valid() int {
	n := 0
	for _, c := range p.List {
		if !c.Revoked() {
			n++
		}
	}
	return n
}

// query is the register's filter as a query string, with extra values set.
func (p RegisterProps) query(extra ...string) string {
	v := url.Values{}
	if p.Filter.CohortID != 0 {
		v.Set("angkatan", strconv.FormatInt(p.Filter.CohortID, 10))
	}
	if p.Filter.Regency != "" {
		v.Set("kabkota", p.Filter.Regency)
	}
	if p.Filter.Status != "" {
		v.Set("status", p.Filter.Status)
	}
	if p.Filter.Q != "" {
		v.Set("q", p.Filter.Q)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v.Encode()
}

func groupURL(g training.RegisterGroup) string {
	return "/guru-penggerak?" + url.Values{"angkatan": {components.Int(g.CohortID)}, "kabkota": {g.RegencyCode}}.Encode()
}

func options(list []training.RegisterOption) []components.Option {
	out := make([]components.Option, 0, len(list))
	for _, o := range list {
		out = append(out, components.Option{Value: o.Value, Label: o.Label})
	}
	return out
}

func cohortValue(id int64) string {
	if id == 0 {
		return ""
	}
	return components.Int(id)
}
