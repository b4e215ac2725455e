// Package web holds what the browser receives: templ layouts, components and pages, the static
// files (served under content-hashed names so they can be cached for a year), and the message
// catalogues.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

var (
	hashed  = map[string]string{} // "app.css" -> "app.1a2b3c4d.css"
	reverse = map[string]string{} // "app.1a2b3c4d.css" -> "app.css"
	gzipped = map[string][]byte{} // "app.css" -> its gzip, for text files
)

func init() {
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		hashed[name] = h
		reverse[h] = name
		if ext == ".css" || ext == ".js" || ext == ".svg" {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(b)
			_ = zw.Close()
			gzipped[name] = buf.Bytes()
		}
		return nil
	})
}

// Asset returns the URL of a static file, with its content hash in the name.
func Asset(name string) string {
	if h, ok := hashed[name]; ok {
		return "/static/" + h
	}
	return "/static/" + name
}

// StaticHandler serves the static files; hashed names are cached for a year.
func StaticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if orig, ok := reverse[name]; ok {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			// Text files were compressed once at start; serve those bytes as they are.
			if gz, ok := gzipped[orig]; ok && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				h := w.Header()
				h.Set("Content-Encoding", "gzip")
				h.Set("Vary", "Accept-Encoding")
				h.Set("Content-Type", mime.TypeByExtension(path.Ext(orig)))
				h.Set("Content-Length", strconv.Itoa(len(gz)))
				_, _ = w.Write(gz)
				return
			}
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/" + orig
			files.ServeHTTP(w, r2)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Header().Set("Last-Modified", time.Time{}.UTC().Format(http.TimeFormat))
		files.ServeHTTP(w, r)
	}))
}
