package profile

import (
	"time"

	"penggerak/internal/account"
)

// PersonalData is everything the application holds about one user, as they download it
// (UU 27/2022 right of access). NIK and NUPTK are whole here: it goes only to the owner.
type PersonalData struct {
	ExportedAt       time.Time         `json:"exported_at"`
	Account          AccountData       `json:"account"`
	Roles            []RoleData        `json:"roles"`
	Profile          *Profile          `json:"teacher_profile"`
	DeletionRequests []DeletionRequest `json:"deletion_requests"`
	Traces           Traces            `json:"traces"`
	Retention        string            `json:"retention"`
}

// AccountData is the account part of PersonalData.
type AccountData struct {
	ID              int64      `json:"id"`
	Email           string     `json:"email"`
	Name            string     `json:"name"`
	Phone           string     `json:"phone"`
	Language        string     `json:"language"`
	EmailVerifiedAt *time.Time `json:"email_verified_at"`
	CreatedAt       time.Time  `json:"created_at"`
}

// RoleData is one role grant in PersonalData.
type RoleData struct {
	Role         string    `json:"role"`
	ProvinceCode string    `json:"province_code,omitempty"`
	RegencyCode  string    `json:"regency_code,omitempty"`
	Region       string    `json:"region,omitempty"`
	GrantedAt    time.Time `json:"granted_at"`
}

// Collect puts together a user's personal data from the signed-in principal, their profile
// (nil when none), their deletion requests and the other records that mention them.
func Collect(p *account.Principal, prof *Profile, reqs []DeletionRequest, traces Traces, now time.Time, retention string) PersonalData {
	d := PersonalData{
		ExportedAt: now.UTC(),
		Account: AccountData{ID: p.User.ID, Email: p.User.Email, Name: p.User.Name, Phone: p.User.Phone,
			Language: p.User.Language, EmailVerifiedAt: p.User.EmailVerifiedAt, CreatedAt: p.User.CreatedAt},
		Roles:            []RoleData{},
		Profile:          prof,
		DeletionRequests: reqs,
		Traces:           traces,
		Retention:        retention,
	}
	if d.DeletionRequests == nil {
		d.DeletionRequests = []DeletionRequest{}
	}
	for _, g := range p.Grants {
		d.Roles = append(d.Roles, RoleData{Role: string(g.Role), ProvinceCode: g.ProvinceCode, RegencyCode: g.RegencyCode,
			Region: g.ScopeName, GrantedAt: g.GrantedAt})
	}
	return d
}
