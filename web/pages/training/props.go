// Package training has the pages of the pendidikan: the BGP's province page (roster, mentors,
// proposal, edits, confirmation), a group's page, the CGP's own group, the PP's mentees and the
// fasilitator's classes.
package training

import (
	"context"
	"strconv"
	"time"

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
	// AtRisk are the CGPs missing a completion rule already due (the first MaxRiskShown shown).
	AtRisk []training.RiskRow
}

// MaxRiskShown is how many CGPs at risk the province page lists.
const MaxRiskShown = 200

// shownRisk returns the CGPs at risk the page lists.
func shownRisk(rs []training.RiskRow) []training.RiskRow {
	if len(rs) > MaxRiskShown {
		return rs[:MaxRiskShown]
	}
	return rs
}

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

// MenteeProps is one of a PP's CGPs.
type MenteeProps struct {
	Mentee  training.Mentee
	Visits  []training.Visit
	Planned int
	// The typed plan form and its errors.
	PlanNumber, PlanDate string
	PlanErrors           map[string]string
	// Score is the PP's final assessment (nil before); Pass the cohort's threshold.
	Score *int
	Pass  int
}

// VisitProps is the visit log page.
type VisitProps struct {
	Visit  training.Visit
	Form   training.VisitLog
	Errors map[string]string
	// Timezone shows times of the saved draft.
	Timezone string
}

// VisitStatus is a visit's state as a message key.
func VisitStatus(v training.Visit) string {
	switch {
	case v.AcknowledgedAt != nil:
		return "training.visit.status.acknowledged"
	case v.Overdue:
		return "training.visit.status.overdue"
	case v.SubmittedAt != nil:
		return "training.visit.status.sent"
	case v.DraftSavedAt != nil:
		return "training.visit.status.draft"
	}
	return "training.visit.status.planned"
}

func date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02")
}

func dateID(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return t.Format("02-01-2006")
}

func savedAtMillis(t *time.Time) string {
	if t == nil {
		return "0"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func visitNumbers(n int) []components.Option {
	var out []components.Option
	for i := 1; i <= n; i++ {
		out = append(out, components.Option{Value: components.Int(i), Label: components.Int(i)})
	}
	return out
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

// LokakaryaForm is the typed schedule form.
type LokakaryaForm struct {
	Regency, Number, Date, Time, Place string
	// Groups are the ticked group ids; Typed tells a posted form (an untyped form ticks all).
	Groups []string
	Typed  bool
	Errors map[string]string
}

// groupTicked reports whether group id is ticked in the form.
func (f LokakaryaForm) groupTicked(id int64) bool {
	if !f.Typed {
		return true
	}
	for _, g := range f.Groups {
		if g == components.Int(id) {
			return true
		}
	}
	return false
}

// confirmedGroups are the province's confirmed groups (those a lokakarya can be for).
func confirmedGroups(gs []training.GroupRow) []training.GroupRow {
	var out []training.GroupRow
	for _, g := range gs {
		if g.Status == "aktif" {
			out = append(out, g)
		}
	}
	return out
}

// groupNumbers lists the numbers as "1, 2, 3".
func groupNumbers(ns []int32) string {
	out := ""
	for i, n := range ns {
		if i > 0 {
			out += ", "
		}
		out += strconv.Itoa(int(n))
	}
	return out
}

// AttendanceProps is the phone-friendly attendance list of one lokakarya.
type AttendanceProps struct {
	Lokakarya training.Lokakarya
	Rows      []training.AttendanceRow
	// Typed values and problems per participant after a refused save.
	Typed  map[int64]training.AttendanceEntry
	Errors map[int64]string
}

func (p AttendanceProps) status(r training.AttendanceRow) string {
	if e, ok := p.Typed[r.ParticipantID]; ok {
		return e.Status
	}
	return deref(r.Status)
}

func (p AttendanceProps) reason(r training.AttendanceRow) string {
	if e, ok := p.Typed[r.ParticipantID]; ok {
		return e.Reason
	}
	return r.Reason
}

// localTime shows t in the time zone tz (WIB, WITA, WIT) with the zone's name.
func localTime(t time.Time, tz string) string {
	return region.FormatTime(t, tz)
}

func lokakaryaTitle(ctx context.Context, l training.Lokakarya) string {
	key := "training.lokakarya.name"
	if l.Last {
		key = "training.lokakarya.name_last"
	} else if l.Number == 0 {
		key = "training.lokakarya.name_first"
	}
	return i18n.T(ctx, key, map[string]any{"N": components.Int(l.Number)})
}

func numberOptions(count int) []components.Option {
	var out []components.Option
	for i := range count {
		out = append(out, components.Option{Value: components.Int(i), Label: components.Int(i)})
	}
	return out
}

func pid(id int64, prefix string) string { return prefix + "-" + components.Int(id) }

// ProgressProps is the fasilitator's form for one CGP's modules.
type ProgressProps struct {
	Progress training.Progress
	Score    *int
	Pass     int
}

func (p ProgressProps) done(m int) bool {
	for _, c := range p.Progress.Completed {
		if int(c) == m {
			return true
		}
	}
	return false
}

// ImportProps is the module-progress import: the upload form, then the preview (rows matched,
// per-row errors), then the commit.
type ImportProps struct {
	Rows   []training.ProgressRow
	Errors []training.RowError
	// Items is the checked import carried to the commit (empty while there are errors).
	Items string
	// FileError is a problem of the file as a whole (message key).
	FileError string
}

func doneKey(d bool) string {
	if d {
		return "training.import.done"
	}
	return "training.import.not_done"
}

func modulesRange(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// GraduationProps is the BGP's graduation page of a province.
type GraduationProps struct {
	CohortID     int64
	ProvinceCode string
	Settings     training.Settings
	Rows         []training.CompletionRow
	CanEdit      bool
	Eligible     int
	// Certificates: the viewer may open the province's certificates (its BGP, national admin).
	Certificates bool
	// The posted form (FormID the participant, 0 for the all-eligible form) and its problems.
	FormID   int64
	Reason   string
	Problems []string
}

func (p GraduationProps) url() string {
	return "/pelatihan/" + components.Int(p.CohortID) + "/" + p.ProvinceCode
}

func (p GraduationProps) problemsFor(id int64) []string {
	if p.FormID == id {
		return p.Problems
	}
	return nil
}

func (p GraduationProps) reasonFor(id int64) string {
	if p.FormID == id {
		return p.Reason
	}
	return ""
}

func outcomeKey(c training.CompletionRow) string {
	switch {
	case c.Status == "mundur":
		return "training.outcome.mundur"
	case c.Outcome != nil:
		return "training.outcome." + *c.Outcome
	case len(c.Unmet) == 0:
		return "training.outcome.eligible"
	}
	return "training.outcome.pending"
}

func scoreText(n *int) string {
	if n == nil {
		return "—"
	}
	return components.Int(*n)
}

func scoreValue(n *int) string {
	if n == nil {
		return ""
	}
	return components.Int(*n)
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
