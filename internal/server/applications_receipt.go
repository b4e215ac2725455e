package server

import (
	"net/http"
	"strings"

	"penggerak/internal/application"
	apppage "penggerak/web/pages/application"
)

// receipt loads the teacher's own receipt (404 for another's or an unsent application).
func (s *Server) receipt(r *http.Request) (apppage.ReceiptProps, error) {
	rc, err := s.applications.Receipt(r.Context(), principal(r).User.ID, idParam(r, "id"))
	return apppage.ReceiptProps{R: rc, Now: s.now()}, err
}

// showReceipt is the teacher's tanda terima with what happens next.
func (s *Server) showReceipt(w http.ResponseWriter, r *http.Request) error {
	p, err := s.receipt(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, apppage.Receipt(s.base(r, "application.receipt.title"), p))
	return nil
}

// printReceipt is the receipt alone on a page, for printing.
func (s *Server) printReceipt(w http.ResponseWriter, r *http.Request) error {
	p, err := s.receipt(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, apppage.ReceiptPrint(s.base(r, "application.receipt.title"), p))
	return nil
}

// receiptPDF is the receipt as a PDF attachment (personal data: not cached).
func (s *Server) receiptPDF(w http.ResponseWriter, r *http.Request) error {
	p, err := s.receipt(r)
	if err != nil {
		return err
	}
	b, err := application.ReceiptPDF(p.R, p.Now)
	if err != nil {
		return err
	}
	number := ""
	if p.R.RegistrationNumber != nil {
		number = *p.R.RegistrationNumber
	}
	sendPDF(w, "tanda-terima-"+fileSafeName(number)+".pdf", b)
	return nil
}

// fileSafeName keeps letters, digits and dashes of s for a download's file name.
func fileSafeName(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			return c
		}
		return -1
	}, s)
}
