package server

import (
	"slices"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/clinic"
	"penggerak/internal/cohort"
	"penggerak/internal/overview"
	"penggerak/web/pages/dashboard"
	selectionpage "penggerak/web/pages/selection"
)

// The features' dashboard cards, made from the figures the dashboard read in one statement
// (overview.Dashboard): each function adds one feature's cards in the order the page shows
// them (built-in, clinic, selection, training, recruitment).

// dashboardQuery is what the dashboard reads for p: the teacher's facts (for a staff account
// only once it has a teacher profile), the figures of each region grant in the order
// dashboardProps shows them, the clinic events of the staff scope and the open score sheets.
func dashboardQuery(p *account.Principal) overview.DashboardQuery {
	staff := p.HasAny(account.RoleAdmin, account.RoleBGP, account.RoleDinas)
	q := overview.DashboardQuery{UserID: p.User.ID, Teacher: p.Has(account.RoleGuru), TeacherNeedsProfile: staff,
		Assessor: p.Has(account.RoleAsesor)}
	for _, g := range regionGrants(p) {
		q.Regions = append(q.Regions, g.Scope)
	}
	if staff {
		sc := clinic.StaffScope(p)
		q.ClinicStaff = &sc
	}
	return q
}

// regionGrants are p's admin, BGP and Dinas grants, the widest role first: the region cards of
// dashboardProps, one per grant.
func regionGrants(p *account.Principal) []account.Grant {
	var out []account.Grant
	for _, role := range []account.Role{account.RoleAdmin, account.RoleBGP, account.RoleDinas} {
		for _, g := range p.Grants {
			if g.Role == role {
				out = append(out, g)
			}
		}
	}
	return out
}

// recruitment builds the teacher's recruitment section: the cohorts open for registration
// (from the configuration kept in memory) with the eligibility rules the teacher fails, their
// application to each, and their other applications with where each stands.
func (s *Server) recruitment(p *account.Principal, open []cohort.Config, t overview.Teacher) *dashboard.RecruitmentProps {
	now := s.now()
	out := &dashboard.RecruitmentProps{HasProfile: t.Profile != nil, TZ: t.Profile.Timezone(), Progress: t.Progress}
	applicant := t.Profile.Applicant(p.Roles())
	for _, c := range open {
		item := dashboard.OpenCohort{Config: c, Failures: cohort.Eligibility(c, applicant, now)}
		if i := slices.IndexFunc(t.Applications, func(a application.Application) bool { return a.CohortID == c.ID }); i >= 0 {
			item.Application = &t.Applications[i]
		}
		out.Open = append(out.Open, item)
	}
	for _, a := range t.Applications {
		if !slices.ContainsFunc(out.Open, func(o dashboard.OpenCohort) bool { return o.Config.ID == a.CohortID }) {
			out.Past = append(out.Past, a)
		}
	}
	if len(out.Past) > 0 {
		out.CohortNames = t.CohortNames
	}
	return out
}

// addClinicCards adds the coaching clinic cards: one for the widest staff role the user holds
// (events of their region, counted in the scoped SQL), one in the guru section (their
// registrations that are not cancelled).
func addClinicCards(p *account.Principal, props *dashboard.Props, d overview.Dashboard) {
	for _, role := range []account.Role{account.RoleAdmin, account.RoleBGP, account.RoleDinas} {
		if p.Has(role) {
			props.Add(role, dashboard.ClinicStaffCard(d.ClinicEvents))
			break
		}
	}
	props.Add(account.RoleGuru, dashboard.ClinicGuruCard(d.Teacher.ClinicRegistrations))
}

// addSelectionCards adds the selection's cards: open sheets for assessors, result review for
// BGP and Dinas, the selection overview for the admin, and the applicant's result page for
// teachers who have a published result or a tahap 2 session.
func addSelectionCards(p *account.Principal, props *dashboard.Props, d overview.Dashboard) {
	if p.Has(account.RoleAsesor) {
		props.Add(account.RoleAsesor, selectionpage.DashboardCard(selectionpage.Card{TextKey: "selection.card.open_sheets", Count: d.OpenSheets, Href: "/asesor/penilaian", LinkKey: "selection.sheets.title"}))
	}
	props.Add(account.RoleAdmin, selectionpage.DashboardCard(selectionpage.Card{TextKey: "selection.card.admin", Count: -1, Href: "/admin/seleksi", LinkKey: "selection.home.title"}))
	for _, role := range []account.Role{account.RoleAdmin, account.RoleBGP} {
		props.Add(role, selectionpage.DashboardCard(selectionpage.Card{TextKey: "selection.card.appeals", Count: -1, Href: "/seleksi/sanggah", LinkKey: "selection.appeal.queue"}))
	}
	for _, role := range []account.Role{account.RoleBGP, account.RoleDinas} {
		props.Add(role, selectionpage.DashboardCard(selectionpage.Card{TextKey: "selection.card." + string(role), Count: -1, Href: "/seleksi/hasil", LinkKey: "selection.runs.title"}))
	}
	if d.Teacher.HasApplicantPage {
		props.Add(account.RoleGuru, selectionpage.DashboardCard(selectionpage.Card{TextKey: "selection.card.guru", Count: -1, Href: "/seleksi/saya", LinkKey: "selection.my.title"}))
	}
}

// addTrainingCards links each role to its training page: staff to the province pages, the PP to
// their mentees, the fasilitator to their classes, and a CGP in a confirmed group to it.
func addTrainingCards(props *dashboard.Props, d overview.Dashboard) {
	for _, role := range []account.Role{account.RoleAdmin, account.RoleBGP, account.RoleDinas} {
		props.Add(role, dashboard.TrainingCard("training.dash.staff", "/pelatihan"))
	}
	props.Add(account.RolePengajarPraktik, dashboard.TrainingCard("training.dash.pp", "/pendampingan"))
	props.Add(account.RoleFasilitator, dashboard.TrainingCard("training.dash.fas", "/kelas"))
	if d.Teacher.InGroup {
		props.Add(account.RoleGuru, dashboard.TrainingCard("training.dash.mine", "/pelatihan/saya"))
	}
}
