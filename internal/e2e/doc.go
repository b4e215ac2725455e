// Package e2e holds the browser tests: each user journey driven in a real Chromium (chromedp)
// against the real server and a real PostgreSQL database.
package e2e
