package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
	"penggerak/internal/database"
	"penggerak/internal/training"
	trainingpage "penggerak/web/pages/training"
)

// training: the pendidikan — roster, mentors, groups (issue 10). Every query is scoped in the
// training store's SQL; handlers only pick the viewer's scope.

func (s *Server) trainingStore() *training.Store { return training.NewStore(s.db) }

// trainingMails writes the training mails from the catalogues in each recipient's language.
func (s *Server) trainingMails() training.Mails {
	return training.Mails{T: training.Catalogue(NewCatalogue(s.i18n)), BaseURL: s.cfg.BaseURL}
}

// trainingScope is the region of the viewer's staff roles (admin national, BGP province, Dinas).
func trainingScope(p *account.Principal) training.Scope {
	n, provs, regs := p.RegionFilter(account.RoleAdmin, account.RoleBGP, account.RoleDinas)
	return training.Scope{National: n, Provinces: provs, Regencies: regs}
}

// bgpScope is the provinces in which the viewer may change training (BGP only).
func bgpScope(p *account.Principal) training.Scope {
	_, provs, _ := p.RegionFilter(account.RoleBGP)
	return training.Scope{Provinces: provs}
}

// viewer is who asks for a group: staff scope when the user holds a staff role.
func viewer(p *account.Principal) training.Viewer {
	v := training.Viewer{UserID: p.User.ID}
	if p.HasAny(staff...) {
		sc := trainingScope(p)
		v.Staff = &sc
	}
	return v
}

func (s *Server) trainingIndex(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.trainingStore().Cohorts(r.Context(), trainingScope(principal(r)))
	var settings []training.CohortSettings
	if err == nil && principal(r).Has(account.RoleAdmin) {
		settings, err = s.trainingStore().SettingsCohorts(r.Context())
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, trainingpage.Index(s.base(r, "training.index.title"), trainingpage.IndexProps{Cohorts: cs, Settings: settings}))
	return nil
}

// kabParam is the kab/kota chosen on the province page (?kab=, or the forms' hidden kab), "" for
// the whole province or anything that is not a kab/kota of prov.
func kabParam(r *http.Request, prov string) string {
	k := r.FormValue("kab")
	if len(k) != 5 || k[2] != '.' || k[:2] != prov || strings.Trim(k[:2]+k[3:], "0123456789") != "" {
		return ""
	}
	return k
}

// provinceBack is the province page to return to after a form: its kab/kota kept, at anchor.
func provinceBack(r *http.Request, id int64, prov, anchor string) string {
	u := "/pelatihan/" + strconv.FormatInt(id, 10) + "/" + prov
	if k := kabParam(r, prov); k != "" {
		u += "?kab=" + k
	}
	return u + anchor
}

// trainingPath reads {cohort} and {prov}.
func trainingPath(r *http.Request) (int64, string, bool) {
	id, ok := pathInt(r, "cohort")
	prov := chi.URLParam(r, "prov")
	return id, prov, ok && len(prov) == 2
}

func (s *Server) trainingProvince(w http.ResponseWriter, r *http.Request) error {
	return s.renderProvince(w, r, http.StatusOK, trainingpage.ProvinceProps{})
}

// renderProvince shows the province page with p's forms (typed values and problems kept).
func (s *Server) renderProvince(w http.ResponseWriter, r *http.Request, status int, p trainingpage.ProvinceProps) error {
	id, prov, ok := trainingPath(r)
	if !ok {
		return database.ErrNotFound
	}
	ctx := r.Context()
	pr := principal(r)
	var err error
	kab := kabParam(r, prov)
	if p.View, p.AtRisk, p.Lokakarya, err = s.trainingStore().ProvincePage(ctx, trainingScope(pr), id, prov, kab, s.now(), trainingpage.MaxRiskShown); err != nil {
		return err
	}
	bs := bgpScope(pr)
	p.CanEdit = p.View.CohortStatus == "pendidikan" && containsString(bs.Provinces, prov)
	if p.CanEdit {
		if p.Candidates, err = s.trainingStore().Candidates(ctx, id, prov); err != nil {
			return err
		}
		if p.Regencies, err = s.regions.Regencies(ctx, prov); err != nil {
			return err
		}
	}
	s.render(w, r, status, trainingpage.Province(s.base(r, "training.province.title"), p))
	return nil
}

func parseID(v string) int64 {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// trainingMine is the CGP's page: their group, PP and fasilitator with contacts.
func (s *Server) trainingMine(w http.ResponseWriter, r *http.Request) error {
	gs, err := s.trainingStore().MyGroups(r.Context(), principal(r).User.ID)
	var ls []training.Lokakarya
	if err == nil {
		ls, err = s.trainingStore().MyLokakarya(r.Context(), principal(r).User.ID)
	}
	var vs []training.Visit
	if err == nil {
		vs, err = s.trainingStore().MyVisits(r.Context(), principal(r).User.ID, s.now())
	}
	var ps []training.Progress
	if err == nil {
		ps, err = s.trainingStore().MyProgress(r.Context(), principal(r).User.ID)
	}
	var cs []training.Certificate
	if err == nil {
		cs, err = s.myCertificates(r)
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, trainingpage.Mine(s.base(r, "training.mine.title"), trainingpage.MineProps{Groups: gs, Lokakarya: ls, Visits: vs, Progress: ps, Certificates: cs}))
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
