// Package training has the pages of the pendidikan: the BGP's province page (roster, mentors,
// proposal, edits, confirmation), a group's page, the CGP's own group, the PP's mentees and the
// fasilitator's classes.
package training

import (
	"context"
	"strconv"

	"penggerak/internal/region"
	"penggerak/internal/training"
	"penggerak/web/components"
	"penggerak/web/i18n"
)

// IndexProps lists the cohorts in training the viewer may see, per province.
type IndexProps struct {
	Cohorts []training.CohortInfo
	// Settings lists the cohorts whose training settings the admin may open (admin only).
	Settings []training.CohortSettings
}

// SettingsProps is the admin's form of a cohort's training settings.
type SettingsProps struct {
	Cohort training.CohortSettings
	// Values are the typed (or stored) values per field name; Errors message keys per field.
	Values map[string]string
	Errors map[string]string
}

// AppointForm is the typed appointment form.
type AppointForm struct {
	User, Role, Regency, Cap string
	Errors                   map[string]string
}

// EditForm is the typed move or PP-swap form.
type EditForm struct {
	Participant, Group, Mentor, Reason string
	// Problems are the rules the edit broke (message keys); Errors per field.
	Problems []string
	Errors   map[string]string
}

// ProvinceProps is the province page.
type ProvinceProps struct {
	View training.ProvinceView
	// CanEdit: the viewer is a BGP of this province and the cohort is in pendidikan.
	CanEdit    bool
	Candidates []training.MentorCandidate
	Regencies  []region.Regency
	Appoint    AppointForm
	Move       EditForm
	SwapPP     EditForm
	Lokakarya  []training.Lokakarya
	Schedule   LokakaryaForm
	// AtRisk are the first MaxRiskShown CGPs missing a completion rule already due (how many
	// there are: View.AtRisk).
	AtRisk []training.RiskRow
}

// MaxRiskShown is how many CGPs at risk the province page lists.
const MaxRiskShown = 200

// ConfirmProps is the confirmation page.
type ConfirmProps struct {
	View     training.ProvinceView
	Problems []string
	Error    string
}

// GroupProps is a group's page.
type GroupProps struct {
	Group   training.GroupRow
	History []training.HistoryEntry
	// Contacts: the viewer is inside the group (or staff), so contact details are shown.
	Contacts bool
}

// MineProps is the CGP's page.
type MineProps struct {
	Groups    []training.GroupRow
	Lokakarya []training.Lokakarya
	Visits    []training.Visit
	Progress  []training.Progress
	// Certificates are the CGP's Sertifikat Guru Penggerak (certificate.templ).
	Certificates []training.Certificate
}

// MentorProps is the PP's or fasilitator's list of groups.
type MentorProps struct {
	Groups    []training.GroupRow
	Lokakarya []training.Lokakarya
	Progress  []training.Progress
}

func groupName(g training.GroupRow) string { return g.RegencyName + " · " + components.Int(g.Number) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func provinceURL(v training.ProvinceView) string {
	return "/pelatihan/" + components.Int(v.CohortID) + "/" + v.ProvinceCode
}

// mentorsOf returns the appointments of role.
func mentorsOf(v training.ProvinceView, role string) []training.MentorRow {
	var out []training.MentorRow
	for _, m := range v.Mentors {
		if m.Role == role {
			out = append(out, m)
		}
	}
	return out
}

// participants lists everyone the move form can pick: members of groups, then unplaced.
func participants(v training.ProvinceView) []training.Participant {
	var out []training.Participant
	for _, g := range v.Groups {
		out = append(out, g.Members...)
	}
	return append(out, v.Unplaced...)
}

func pct(part, whole int) string {
	if whole == 0 {
		return "0"
	}
	return strconv.Itoa(part * 100 / whole)
}

func candidateOptions(ctx context.Context, cs []training.MentorCandidate) []components.Option {
	out := make([]components.Option, 0, len(cs))
	seen := map[int64]bool{}
	for _, c := range cs {
		if seen[c.UserID] {
			continue
		}
		seen[c.UserID] = true
		what := i18n.T(ctx, "role."+c.Role)
		if c.Graduate != "" {
			what = i18n.T(ctx, "training.appoint.graduate", map[string]any{"Role": what, "Cohort": c.Graduate})
		}
		out = append(out, components.Option{Value: components.Int(c.UserID), Label: c.Name + " (" + what + ", " + c.Email + ")"})
	}
	return out
}

func regencyOptions(rs []region.Regency) []components.Option {
	out := make([]components.Option, 0, len(rs))
	for _, r := range rs {
		out = append(out, components.Option{Value: r.Code, Label: r.Name})
	}
	return out
}

func participantOptions(v training.ProvinceView) []components.Option {
	var out []components.Option
	for _, p := range participants(v) {
		out = append(out, components.Option{Value: components.Int(p.ID), Label: p.Name + " — " + p.RegencyName + ", " + p.SchoolName})
	}
	return out
}

func groupOptions(v training.ProvinceView) []components.Option {
	var out []components.Option
	for _, g := range v.Groups {
		out = append(out, components.Option{Value: components.Int(g.ID), Label: groupName(g) + " (" + g.PPName + ", " + components.Int(len(g.Members)) + ")"})
	}
	return out
}

func ppOptions(v training.ProvinceView) []components.Option {
	var out []components.Option
	for _, m := range mentorsOf(v, "pengajar_praktik") {
		out = append(out, components.Option{Value: components.Int(m.ID), Label: m.Name + " — " + m.RegencyName + " (" + components.Int(m.Load) + "/" + components.Int(m.Cap) + ")"})
	}
	return out
}

// settingGroup is one fieldset of the settings form.
type settingGroup struct {
	Legend string
	Fields []string
}

var settingGroups = []settingGroup{
	{"training.settings.group.groups", []string{"group_min", "group_max", "pp_cap", "fasilitator_cap"}},
	{"training.settings.group.schedule", []string{"lokakarya_count", "reminder_days", "visits_planned", "ack_days"}},
	{"training.settings.group.completion", []string{"attendance_min_pct", "module_packages", "modules", "assessment_pass_score"}},
}

// errorRef is " <id>-error" when err is set, to add to an aria-describedby.
func errorRef(id, err string) string {
	if err == "" {
		return ""
	}
	return " " + id + "-error"
}

// regencyName is the name of the chosen kab/kota of the province page.
func regencyName(v training.ProvinceView) string {
	for _, r := range v.Regencies {
		if r.Code == v.Regency {
			return r.Name
		}
	}
	return v.Regency
}
