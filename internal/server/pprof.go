package server

import (
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
)

// pprofHandler serves the Go runtime's profiles (CPU, heap, goroutines …) under /debug/pprof/
// on the metrics address, to clients on this machine only: a profile or a heap dump can hold
// personal data and secrets, so even a metrics address opened to a Prometheus server on the
// network answers 404 to anyone else. scripts/load.sh takes a CPU profile of the server under
// load with it.
func pprofHandler(w http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		http.NotFound(w, r)
		return
	}
	switch name := strings.TrimPrefix(r.URL.Path, "/debug/pprof/"); name {
	case "":
		pprof.Index(w, r)
	case "cmdline":
		pprof.Cmdline(w, r)
	case "profile":
		pprof.Profile(w, r)
	case "symbol":
		pprof.Symbol(w, r)
	case "trace":
		pprof.Trace(w, r)
	default:
		pprof.Handler(name).ServeHTTP(w, r)
	}
}
