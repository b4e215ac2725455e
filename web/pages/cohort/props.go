// Package cohort has the national admin's cohort (angkatan) pages.
package cohort

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"penggerak/internal/application"
	"penggerak/internal/cohort"
	"penggerak/web/components"
	"penggerak/web/i18n"
)

// ListProps is the cohort list.
type ListProps struct{ Cohorts []cohort.Cohort }

// FormProps is the create/edit form; ID is 0 for a new cohort.
type FormProps struct {
	ID     int64
	Form   cohort.Form
	Errors map[string]string
}

// TargetForm is the add-target form as typed.
type TargetForm struct{ RegencyCode, Quota string }

// DetailProps is the cohort page: configuration, targets, questions, documents, lifecycle,
// copy and verval assignment.
type DetailProps struct {
	Config         cohort.Config
	Regencies      []components.Option
	TargetForm     TargetForm
	TargetError    string
	ImportError    string
	Question       cohort.QuestionForm
	QuestionErrors map[string]string
	Document       cohort.DocumentForm
	DocumentErrors map[string]string
	Next           cohort.Status
	Problems       []string
	ShowProblems   bool
	CopyNumber     string
	CopyName       string
	CopyError      string
	Assessors      []application.Assessor
	AssignError    string
}

func day(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return t.Format("02-01-2006")
}

func mb(bytes int) string            { return strconv.Itoa(bytes >> 20) }
func has(vs []string, v string) bool { return slices.Contains(vs, v) }

func formAction(id int64) string {
	if id == 0 {
		return "/admin/angkatan"
	}
	return "/admin/angkatan/" + components.Int(id)
}

func kindOptions(ctx context.Context) []components.Option {
	var out []components.Option
	for _, k := range cohort.ProgramKinds {
		out = append(out, components.Option{Value: k, Label: i18n.T(ctx, "cohort.kind."+k)})
	}
	return out
}

func join(vs []string) string { return strings.Join(vs, ", ") }

func assessorOptions(as []application.Assessor) []components.Option {
	var out []components.Option
	for _, a := range as {
		out = append(out, components.Option{Value: components.Int(a.UserID), Label: a.Name + " <" + a.Email + ">"})
	}
	return out
}
