// Command penggerak runs the Penggerak web application.
//
//	penggerak [serve]   start the HTTP server (default)
//	penggerak migrate   apply database migrations and load region data
//	penggerak seed      migrate, then load demo data
//	penggerak seed --scale national [--seed N] [--teachers N] [--baseline=false]
//	                    also load the national data set (250,000 teachers and applications)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/account"
	"penggerak/internal/clinic"
	"penggerak/internal/config"
	"penggerak/internal/database"
	"penggerak/internal/demo"
	"penggerak/internal/jobs"
	"penggerak/internal/mail"
	"penggerak/internal/region"
	"penggerak/internal/server"
	"penggerak/internal/storage"
	"penggerak/web/i18n"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	slog.SetDefault(logger)
	cmd := "serve"
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	if err := run(cmd, logger); err != nil {
		logger.Error("exit", "command", cmd, "error", err.Error())
		os.Exit(1)
	}
}

func run(cmd string, logger *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := config.FromEnv()
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	db, err := database.OpenWith(ctx, cfg.DatabaseURL, database.Options{MaxConns: cfg.DatabaseMaxConns, AcquireTimeout: cfg.DatabaseAcquireTimeout})
	if err != nil {
		return err
	}
	defer db.Close()
	switch cmd {
	case "migrate":
		return migrate(ctx, cfg, db)
	case "seed":
		if err := migrate(ctx, cfg, db); err != nil {
			return err
		}
		demo.BaseURL = cfg.BaseURL // the links in the demo's mails
		if err := demo.Seed(ctx, db, account.DefaultParams); err != nil {
			return err
		}
		if err := demo.SeedSelection(ctx, db); err != nil {
			return err
		}
		if err := demo.SeedTraining(ctx, db); err != nil { // training (issue 10)
			return err
		}
		if err := seedScale(ctx, db, os.Args[2:]); err != nil {
			return err
		}
		logger.Info("demo data loaded")
		fmt.Fprintf(os.Stderr, "\nPenggerak will be at %s\nDemo logins (password %q):\n", listenURL(cfg.Addr), demo.Password)
		for _, l := range demo.Logins {
			fmt.Fprintf(os.Stderr, "  %-34s %s\n", l.Email, l.Name)
		}
		fmt.Fprintln(os.Stderr)
		return nil
	case "serve":
		return serve(ctx, cfg, db, logger)
	default:
		return fmt.Errorf("unknown command %q (serve, migrate, seed)", cmd)
	}
}

// seedScale loads the national data set when asked with --scale national.
func seedScale(ctx context.Context, db *pgxpool.Pool, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	scale := fs.String("scale", "demo", "demo: the small demo only; national: also 250,000 teachers with applications")
	seed := fs.Uint64("seed", 1, "random seed of the national data (same seed, same rows)")
	teachers := fs.Int("teachers", 250_000, "number of national teachers (one application each)")
	baseline := fs.Bool("baseline", true, "also time a raw COPY of the same rows per table, for comparison")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *scale {
	case "demo":
		return nil
	case "national":
	default:
		return fmt.Errorf("--scale %q: demo or national", *scale)
	}
	rep, err := demo.SeedNational(ctx, db, demo.NationalOptions{Seed: *seed, Teachers: *teachers, Baseline: *baseline, Out: os.Stderr})
	if err != nil {
		return fmt.Errorf("national data: %w", err)
	}
	if rep.AlreadyLoaded {
		fmt.Fprintln(os.Stderr, "national data already loaded (cohort Angkatan 20 exists); nothing done")
	} else {
		fmt.Fprintf(os.Stderr, "national teachers sign in as %s … %s (password %q)\n", demo.NationalEmail(1), demo.NationalEmail(*teachers), demo.Password)
	}
	return nil
}

func migrate(ctx context.Context, cfg config.Config, db *pgxpool.Pool) error {
	if err := database.Migrate(ctx, cfg.DatabaseURL, db); err != nil {
		return err
	}
	return region.Load(ctx, db)
}

func serve(ctx context.Context, cfg config.Config, db *pgxpool.Pool, logger *slog.Logger) error {
	files, err := storage.FromConfig(ctx, cfg.Storage, cfg.UploadDir, storage.S3Config{Endpoint: cfg.S3.Endpoint, Bucket: cfg.S3.Bucket,
		Region: cfg.S3.Region, AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey, Prefix: cfg.S3.Prefix, PathStyle: cfg.S3.PathStyle})
	if err != nil {
		return err
	}
	srv := server.New(cfg, server.Deps{DB: db, Logger: logger, Files: files})
	defer srv.Close()
	deliverer := &mail.Deliverer{DB: db, Log: logger}
	if cfg.SMTPURL != "" {
		smtp, err := mail.NewSMTP(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return err
		}
		deliverer.Sender = smtp
	}
	worker, err := jobs.New(db, logger, deliverer, jobs.WithBaseURL(cfg.BaseURL),
		jobs.WithLetter(server.NewLetter(i18n.MustLoad(), cfg.BaseURL)), jobs.WithLabels(server.NewLabels(i18n.MustLoad())), jobs.WithFiles(files),
		jobs.WithClinicReminders(clinic.NewStore(db, clinic.NewSigner(cfg.SecretKey), cfg.BaseURL).
			WithCatalogue(server.NewCatalogue(i18n.MustLoad())), cfg.ClinicReminder))
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if err := worker.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	defer func() {
		// Let running jobs finish (a mail batch being sent), within the shutdown timeout.
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := worker.Stop(sctx); err != nil {
			logger.Warn("stopping jobs", "error", err.Error())
		}
	}()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	logger.Info("listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "env", cfg.Env)
	fmt.Fprintf(os.Stderr, "Penggerak is listening at %s\n", listenURL(ln.Addr().String()))
	if cfg.MetricsAddr != "" && cfg.MetricsAddr != "off" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("METRICS_ADDR: %w", err)
		}
		logger.Info("metrics listening", "addr", mln.Addr().String())
		go func() {
			if err := serveHTTP(ctx, mln, srv.MetricsHandler(), cfg.ShutdownTimeout, logger); err != nil {
				logger.Warn("metrics server", "error", err.Error())
			}
		}()
	}
	return serveHTTP(ctx, ln, srv, cfg.ShutdownTimeout, logger)
}

// listenURL is the address a person opens in a browser for a listen address: an empty or
// wildcard host ("", 0.0.0.0, ::) is this machine, localhost.
func listenURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// serveHTTP serves h on ln until ctx is cancelled (SIGTERM or SIGINT), then shuts down
// gracefully: the listener closes at once, so new connections are refused, and in-flight
// requests may finish within timeout. Past the timeout the remaining connections are closed
// and the error says so.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, timeout time.Duration, logger *slog.Logger) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests", "timeout", timeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}
