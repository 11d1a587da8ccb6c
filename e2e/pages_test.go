package e2e

import (
	"chainkb/api"
	sitepages "chainkb/internal/pages"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestPages opens every kind of page for people (home, chain table, evidence map, tactic, sources,
// countries, a country, 404: every page route of the route table, which it checks) in
// headless Chromium at a desktop and a phone width, checks what a reader should find there, keeps
// a screenshot of each, and runs axe-core on each (WCAG 2.0-2.2 A and AA, and axe's best
// practices), failing on any violation. axe-core comes from npm, pinned in e2e/axe/package.json;
// .ci/run installs it and names its axe.min.js in $CHAINKB_AXE. Without $CHAINKB_AXE the axe check
// is skipped (and said so); with it, a missing file is a failure.
func TestPages(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no Chromium at %s, so the pages are not tried in a browser (apt-get install chromium; .ci/run does)", chromiumPath)
	}
	var axe []byte
	if path := os.Getenv("CHAINKB_AXE"); path != "" {
		var err error
		if axe, err = os.ReadFile(path); err != nil {
			t.Fatalf("CHAINKB_AXE: %v (run npm ci in e2e/axe)", err)
		}
	} else {
		t.Log("CHAINKB_AXE is not set: the pages are not checked with axe-core (.ci/run sets it)")
	}
	s := newServer(t)
	artifacts := os.Getenv("CHAINKB_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	defer cancelCtx()
	ctx, cancel := context.WithTimeout(ctx, 7*time.Minute) // nine pages at three widths, with axe, on a shared two-core machine
	defer cancel()

	type check struct {
		sel, text string // an element, and text it must hold
	}
	type page struct {
		name, path string
		checks     []check
		detail     string // an element to keep a picture of, besides the page
	}
	pages := []page{
		{"home", "/", []check{{"h1", "business chains"}, {"main", "Sex trafficking"}, {"main", "API documentation"}}, ""},
		{"chain", "/chains/sex-trafficking", []check{{"h1", "Sex trafficking"}, {"table.chain caption", "each link"},
			{"tbody tr:first-child th", "Victim or survivor (Kara: product)"}, {"main", "Evidence:"}, {"nav.filters", "Horizon"}}, "tbody tr:first-child"},
		{"chain-filtered", "/chains/sex-trafficking?horizon=short-term&evidence=descriptive", []check{{"p.status", "Showing"},
			{".filter a[aria-current]", "Short term"}}, "tbody tr:nth-child(2)"},
		{"chain-economics", "/chains/sex-trafficking", []check{{"#stage-retailer .econ", "Profit per victim-year (π):"},
			{"#stage-retailer .econ", "Penalty each conviction would need for D = 1:"}, {"#stage-retailer .econ", "unknown, not zero"},
			{"tbody tr:first-child .econ", "Deterrence does not apply to victims"}}, "#stage-retailer th"},
		{"tactic", "/tactics/ST-C-C03", []check{{"h1", "Criminalising the purchase of sex"}, {"main", "Evidence"},
			{"#positions", "Positions"}, {"main", "Against"}, {"main", "Related tactics"}, {"main", "This tactic as JSON"}},
			"section[aria-labelledby=positions]"},
		{"sources", "/sources", []check{{"h1", "Sources"}, {"main", "Cited by"}}, "ol.bib > li:first-child"},
		{"evidence-map", "/chains/sex-trafficking/evidence", []check{{"h1", "Evidence gap map"}, {"table.evidence-map caption", "by link and level of evidence"}, {"aside.cite", "Cite this"}}, ""},
		{"countries", "/countries?chain=sex-trafficking", []check{{"h1", "Countries"}, {"table.countries caption", "heaviest statutory penalty"},
			{"main", "India"}}, "svg.statute-plot"},
		{"country", "/countries/IN", []check{{"h1", "India"}, {"main", "kara-2009-india"}, {"main", "today's figures"}}, ".risk-columns"},
		{"not-found", "/tactics/NO-SUCH-1", []check{{"h1", "Page not found"}}, ""},
	}
	// Every page of the route table is opened above: a page added to it without a place here
	// fails, rather than going unchecked by axe. (The stylesheet is checked on every page; the
	// icon is no page.)
	param := regexp.MustCompile(`:[^/]+`)
	for key, r := range api.Routes() {
		method, path, _ := strings.Cut(key, " ")
		if !r.Page || method != "GET" || path == sitepages.StylesheetPath || path == sitepages.FaviconPath {
			continue
		}
		route := regexp.MustCompile("^" + param.ReplaceAllString(regexp.QuoteMeta(path), `[^/]+`) + "$")
		if !slices.ContainsFunc(pages, func(pg page) bool { return route.MatchString(strings.SplitN(pg.path, "?", 2)[0]) }) {
			t.Errorf("the page route %s is not opened by TestPages: add a page of it to the list", path)
		}
	}
	widths := []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}, {"reflow-320", 320, 640, true}}

	for _, w := range widths {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, w.height, func(p *emulation.SetDeviceMetricsOverrideParams, _ *emulation.SetTouchEmulationEnabledParams) {
			p.Mobile = w.mobile
		})); err != nil {
			t.Fatal(err)
		}
		for _, pg := range pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+pg.path), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
				t.Fatalf("%s at %s: %v", pg.path, w.name, err)
			}
			for _, c := range pg.checks {
				got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(c.sel)))
				if err != nil {
					t.Errorf("%s at %s: %s: %v", pg.path, w.name, c.sel, err)
				} else if !strings.Contains(got, c.text) {
					t.Errorf("%s at %s: %s holds %.200q, want %q in it", pg.path, w.name, c.sel, got, c.text)
				}
			}
			// Nothing sticks out sideways, down to 320 CSS pixels (the page reflows; WCAG 1.4.10).
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.documentElement.scrollWidth > %d`, w.width)))
			if err != nil {
				t.Fatal(err)
			} else if wide {
				culprits, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll("main *")]
					.filter(e => e.getBoundingClientRect().right > %d && e.children.length === 0).slice(0, 3)
					.map(e => e.tagName + ": " + e.textContent.slice(0, 60))`, w.width)))
				t.Errorf("%s at %s: the page is wider than the window: %q", pg.path, w.name, culprits)
			}
			// On a phone the table's caption spans the table's width; a table caption left inside
			// the block table shrinks to its longest word, one or two words a line.
			if pg.name == "chain" && w.mobile {
				ratio, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("table.chain caption").getBoundingClientRect().width /
					document.querySelector("table.chain").getBoundingClientRect().width`))
				if err != nil || ratio < 0.9 {
					t.Errorf("%s at %s: the caption is %.0f%% of the table's width, want all of it (%v)", pg.path, w.name, 100*ratio, err)
				}
			}
			// The whole page, and what a reader sees first.
			for _, shot := range []struct {
				file   string
				action chromedp.Action[[]byte]
			}{{"page-%s-%s.png", chromedp.FullScreenshot(100)}, {"page-%s-%s-top.png", chromedp.CaptureScreenshot()},
				{"page-%s-%s-detail.png", chromedp.Screenshot(chromedp.CSS(pg.detail))}} {
				if shot.file == "page-%s-%s-detail.png" && pg.detail == "" {
					continue
				}
				// Chrome cannot capture a page taller than its largest texture (the bibliography
				// at phone width is): the top and the detail are kept; the page is still checked.
				if shot.file == "page-%s-%s.png" {
					if h, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollHeight`)); err == nil && h > maxScreenshotHeight {
						t.Logf("%s at %s: %d px tall, over %d: no full-page screenshot", pg.path, w.name, h, maxScreenshotHeight)
						continue
					}
				}
				img, err := chromedp.Run(ctx, shot.action)
				if err != nil {
					t.Errorf("screenshot %s at %s: %v", pg.path, w.name, err)
					continue
				}
				path := filepath.Join(artifacts, fmt.Sprintf(shot.file, pg.name, w.name))
				if err := os.WriteFile(path, img, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("screenshot: %s", path)
			}
			if axe != nil {
				axeCheck(t, ctx, axe, pg.path+" at "+w.name)
			}
			// The stylesheet applied under the page's content security policy; the first Tab
			// reaches the skip link, with its focus visible, and Enter on it moves into main.
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".skip")).position === "absolute"`))
			if err != nil || !ok {
				t.Errorf("%s at %s: the stylesheet did not apply (%v)", pg.path, w.name, err)
			}
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
			focus, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(e => e.className + "|" + getComputedStyle(e).outlineStyle + "|" + getComputedStyle(e).outlineWidth)(document.activeElement)`))
			if err != nil || focus != "skip|solid|3px" {
				t.Errorf("%s at %s: after one Tab, focus is on %q (class|outline style|width), want the skip link with a 3px outline (%v)", pg.path, w.name, focus, err)
			}
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
				t.Fatal(err)
			}
			if id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || id != "main" {
				t.Errorf("%s at %s: the skip link leads focus to %q, want main (%v)", pg.path, w.name, id, err)
			}
		}
	}

	// Printed, the chain's table fits the width of A4 landscape inside its 10 mm margins (277 mm,
	// 1047 CSS pixels), without the navigation and the filters.
	a4 := int64(1047)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(a4, 740), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}),
		chromedp.Navigate(s.URL+"/chains/sex-trafficking"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[document.querySelector("table.chain").scrollWidth,
		getComputedStyle(document.querySelector("nav.filters")).display, getComputedStyle(document.querySelector("header.site")).display].join("|")`))
	if err != nil {
		t.Fatal(err)
	}
	var width int64
	var filtersDisplay, headerDisplay string
	if _, err := fmt.Sscanf(strings.ReplaceAll(state, "|", " "), "%d %s %s", &width, &filtersDisplay, &headerDisplay); err != nil || width > a4 || filtersDisplay != "none" || headerDisplay != "none" {
		t.Errorf("printed chain page: table width|filters display|header display = %s; want the table within %d px and no filters or header", state, a4)
	}
	// Printed from a narrow window, the table is still a table (the phone layout is for screens):
	// as blocks it took ten pages.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}), chromedp.Navigate(s.URL+"/chains/sex-trafficking"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	if d, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("table.chain tbody tr")).display`)); err != nil || d != "table-row" {
		t.Errorf("printed from a 390 px window, the chain table's rows are display %q, want table-row (%v)", d, err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(a4, 740), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}), chromedp.Navigate(s.URL+"/chains/sex-trafficking"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifacts, "page-chain-print.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// maxScreenshotHeight is the tallest page, in CSS pixels, that Chrome captures whole (its largest
// texture is 16,384 device pixels).
const maxScreenshotHeight = 16000

// axeCheck runs axe-core on the page in ctx and fails the test for each violation.
func axeCheck(t *testing.T, ctx context.Context, axe []byte, page string) {
	t.Helper()
	// DevTools evaluation is not subject to the page's content security policy, so axe runs on the
	// page as it is served.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](string(axe)+";0")); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	result, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag",
		values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	var violations []struct {
		ID, Impact, Help string
		Nodes            []struct{ Target []any }
	}
	if err := json.Unmarshal([]byte(result), &violations); err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		var targets []string
		for i, n := range v.Nodes {
			if i == 5 {
				targets = append(targets, "...")
				break
			}
			targets = append(targets, fmt.Sprint(n.Target...))
		}
		t.Errorf("axe on %s: %s (%s): %s, at %d places: %s", page, v.ID, v.Impact, v.Help, len(v.Nodes), strings.Join(targets, ", "))
	}
	t.Logf("axe on %s: %d violations", page, len(violations))
}
