package browsertest_test

import (
	"os"
	"path/filepath"
	"testing"

	"penggerak/internal/browsertest"
)

// Screenshot creates $SCREENSHOT_DIR when it does not exist yet instead of losing the picture.
func TestScreenshotCreatesTheDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shots", "nested")
	t.Setenv("SCREENSHOT_DIR", dir)
	b := browsertest.New(t, browsertest.Phone())
	b.Visit("about:blank")
	p := b.Screenshot("blank")
	if p != filepath.Join(dir, "blank.png") {
		t.Fatalf("Screenshot returned %q", p)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Size() == 0 {
		t.Fatalf("no screenshot at %s: %v", p, err)
	}
}
