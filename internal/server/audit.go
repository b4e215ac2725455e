package server

import (
	"net/http"
	"strconv"

	auditpage "penggerak/web/pages/audit"
)

// auditPageSize is the number of audit entries per page.
const auditPageSize = 50

// auditLog lists the audit log newest first, 50 entries a page (keyset on the entry id).
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("sebelum"), 10, 64)
	if before < 0 {
		before = 0
	}
	entries, err := s.audit.Recent(r.Context(), before, auditPageSize+1)
	if err != nil {
		return err
	}
	var props auditpage.ListProps
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		props.NextURL = "/admin/audit?sebelum=" + strconv.FormatInt(entries[auditPageSize-1].ID, 10)
	}
	if before > 0 {
		props.FirstURL = "/admin/audit"
	}
	props.Entries = entries
	s.render(w, r, http.StatusOK, auditpage.List(s.base(r, "audit.title"), props))
	return nil
}

// auditVerify recomputes the whole hash chain and says whether it is intact.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) error {
	v, err := s.audit.Verify(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, auditpage.Verify(s.base(r, "audit.verify.title"), auditpage.VerifyProps{Result: v}))
	return nil
}
