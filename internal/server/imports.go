package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/database"
	"penggerak/internal/imports"
	"penggerak/web/i18n"
	importpage "penggerak/web/pages/imports"
)

// Assessor list import with a preview (issue 13): e-mail + scope → asesor grant, for the
// national admin and BGP admins (each within what they may grant).

type assessorPreview struct {
	Rows     []imports.AssessorRow
	Problems []imports.Problem
}

func (s *Server) assessorImportPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, importpage.Upload(s.base(r, "import.assessors.title"), i18n.T(r.Context(), "import.assessors.title"),
		"/admin/impor/asesor", i18n.T(r.Context(), "import.assessors.guide"), ""))
	return nil
}

func (s *Server) assessorImportUpload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, data, problem := readImportFile(w, r)
	if problem != nil {
		s.render(w, r, http.StatusUnprocessableEntity, importpage.Upload(s.base(r, "import.assessors.title"), i18n.T(ctx, "import.assessors.title"),
			"/admin/impor/asesor", i18n.T(ctx, "import.assessors.guide"), i18n.T(ctx, problem.Key, problem.Data)))
		return nil
	}
	rows, problems := imports.ParseAssessors(data)
	p := principal(r)
	var ok []imports.AssessorRow
	for _, row := range rows {
		u, err := s.accounts.UserByEmail(ctx, row.Email)
		if err != nil {
			problems = append(problems, imports.Problem{Line: row.Line, Key: "import.err.no_account", Data: map[string]any{"Value": row.Email}})
			continue
		}
		if known, err := s.regionKnown(r, row.Scope); err != nil {
			return err
		} else if !known {
			problems = append(problems, imports.Problem{Line: row.Line, Key: "import.err.region", Data: map[string]any{"Value": row.Scope.Value()}})
			continue
		}
		if !p.CanGrant(account.RoleAsesor, row.Scope) {
			problems = append(problems, imports.Problem{Line: row.Line, Key: "import.err.rights", Data: map[string]any{"Value": row.Scope.Value()}})
			continue
		}
		row.UserID, row.Name = u.ID, u.Name
		ok = append(ok, row)
	}
	token, err := s.imports().Save(ctx, imports.KindAssessors, p.User.ID, "daftar-asesor.csv", len(ok)+len(problems), len(problems),
		assessorPreview{Rows: ok, Problems: problems})
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/impor/asesor/"+token)
	return nil
}

// regionKnown reports whether a scope's province or kab/kota exists (national always does).
func (s *Server) regionKnown(r *http.Request, sc account.Scope) (bool, error) {
	switch {
	case sc.RegencyCode != "":
		_, err := s.regions.Regency(r.Context(), sc.RegencyCode)
		if err != nil && errors.Is(err, database.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	case sc.ProvinceCode != "":
		return s.regions.ProvinceExists(r.Context(), sc.ProvinceCode)
	}
	return true, nil
}

func (s *Server) renderAssessorPreview(w http.ResponseWriter, r *http.Request, status int, result string) error {
	ctx := r.Context()
	token := chi.URLParam(r, "token")
	p, err := s.imports().Load(ctx, token, imports.KindAssessors, principal(r).User.ID)
	if err != nil {
		return err
	}
	var ap assessorPreview
	if err := json.Unmarshal(p.Payload, &ap); err != nil {
		return err
	}
	props := importpage.PreviewProps{Heading: i18n.T(ctx, "import.assessors.preview"), Action: "/admin/impor/asesor/" + token,
		Source: p.Source, Rows: p.Rows, Committed: p.CommittedAt != nil, Result: result, Back: "/admin/impor/asesor",
		Columns: []string{i18n.T(ctx, "import.preview.line"), "Email", i18n.T(ctx, "field.name"), i18n.T(ctx, "dashboard.scope")}}
	previewTable(ctx, &props, ap.Rows, func(row imports.AssessorRow) []string {
		where := row.Scope.Value()
		if where == "" {
			where = i18n.T(ctx, "scope.national")
		}
		return []string{itoa(row.Line), row.Email, row.Name, where}
	}, ap.Problems)
	s.render(w, r, status, importpage.Preview(s.base(r, "import.assessors.preview"), props))
	return nil
}

func (s *Server) assessorImportShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderAssessorPreview(w, r, http.StatusOK, "")
}

func (s *Server) assessorImportCommit(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	n := 0
	err := s.imports().Commit(r.Context(), chi.URLParam(r, "token"), imports.KindAssessors, p.User.ID, func(tx pgx.Tx, payload []byte) error {
		var ap assessorPreview
		if err := json.Unmarshal(payload, &ap); err != nil {
			return err
		}
		for _, row := range ap.Rows {
			if err := s.accounts.WithTx(tx).GrantRole(r.Context(), actor(r), p, row.UserID, account.RoleAsesor, row.Scope); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	switch {
	case errors.Is(err, imports.ErrCommitted):
		return s.renderAssessorPreview(w, r, http.StatusConflict, i18n.T(r.Context(), "import.preview.again"))
	case errors.Is(err, imports.ErrHasProblems):
		return s.renderAssessorPreview(w, r, http.StatusConflict, i18n.T(r.Context(), "import.preview.nothing"))
	case err != nil:
		return err
	default:
		return s.renderAssessorPreview(w, r, http.StatusOK, i18n.T(r.Context(), "import.assessors.done", map[string]any{"N": n}))
	}
}

// previewShown is how many rows an import preview shows.
const previewShown = 10

// previewTable fills what every import preview shows of its upload: the first previewShown
// rows, each as the cells row gives, and every problem in the reader's language.
func previewTable[T any](ctx context.Context, props *importpage.PreviewProps, rows []T, row func(T) []string, problems []imports.Problem) {
	for _, x := range rows[:min(len(rows), previewShown)] {
		props.First = append(props.First, row(x))
	}
	for _, pr := range problems {
		props.Problems = append(props.Problems, importpage.Problem{Line: pr.Line, Text: i18n.T(ctx, pr.Key, pr.Data)})
	}
}
