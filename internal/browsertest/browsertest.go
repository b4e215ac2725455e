// Package browsertest drives a real Chromium through chromedp for the user-journey tests.
//
// Chromium is found through CHROME_PATH or on PATH (Debian's package `chromium`). When it is
// missing, a test fails on CI (CI=true) and skips with the reason on a developer machine.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium with one tab, closed when the test ends.
type Browser struct {
	T   testing.TB
	Ctx context.Context
	// close ends a tab opened with NewTab.
	close context.CancelFunc
}

// Option changes how the browser starts.
type Option func(*settings)

type settings struct {
	phone         bool
	noJS          bool
	width, height int64
}

// Size sets the window's viewport to width × height CSS pixels (a desktop screen, or a 320 px
// phone held upright).
func Size(width, height int64) Option {
	return func(s *settings) { s.width, s.height = width, height }
}

// Phone emulates a 390 × 844 phone screen with touch.
func Phone() Option { return func(s *settings) { s.phone = true } }

// NoJavaScript turns script execution off, to prove a flow works without it.
func NoJavaScript() Option { return func(s *settings) { s.noJS = true } }

// ChromiumPath returns the Chromium executable, or "" when there is none.
func ChromiumPath() string {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts Chromium for the test.
func New(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	var st settings
	for _, o := range opts {
		o(&st)
	}
	path := ChromiumPath()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("browsertest: Chromium is required on CI and was not found (apt-get install -y chromium)")
		}
		t.Skip("browsertest: skipping browser test: Chromium not found (apt-get install -y chromium, or set CHROME_PATH)")
	}
	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	b := &Browser{T: t, Ctx: ctx}
	var setup []chromedp.Action[chromedp.Void]
	if st.phone {
		setup = append(setup, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	}
	if st.width > 0 {
		setup = append(setup, chromedp.EmulateViewport(st.width, st.height))
	}
	if st.noJS {
		setup = append(setup, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return chromedp.Void{}, err
		})
	}
	if len(setup) > 0 {
		b.do("setup", setup...)
	}
	return b
}

func (b *Browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.T.Helper()
	if err := chromedp.Do(b.Ctx, steps...); err != nil {
		b.T.Fatalf("browser: %s: %v\nat %s\n%s", what, err, b.location(), b.snippet())
	}
}

func (b *Browser) location() string {
	ctx, cancel := context.WithTimeout(b.Ctx, 2*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

func (b *Browser) snippet() string {
	ctx, cancel := context.WithTimeout(b.Ctx, 2*time.Second)
	defer cancel()
	txt, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(txt) > 1500 {
		txt = txt[:1500] + "…"
	}
	return txt
}

// Visit opens url and waits for the page's body.
func (b *Browser) Visit(url string) {
	b.T.Helper()
	b.do("visit "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// Fill replaces the value of the field matching the CSS selector by typing value.
func (b *Browser) Fill(sel, value string) {
	b.T.Helper()
	b.do("fill "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Clear(chromedp.CSS(sel)),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

// Select chooses the option with value in the select matching sel.
func (b *Browser) Select(sel, value string) {
	b.T.Helper()
	b.do("select "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), value))
}

// Click clicks the element matching sel. When the element is a link or a form's submit button,
// it waits until the next page has loaded (a new document), so a test never races ahead of a
// POST that is still in flight on a slow machine.
func (b *Browser) Click(sel string) {
	b.T.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	navigates := b.Eval(`(function(){var e=document.querySelector(`+strconv.Quote(sel)+`);if(!e)return "";`+
		`if(e.tagName==="A"){var h=e.getAttribute("href")||"";return h&&h.charAt(0)!=="#"?"y":"";}`+
		`if((e.tagName==="BUTTON"&&(e.getAttribute("type")||"submit")==="submit")||(e.tagName==="INPUT"&&e.type==="submit"))return e.form?"y":"";`+
		`return "";})()`) == "y"
	if navigates {
		b.Eval(`(window.__browsertestPage = "old")`)
	}
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	if navigates {
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			ctx, cancel := context.WithTimeout(b.Ctx, 2*time.Second)
			v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" && window.__browsertestPage === undefined ? "new" : "old"`))
			cancel()
			if err == nil && v == "new" {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	} else {
		b.do("after click "+sel, chromedp.Sleep(150*time.Millisecond))
	}
	b.do("page after click "+sel, chromedp.WaitReady(chromedp.CSS("body")))
}

// Upload sets a file input to the given local file.
func (b *Browser) Upload(sel, file string) {
	b.T.Helper()
	abs, _ := filepath.Abs(file)
	b.do("upload "+sel, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{abs}, chromedp.NodeReady))
}

// WaitFor waits until an element matching sel is visible.
func (b *Browser) WaitFor(sel string) {
	b.T.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// Text returns the visible text of the page.
func (b *Browser) Text() string {
	b.T.Helper()
	txt, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		b.T.Fatalf("browser: read text: %v", err)
	}
	return txt
}

// TextOf returns the visible text of the first element matching sel.
func (b *Browser) TextOf(sel string) string {
	b.T.Helper()
	txt, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.T.Fatalf("browser: text of %s: %v\nat %s", sel, err, b.location())
	}
	return txt
}

// ValueOf returns the current value of the form field matching sel.
func (b *Browser) ValueOf(sel string) string {
	b.T.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.T.Fatalf("browser: value of %s: %v", sel, err)
	}
	return v
}

// Location returns the current URL.
func (b *Browser) Location() string { return b.location() }

// Eval runs a JavaScript expression and returns its string result.
func (b *Browser) Eval(expr string) string {
	b.T.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.T.Fatalf("browser: eval: %v", err)
	}
	return v
}

// MustSee fails the test unless the page shows every text given.
func (b *Browser) MustSee(texts ...string) {
	b.T.Helper()
	page := b.Text()
	for _, s := range texts {
		if !strings.Contains(page, s) {
			b.T.Fatalf("browser: the page at %s does not show %q; it shows:\n%s", b.location(), s, clip(page))
		}
	}
}

// MustNotSee fails the test if the page shows any text given.
func (b *Browser) MustNotSee(texts ...string) {
	b.T.Helper()
	page := b.Text()
	for _, s := range texts {
		if strings.Contains(page, s) {
			b.T.Fatalf("browser: the page at %s shows %q", b.location(), s)
		}
	}
}

// Screenshot saves a PNG of the page into $SCREENSHOT_DIR (when set; created when missing) and
// returns its path, or "" when no screenshot was saved (the reason is logged).
func (b *Browser) Screenshot(name string) string {
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		return ""
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.T.Logf("screenshot %s: %v", name, err)
		return ""
	}
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.T.Logf("screenshot %s: %v", name, err)
		return ""
	}
	p := filepath.Join(dir, fmt.Sprintf("%s.png", name))
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.T.Logf("screenshot %s: %v", name, err)
		return ""
	}
	return p
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// NewTab opens another tab of the same browser (same profile: cookies and localStorage are
// shared), with the same settings as a fresh tab. Close it with Close.
func (b *Browser) NewTab() *Browser {
	b.T.Helper()
	ctx, cancel := chromedp.NewContext(b.Ctx)
	tab := &Browser{T: b.T, Ctx: ctx, close: cancel}
	tab.do("open a tab", chromedp.Navigate("about:blank"))
	b.T.Cleanup(cancel)
	return tab
}

// Close closes a tab opened with NewTab (as a person closes it: pending requests are dropped).
func (b *Browser) Close() {
	if b.close != nil {
		if err := chromedp.Cancel(b.Ctx); err != nil {
			b.T.Logf("browser: close tab: %v", err)
		}
		b.close()
	}
}

// SetOffline cuts this tab's connection (every request fails, navigator.onLine is false and
// the page gets an "offline" event) or restores it.
func (b *Browser) SetOffline(off bool) {
	b.T.Helper()
	b.do("network offline="+strconv.FormatBool(off), func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		conds := []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}}
		if _, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conds}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1})
		return chromedp.Void{}, err
	})
}
