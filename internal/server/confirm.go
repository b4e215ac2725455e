package server

import "net/http"

// confirmed reports whether the POSTed form carries the ticked confirmation of an irreversible
// action (components.ConfirmBox: confirm=yes). Checked on the server, so it holds without
// JavaScript; a form without it is shown again with a message and nothing is done.
func confirmed(r *http.Request) bool { return r.PostFormValue("confirm") == "yes" }
