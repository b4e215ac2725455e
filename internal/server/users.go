package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"penggerak/internal/account"
	"penggerak/internal/database"
	"penggerak/web/components"
	"penggerak/web/i18n"
	"penggerak/web/pages/users"
)

// User administration: the national admin administers everyone; a BGP admin administers the
// users relevant to its province and grants only asesor, pengajar_praktik and fasilitator there
// (account.Principal.CanGrant). The scope is enforced in account.Store's SQL; a user outside it
// is answered 404.
//
// A grant or revoke needs no session renewal: the session stores only the user id, and
// loadPrincipal reads the roles from role_grants on every request, so the change takes effect on
// the user's next request (tested in users_test.go).

// usersPageSize is the number of users per page of the list.
const usersPageSize = 50

func (s *Server) userList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("setelah"), 10, 64)
	role := account.Role(q.Get("peran"))
	if !role.Valid() {
		role = ""
	}
	text := q.Get("q")
	if len([]rune(text)) > 100 {
		text = string([]rune(text)[:100])
	}
	p := principal(r)
	page, err := s.accounts.SearchUsers(ctx, p, account.UserQuery{Text: text, Role: role, After: after, Limit: usersPageSize})
	if err != nil {
		return err
	}
	props := users.ListProps{Text: text, Role: string(role), Users: page.Users, Regional: !p.Has(account.RoleAdmin)}
	for _, ro := range account.AllRoles {
		props.RoleOptions = append(props.RoleOptions, components.Option{Value: string(ro), Label: i18n.T(ctx, "role."+string(ro))})
	}
	search := url.Values{}
	if text != "" {
		search.Set("q", text)
	}
	if role != "" {
		search.Set("peran", string(role))
	}
	if after > 0 {
		props.FirstURL = "/admin/pengguna?" + search.Encode()
	}
	if page.Next != 0 {
		search.Set("setelah", strconv.FormatInt(page.Next, 10))
		props.NextURL = "/admin/pengguna?" + search.Encode()
	}
	s.render(w, r, http.StatusOK, users.List(s.base(r, "users.title"), props))
	return nil
}

func (s *Server) userDetail(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "id")
	if !ok {
		return database.ErrNotFound
	}
	return s.renderUserDetail(w, r, http.StatusOK, id, users.GrantForm{}, nil)
}

// renderUserDetail shows a user's page with the grant form holding f and its errors.
func (s *Server) renderUserDetail(w http.ResponseWriter, r *http.Request, status int, id int64, f users.GrantForm, errs map[string]string) error {
	p := principal(r)
	d, err := s.accounts.AdministeredUser(r.Context(), p, id)
	if err != nil {
		return err
	}
	props := users.DetailProps{User: d, Form: f, Errors: errs}
	for _, g := range d.Grants {
		props.Grants = append(props.Grants, users.GrantRow{Grant: g, CanRevoke: p.CanRevoke(g)})
	}
	props.ScopeHint = "users.grant.scope_hint"
	if !p.Has(account.RoleAdmin) {
		props.ScopeHint = "users.grant.scope_hint_bgp"
	}
	if props.RoleOptions, props.ScopeOptions, err = s.grantOptions(r, p); err != nil {
		return err
	}
	b := s.base(r, "users.title")
	b.Title = d.User.Name + " · " + b.Title
	s.render(w, r, status, users.Detail(b, props))
	return nil
}

// grantOptions lists the roles and the regions p may offer in the grant form: everything for
// the national admin; for a BGP admin its three roles and the regions of its province.
func (s *Server) grantOptions(r *http.Request, p *account.Principal) (roles, scopes []components.Option, err error) {
	ctx := r.Context()
	for _, ro := range account.GrantableRoles(p) {
		roles = append(roles, components.Option{Value: string(ro), Label: i18n.T(ctx, "role."+string(ro))})
	}
	adminScope, ok := account.UserAdminScope(p)
	if !ok {
		return nil, nil, nil
	}
	provinces, err := s.regions.Provinces(ctx)
	if err != nil {
		return nil, nil, err
	}
	regencies, err := s.regions.Regencies(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	if adminScope.National {
		scopes = append(scopes, components.Option{Value: "", Label: i18n.T(ctx, "scope.national")})
	}
	for _, prov := range provinces {
		if !adminScope.National && !containsString(adminScope.Provinces, prov.Code) {
			continue
		}
		scopes = append(scopes, components.Option{Value: prov.Code,
			Label: i18n.T(ctx, "users.scope.province", map[string]any{"Name": prov.Name})})
		for _, reg := range regencies {
			if reg.ProvinceCode == prov.Code {
				scopes = append(scopes, components.Option{Value: reg.Code, Label: "— " + reg.Name})
			}
		}
	}
	return roles, scopes, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// grantRole gives the user a role in a scope. A grant the signed-in user may not give is
// refused with 403 before anything is stored; a role/scope combination that does not fit is
// shown again with a message per field (422).
func (s *Server) grantRole(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, ok := pathInt(r, "id")
	if !ok {
		return database.ErrNotFound
	}
	p := principal(r)
	if _, err := s.accounts.AdministeredUser(ctx, p, id); err != nil {
		return err
	}
	var f users.GrantForm
	if !s.decode(w, r, &f) {
		return nil
	}
	role := account.Role(f.Role)
	scope, scopeOK := account.ParseScope(f.Scope)
	errs := account.ValidateGrant(role, scope)
	if !scopeOK {
		errs["scope"] = "users.grant.scope_invalid"
	}
	if role.Valid() && scopeOK && !p.CanGrant(role, scope) {
		return account.ErrForbidden
	}
	if len(errs) == 0 {
		err := s.accounts.GrantRole(ctx, actor(r), p, id, role, scope)
		switch {
		case errors.Is(err, database.ErrConflict): // a region code that does not exist
			errs["scope"] = "users.grant.scope_invalid"
		case err != nil:
			return err
		default:
			s.flash(r, "users.granted")
			redirect(w, r, "/admin/pengguna/"+strconv.FormatInt(id, 10))
			return nil
		}
	}
	return s.renderUserDetail(w, r, http.StatusUnprocessableEntity, id, f, errs)
}

// revokeRole ends one of the user's grants, when the signed-in user may grant that role there.
func (s *Server) revokeRole(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, ok1 := pathInt(r, "id")
	grantID, ok2 := pathInt(r, "grant")
	if !ok1 || !ok2 {
		return database.ErrNotFound
	}
	p := principal(r)
	d, err := s.accounts.AdministeredUser(ctx, p, id)
	if err != nil {
		return err
	}
	var grant *account.Grant
	for i := range d.Grants {
		if d.Grants[i].ID == grantID {
			grant = &d.Grants[i]
		}
	}
	if grant == nil {
		return database.ErrNotFound
	}
	if !p.CanRevoke(*grant) {
		return account.ErrForbidden
	}
	// The person loses the role's pages at their next request: asked first, without JavaScript
	// too (issue 11).
	if s.askConfirm(w, r, "users.revoke.heading", "users.revoke.lead", "/admin/pengguna/"+strconv.FormatInt(id, 10)) {
		return nil
	}
	if err := s.accounts.RevokeRole(ctx, actor(r), p, grantID); err != nil {
		return err
	}
	s.flash(r, "users.revoked")
	redirect(w, r, "/admin/pengguna/"+strconv.FormatInt(id, 10))
	return nil
}
