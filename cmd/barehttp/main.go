// Command barehttp is the load test's baseline: a bare chi router serving one file's bytes as
// text/html through the app's own compression middleware (server.Compress), with no session,
// database or rendering. scripts/load.sh runs it beside the app.
//
//	barehttp ADDR FILE
package main

import (
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/server"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: barehttp ADDR FILE")
		os.Exit(2)
	}
	body, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r := chi.NewRouter()
	r.Use(server.Compress())
	r.HandleFunc("/*", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(body)
	})
	hs := &http.Server{Addr: os.Args[1], Handler: r, ReadHeaderTimeout: 10 * time.Second}
	if err := hs.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
