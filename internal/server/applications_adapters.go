package server

import "net/http"

// The names the route table registers for the application pages, each adapting its handler
// that returns an error through s.handle (the one error path). They keep the route table
// unchanged while it is being split by feature; once the routes read s.handle(s.showApply)
// and so on, this file goes.

func (s *Server) applyPage(w http.ResponseWriter, r *http.Request) { s.handle(s.showApply)(w, r) }
func (s *Server) applyStart(w http.ResponseWriter, r *http.Request) {
	s.handle(s.startApplication)(w, r)
}
func (s *Server) applicationStep(w http.ResponseWriter, r *http.Request) {
	s.handle(s.showStep)(w, r)
}
func (s *Server) applicationConfirmProfile(w http.ResponseWriter, r *http.Request) {
	s.handle(s.confirmProfile)(w, r)
}
func (s *Server) applicationAddCV(w http.ResponseWriter, r *http.Request)  { s.handle(s.addCV)(w, r) }
func (s *Server) applicationEditCV(w http.ResponseWriter, r *http.Request) { s.handle(s.editCV)(w, r) }
func (s *Server) applicationUpdateCV(w http.ResponseWriter, r *http.Request) {
	s.handle(s.updateCV)(w, r)
}
func (s *Server) applicationDeleteCV(w http.ResponseWriter, r *http.Request) {
	s.handle(s.deleteCV)(w, r)
}
func (s *Server) applicationSaveEssays(w http.ResponseWriter, r *http.Request) {
	s.handle(s.saveEssays)(w, r)
}
func (s *Server) applicationAutosave(w http.ResponseWriter, r *http.Request) {
	s.handle(s.autosaveEssays)(w, r)
}
func (s *Server) applicationUpload(w http.ResponseWriter, r *http.Request) {
	s.handle(s.uploadDocument)(w, r)
}
func (s *Server) documentDownload(w http.ResponseWriter, r *http.Request) {
	s.handle(s.downloadDocument)(w, r)
}
func (s *Server) applicationConsent(w http.ResponseWriter, r *http.Request) {
	s.handle(s.recordConsent)(w, r)
}
func (s *Server) applicationSubmit(w http.ResponseWriter, r *http.Request) {
	s.handle(s.submitApplication)(w, r)
}
func (s *Server) applicationWithdraw(w http.ResponseWriter, r *http.Request) {
	s.handle(s.withdrawApplication)(w, r)
}
func (s *Server) applicationReceipt(w http.ResponseWriter, r *http.Request) {
	s.handle(s.showReceipt)(w, r)
}
func (s *Server) applicationReceiptPrint(w http.ResponseWriter, r *http.Request) {
	s.handle(s.printReceipt)(w, r)
}
func (s *Server) applicationReceiptPDF(w http.ResponseWriter, r *http.Request) {
	s.handle(s.receiptPDF)(w, r)
}
func (s *Server) watchList(w http.ResponseWriter, r *http.Request) { s.handle(s.listWatched)(w, r) }
func (s *Server) watchView(w http.ResponseWriter, r *http.Request) { s.handle(s.showWatched)(w, r) }
