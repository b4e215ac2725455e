package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// slowHandler answers /slow only when release is closed, telling started when it begins.
func slowHandler(started chan<- struct{}, release <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
		_, _ = io.WriteString(w, "selesai")
	})
}

type result struct {
	status int
	body   string
	err    error
}

func get(url string) <-chan result {
	out := make(chan result, 1)
	go func() {
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
		res, err := c.Get(url)
		if err != nil {
			out <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		out <- result{status: res.StatusCode, body: string(b), err: err}
	}()
	return out
}

// On SIGTERM (ctx cancelled) the listener closes at once, so new connections are refused,
// while a request already running completes with 200; then serveHTTP returns nil.
func TestGracefulShutdownDrainsInFlightRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	started, release := make(chan struct{}, 1), make(chan struct{})
	var logs bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- serveHTTP(ctx, ln, slowHandler(started, release), 5*time.Second, slog.New(slog.NewTextHandler(&logs, nil)))
	}()

	inFlight := get("http://" + addr + "/slow")
	select {
	case <-started:
	case r := <-inFlight:
		t.Fatalf("request finished before it started: %+v", r)
	case <-time.After(5 * time.Second):
		t.Fatal("the slow request did not start")
	}
	cancel() // what SIGTERM does through signal.NotifyContext

	refused := false
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			refused = true
			break
		}
		c.Close()
	}
	if !refused {
		t.Fatal("new connections were still accepted 3 s after shutdown began")
	}
	select {
	case err := <-done:
		t.Fatalf("serveHTTP returned while a request was in flight: %v", err)
	case r := <-inFlight:
		t.Fatalf("the in-flight request ended early: %+v", r)
	default:
	}

	close(release)
	r := <-inFlight
	if r.err != nil || r.status != http.StatusOK || r.body != "selesai" {
		t.Fatalf("in-flight request after shutdown began: %+v", r)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serveHTTP: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serveHTTP did not return after the last request")
	}
	if !strings.Contains(logs.String(), "shutting down") || !strings.Contains(logs.String(), "stopped") {
		t.Errorf("logs: %s", logs.String())
	}
}

// A request that outlives the shutdown timeout is cut, and serveHTTP says the shutdown was
// not graceful instead of hanging.
func TestShutdownTimeoutCutsStuckRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}, 1), make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serveHTTP(ctx, ln, slowHandler(started, release), 200*time.Millisecond, slog.New(slog.DiscardHandler))
	}()
	inFlight := get("http://" + ln.Addr().String() + "/slow")
	<-started
	begin := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("serveHTTP: %v, want a deadline error", err)
		}
		if d := time.Since(begin); d > 2*time.Second {
			t.Errorf("shutdown took %v with a 200 ms timeout", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serveHTTP hung past its shutdown timeout")
	}
	if r := <-inFlight; r.err == nil {
		t.Errorf("the stuck request got an answer: %+v", r)
	}
}

// `make run` says where the server really listens: ADDR, not BASE_URL's default.
func TestListenURL(t *testing.T) {
	for in, want := range map[string]string{
		":8080":           "http://localhost:8080",
		"0.0.0.0:9000":    "http://localhost:9000",
		"[::]:9000":       "http://localhost:9000",
		"127.0.0.1:18080": "http://127.0.0.1:18080",
		"[::1]:8081":      "http://[::1]:8081",
		"app.local:80":    "http://app.local:80",
	} {
		if got := listenURL(in); got != want {
			t.Errorf("listenURL(%q) = %q, want %q", in, got, want)
		}
	}
}
