package server

import "github.com/go-chi/chi/v5"

// accountRoutes: the home page and the data notice, the language switch, signing in and up,
// e-mail verification and password reset (all public), and what every signed-in user has: the
// dashboard, signing out and changing the password.
func (s *Server) accountRoutes(r chi.Router) {
	pages := r.With(publicPage) // nothing personal: the browser may keep them (cacheControl)
	pages.Get("/", s.home)
	pages.Get("/tentang-data", s.dataNotice)
	r.Post("/bahasa", s.handle(s.setLanguage))
	pages.Get("/masuk", s.signInPage)
	r.Post("/masuk", s.handle(s.signIn))
	pages.Get("/daftar", s.handle(s.signUpPage))
	r.Post("/daftar", s.handle(s.signUp))
	pages.Get("/verifikasi/kirim-ulang", s.handle(s.resendVerificationPage))
	r.Post("/verifikasi/kirim-ulang", s.handle(s.resendVerification))
	r.Get("/verifikasi/{token}", s.handle(s.verifyEmailPage))
	r.Post("/verifikasi/{token}", s.handle(s.verifyEmail))
	pages.Get("/lupa-sandi", s.handle(s.forgotPasswordPage))
	r.Post("/lupa-sandi", s.handle(s.forgotPassword))
	r.Get("/atur-ulang-sandi/{token}", s.handle(s.resetPasswordPage))
	r.Post("/atur-ulang-sandi/{token}", s.handle(s.resetPassword))

	signedIn := r.With(s.requireSignIn)
	signedIn.Get("/dasbor", s.dashboard)
	signedIn.Post("/keluar", s.handle(s.signOut))
	signedIn.Get("/akun/sandi", s.handle(s.changePasswordPage))
	signedIn.Post("/akun/sandi", s.handle(s.changePassword))
}
