package server

import (
	"net/http"

	"penggerak/internal/mail"
	"penggerak/internal/profile"
	deletionpage "penggerak/web/pages/deletion"
)

// deletionDoneShown is how many processed deletion requests the admin page lists.
const deletionDoneShown = 100

// deletionRequests lists the open deletion requests and the latest processed ones.
func (s *Server) deletionRequests(w http.ResponseWriter, r *http.Request) error {
	return s.renderDeletion(w, r, http.StatusOK, deletionpage.Props{})
}

func (s *Server) renderDeletion(w http.ResponseWriter, r *http.Request, status int, p deletionpage.Props) error {
	var err error
	if p.Open, p.Done, err = s.profiles().DeletionQueue(r.Context(), deletionDoneShown); err != nil {
		return err
	}
	s.render(w, r, status, deletionpage.List(s.base(r, "deletion.title"), p))
	return nil
}

// decideDeletion carries out ("dihapus") or refuses ("ditolak", with a reason) a deletion
// request; the requester is mailed the outcome in their own language. A processed request gives 409.
func (s *Server) decideDeletion(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Outcome string `form:"outcome"`
		Note    string `form:"note"`
	}
	id, ok, err := s.pathForm(w, r, "id", &f)
	if !ok {
		return err
	}
	d, errs := profile.ParseDecision(f.Outcome, f.Note)
	if len(errs) > 0 {
		return s.renderDeletion(w, r, http.StatusUnprocessableEntity, deletionpage.Props{FormID: id, Note: f.Note, Errors: errs})
	}
	// Deleting cannot be undone: it is done only once the admin ticked the confirmation (issue 11).
	if d.Outcome == profile.OutcomeDeleted && s.askConfirm(w, r, "deletion.confirm.heading", "deletion.confirm.lead", "/admin/permintaan-hapus") {
		return nil
	}
	compose := func(name, lang string) mail.Message { // in the requester's language
		l, data := s.i18n.Localizer(lang), map[string]any{"Name": name, "Note": d.Note}
		return mail.Message{Subject: l.T("deletion.mail." + d.Outcome + ".subject"), Body: l.T("deletion.mail."+d.Outcome+".body", data)}
	}
	if err := s.profiles().ProcessDeletion(r.Context(), actor(r), id, d, compose, s.now()); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "deletion.done."+d.Outcome, "/admin/permintaan-hapus")
}
