package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"chainkb/bench/internal/plan"
	"chainkb/bench/internal/synth"
)

// sizeRun is everything measured at one dataset size.
type sizeRun struct {
	n          int
	d          *dataset
	deepPage   int // the page the cursor scenario reads (deepPageWanted, or the last page)
	checks     []check
	rows       []row
	peakKB     int64 // chainkb's peak RSS over all its scenarios
	basePeakKB int64 // the baseline's peak RSS over its life
}

// row is one scenario's figures at one size.
type row struct {
	name    string
	write   bool
	res     plan.Result
	cpu     usage
	base    *plan.Result // reads only
	baseCPU usage
	rssKB   int64 // chainkb's peak RSS during the scenario
	note    string
}

// usage is the CPU time spent during one load run (warm-up included), by whom.
type usage struct {
	server, loadgen, other time.Duration
	wall                   time.Duration
	requests               int // answered by the server: warm-up and measured
}

// perRequest is the server's CPU time per request. Unlike requests/s, it does not depend on how
// much CPU other processes left to the server, so it compares fairly across runs.
func (u usage) perRequest() time.Duration {
	if u.requests == 0 {
		return 0
	}
	return u.server / time.Duration(u.requests)
}

// otherCores is how many cores, on average, processes other than the server and the load
// generator kept busy during the run: noise that the figures do not show otherwise.
func (u usage) otherCores() float64 {
	if u.wall <= 0 {
		return 0
	}
	return u.other.Seconds() / u.wall.Seconds()
}

// measure runs the load generator on p against srv and accounts for the CPU time.
func measure(ctx context.Context, loadgen string, srv *server, p plan.Plan) (plan.Result, usage, error) {
	s0, m0, t0 := srv.cpuTime(), machineCPU(), time.Now()
	res, lg, err := runLoad(ctx, loadgen, p)
	u := usage{server: srv.cpuTime() - s0, loadgen: lg, wall: time.Since(t0), requests: res.Requests + res.WarmupRequests}
	u.other = max(machineCPU()-m0-u.server-u.loadgen, 0)
	return res, u, err
}

// runSize loads a dataset of n tactics in dir and runs every scenario on it.
func runSize(ctx context.Context, cfg config, sup *supervisor, bins binaries, dir string, n int) (*sizeRun, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	dbPath := filepath.Join(dir, "kb.db")
	pristine := filepath.Join(dir, "pristine.db")
	logf("N=%d: loading the dataset", n)
	d, err := buildDataset(ctx, dbPath, n, cfg.key)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	logf("N=%d: loaded in %.1fs, %s", n, d.loadTime.Seconds(), sizeNote(int(d.dbBytes)))
	if err := copyFile(pristine, dbPath); err != nil {
		return nil, err
	}
	r := &sizeRun{n: n, d: d}
	if err := r.reads(ctx, cfg, sup, bins, dir, dbPath); err != nil {
		return nil, err
	}
	for _, sc := range scenarios() {
		if !sc.write || !cfg.selected(sc.name) {
			continue
		}
		// Writes change the data; each starts from the loaded state, with a fresh server, so that
		// neither the data nor the memory of one write scenario leaks into the next.
		if err := restore(dbPath, pristine); err != nil {
			return nil, err
		}
		ck, err := sup.startServer(ctx, "chainkb", filepath.Join(dir, "chainkb-"+strconv.Itoa(len(r.rows))+".log"),
			bins.chainkb, chainkbArgs(dbPath)...)
		if err != nil {
			return nil, err
		}
		res, cpu, err := measure(ctx, bins.loadgen, ck, cfg.plan(sc.name, sc.requests(target{base: ck.base, d: d})))
		rss := ck.statusKB("VmHWM")
		ck.stop()
		if err != nil {
			return nil, err
		}
		r.add(row{name: sc.name, write: true, res: res, cpu: cpu, rssKB: rss, note: "fresh copy of the dataset"})
	}
	return r, nil
}

// reads checks that both servers answer alike, then runs each read scenario on chainkb and right
// after on the baseline, so that both see the same machine state.
func (r *sizeRun) reads(ctx context.Context, cfg config, sup *supervisor, bins binaries, dir, dbPath string) error {
	sizes, err := r.check(ctx, sup, bins, dir, dbPath)
	if err != nil {
		return err
	}
	// Fresh processes for the timed runs: the check fetched the largest table, whose memory would
	// otherwise count in every scenario's peak RSS.
	ck, bl, err := startPair(ctx, sup, bins, dir, dbPath, "reads")
	if err != nil {
		return err
	}
	defer ck.stop()
	defer bl.stop()
	ckDeep, _, err := walkPages(ctx, ck.base, listPath(r.d), deepPageWanted)
	if err != nil {
		return fmt.Errorf("chainkb cursor walk: %w", err)
	}
	blDeep, _, err := walkPages(ctx, bl.base, listPath(r.d), deepPageWanted)
	if err != nil {
		return fmt.Errorf("baseline cursor walk: %w", err)
	}
	for _, sc := range scenarios() {
		if sc.write || !cfg.selected(sc.name) {
			continue
		}
		if err := ck.resetPeak(); err != nil {
			logf("cannot reset chainkb's peak RSS, per-scenario RSS is the process peak: %v", err)
		}
		res, cpu, err := measure(ctx, bins.loadgen, ck, cfg.plan(sc.name, sc.requests(target{base: ck.base, d: r.d, deepPage: ckDeep})))
		if err != nil {
			return err
		}
		rss := ck.statusKB("VmHWM")
		if sc.chainkbOnly {
			r.add(row{name: sc.name, res: res, cpu: cpu, rssKB: rss, note: "chainkb only: the baseline has no such route"})
			continue
		}
		base, baseCPU, err := measure(ctx, bins.loadgen, bl, cfg.plan(sc.name+" (baseline)", sc.requests(target{base: bl.base, d: r.d, deepPage: blDeep, baseline: true})))
		if err != nil {
			return err
		}
		r.add(row{name: sc.name, res: res, cpu: cpu, base: &base, baseCPU: baseCPU, rssKB: rss, note: r.readNote(sc.name, sizes[sc.name])})
	}
	r.basePeakKB = bl.statusKB("VmHWM")
	return nil
}

// check compares chainkb's answers with the baseline's (see compareServers) and returns chainkb's
// body size for each read scenario.
func (r *sizeRun) check(ctx context.Context, sup *supervisor, bins binaries, dir, dbPath string) (map[string]int, error) {
	d := r.d
	ck, bl, err := startPair(ctx, sup, bins, dir, dbPath, "check")
	if err != nil {
		return nil, err
	}
	defer ck.stop()
	defer bl.stop()
	ckDeep, ckPage, err := walkPages(ctx, ck.base, listPath(d), deepPageWanted)
	if err != nil {
		return nil, fmt.Errorf("chainkb cursor walk: %w", err)
	}
	blDeep, blPage, err := walkPages(ctx, bl.base, listPath(d), deepPageWanted)
	if err != nil {
		return nil, fmt.Errorf("baseline cursor walk: %w", err)
	}
	r.deepPage = ckPage
	id := "/api/v1/tactics/" + strconv.Itoa((d.n+1)/2)
	checks, sizes := compareServers(ctx, ck, bl, []pair{
		{name: "get tactic by id", chainkb: id, baseline: id},
		{name: "list stage+horizon", chainkb: listPath(d), baseline: listPath(d)},
		{name: "list page 20 by cursor", chainkb: ckDeep, baseline: blDeep, chainkbPage: ckPage, basePage: blPage},
		{name: "list q", chainkb: qPath(), baseline: qPath()},
		{name: "chain table, small chain", chainkb: smallTablePath(d), baseline: smallTablePath(d)},
		{name: "chain table, largest chain", chainkb: tablePath(d), baseline: tablePath(d)},
	})
	r.checks = checks
	for _, c := range checks {
		if !c.ok {
			logf("N=%d: !!! JSON MISMATCH between chainkb and the baseline on %q: %s", r.n, c.name, c.detail)
		}
	}
	return sizes, nil
}

// chainkbArgs are chainkb's flags for a benchmark. The rate limits stay on, so that their cost is
// measured as in production, but so high that they never refuse: all the load comes from one
// address and one key, which the default limits (tens of requests per second) would cap.
func chainkbArgs(dbPath string) []string {
	const never = "1000000000"
	return []string{"-db", dbPath, "-seed=false",
		"-rate-anon", never, "-rate-anon-burst", never, "-rate-key", never, "-rate-key-burst", never}
}

// startPair starts chainkb and the baseline on the database at dbPath.
func startPair(ctx context.Context, sup *supervisor, bins binaries, dir, dbPath, phase string) (ck, bl *server, err error) {
	ck, err = sup.startServer(ctx, "chainkb", filepath.Join(dir, "chainkb-"+phase+".log"), bins.chainkb, chainkbArgs(dbPath)...)
	if err != nil {
		return nil, nil, err
	}
	bl, err = sup.startServer(ctx, "baseline", filepath.Join(dir, "baseline-"+phase+".log"), bins.baseline, "-db", dbPath)
	if err != nil {
		ck.stop()
		return nil, nil, err
	}
	return ck, bl, nil
}

// add records a row and logs it.
func (r *sizeRun) add(x row) {
	r.rows = append(r.rows, x)
	r.peakKB = max(r.peakKB, x.rssKB)
	msg := fmt.Sprintf("N=%d %-28s chainkb %8.1f req/s p50 %7.2f ms p99 %8.2f ms errors %d, %v CPU/req (loadgen %.2f, others %.2f cores)",
		r.n, x.name, x.res.RPS, x.res.P50, x.res.P99, x.res.Errors, x.cpu.perRequest(), x.cpu.loadgen.Seconds()/x.cpu.wall.Seconds(), x.cpu.otherCores())
	if x.base != nil {
		msg += fmt.Sprintf(" | baseline %8.1f req/s p50 %7.2f ms errors %d, %v CPU/req", x.base.RPS, x.base.P50, x.base.Errors, x.baseCPU.perRequest())
	}
	logf("%s", msg)
	if x.res.FirstError != "" {
		logf("  chainkb first error: %s", x.res.FirstError)
	}
	if x.base != nil && x.base.FirstError != "" {
		logf("  baseline first error: %s", x.base.FirstError)
	}
}

// readNote says what a read scenario's response was like.
func (r *sizeRun) readNote(name string, bodyBytes int) string {
	note := "body " + sizeNote(bodyBytes)
	switch name {
	case "list stage+horizon":
		note += fmt.Sprintf("; %d matching rows", r.d.focusShortTerm)
	case "list page 20 by cursor":
		if r.deepPage < deepPageWanted {
			note += fmt.Sprintf("; page %d, the last (the list has %d rows)", r.deepPage, r.d.focusShortTerm)
		} else {
			note += fmt.Sprintf("; page %d", r.deepPage)
		}
	case "list q":
		note += fmt.Sprintf("; %d titles match %q", r.d.qMatches, synth.QWord)
	case "search 2 words", "search 2 words, one very common":
		words := searchWords
		if name != "search 2 words" {
			words = commonWords
		}
		note = fmt.Sprintf("chainkb: GET %s (ranked, with snippets; %d matching tactics); baseline: the LIKE path, GET %s",
			searchPath(false, words), r.d.searchMatches[words], searchPath(true, words))
	case "search 2 words, a new query each time":
		note = fmt.Sprintf("chainkb: GET %s, {id} drawn for each request, so that no answer comes from the cache of search pages (%d matching tactics); baseline: the LIKE path, GET %s",
			newSearchPath(false, searchWords), r.d.searchMatches[searchWords], searchPath(true, searchWords))
	case "chain table, small chain":
		c := r.d.chains[len(r.d.chains)-1]
		note += fmt.Sprintf("; %d tactics in %s", c.tactics, c.slug)
	case "chain table, largest chain":
		note += fmt.Sprintf("; %d tactics in %s", r.d.chains[0].tactics, r.d.chains[0].slug)
	}
	return note
}

// restore puts the pristine database back at path, without the WAL of the previous run.
func restore(path, pristine string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return copyFile(path, pristine)
}
