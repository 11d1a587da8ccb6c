// Command bench measures chainkb's read and write paths against a minimal net/http + database/sql
// server on the same SQLite file, which is the ceiling for this stack.
//
// For each dataset size it loads a synthetic knowledge base with chainkb's own schema, starts
// chainkb and the baseline as subprocesses, checks that they answer the same JSON, and drives
// each scenario with the load generator (bench/loadgen, vegeta) in a separate process. It prints
// a Markdown report and writes it to -out. See bench/README.md.
//
// It is a module of its own (chainkb/bench), so that its load generator's dependencies stay out of
// the service's go.mod; run it from bench/:
//
//	go run -tags sqlite_fts5 .  # N = 1,000, 10,000, 100,000; 10 s per scenario; 32 connections
//	go run -tags sqlite_fts5 . -smoke # N = 200, 1 s, 4 connections: seconds, for CI
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"chainkb/bench/internal/plan"
	"chainkb/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// config is what the flags ask for.
type config struct {
	sizes       []int
	duration    time.Duration
	warmup      time.Duration
	connections int
	timeout     time.Duration
	out         string
	key         string
	smoke       bool
	keep        bool
	command     string   // the command line, for the report
	only        []string // scenario name fragments to run; all when empty
}

// selected reports whether the scenario called name is to run.
func (c config) selected(name string) bool {
	if len(c.only) == 0 {
		return true
	}
	for _, w := range c.only {
		if strings.Contains(name, strings.TrimSpace(w)) {
			return true
		}
	}
	return false
}

func parseConfig(args []string) (config, error) {
	c := config{command: strings.Join(append([]string{"cd bench && go run -tags sqlite_fts5 ."}, args...), " ")}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	sizes := fs.String("n", "1000,10000,100000", "dataset sizes (tactics), comma-separated")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "measured time per scenario")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "warm-up per scenario, not measured")
	fs.IntVar(&c.connections, "c", 32, "connections, each with one request in flight")
	fs.DurationVar(&c.timeout, "timeout", 120*time.Second, "per-request timeout (the chain table at 100,000 tactics is tens of MB)")
	fs.StringVar(&c.out, "out", "results.md", "file to write the Markdown report to")
	fs.StringVar(&c.key, "key", os.Getenv("CHAINKB_BENCH_KEY"), "editor API key for the writes (env CHAINKB_BENCH_KEY); registered in each fresh database; generated if empty")
	fs.BoolVar(&c.smoke, "smoke", false, "quick run for CI: N=200, 1s per scenario, 4 connections; fails on any error")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary directory (databases, server logs)")
	only := fs.String("only", "", "run only the scenarios whose names contain one of these comma-separated words (e.g. \"by id,table\")")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *only != "" {
		c.only = strings.Split(*only, ",")
	}
	if c.smoke {
		*sizes = "200"
		c.duration, c.warmup, c.connections = time.Second, 200*time.Millisecond, 4
	}
	for s := range strings.SplitSeq(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return c, fmt.Errorf("-n: %q is not a positive whole number", s)
		}
		c.sizes = append(c.sizes, n)
	}
	if c.key == "" {
		// Every dataset is a fresh database, so the key is registered there (see buildDataset);
		// it only has to be a well-formed chainkb key.
		k, err := store.GenerateKey()
		if err != nil {
			return c, err
		}
		c.key = k
	}
	if c.connections < 1 || c.duration <= 0 || c.warmup < 0 || c.timeout <= 0 {
		return c, errors.New("-c, -duration and -timeout must be positive, -warmup not negative")
	}
	return c, nil
}

// plan returns the load generator's plan for one scenario.
func (c config) plan(name string, reqs []plan.Request) plan.Plan {
	return plan.Plan{Name: name, Connections: c.connections, Warmup: c.warmup, Duration: c.duration,
		Timeout: c.timeout, Requests: reqs, WriteHeaders: map[string]string{"Authorization": "Bearer " + c.key}}
}

// run is the whole benchmark; it returns the exit code. Everything it starts is stopped and its
// temporary directory removed before it returns.
func run(ctx context.Context, args []string) int {
	cfg, err := parseConfig(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	if err := bench(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	return 0
}

func bench(ctx context.Context, cfg config) error {
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "chainkb-bench-")
	if err != nil {
		return err
	}
	if cfg.keep {
		logf("keeping %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	sup := &supervisor{}
	defer sup.stopAll()

	bins, err := build(ctx, root, filepath.Join(tmp, "bin"))
	if err != nil {
		return err
	}
	machine := describeMachine(ctx)
	var runs []*sizeRun
	for _, n := range cfg.sizes {
		r, err := runSize(ctx, cfg, sup, bins, filepath.Join(tmp, fmt.Sprintf("n%d", n)), n)
		if err != nil {
			return fmt.Errorf("N=%d: %w", n, err)
		}
		runs = append(runs, r)
	}

	report := renderReport(cfg, machine, runs)
	fmt.Print(report)
	if err := os.WriteFile(cfg.out, []byte(report), 0o644); err != nil {
		return err
	}
	logf("report written to %s", cfg.out)
	return verdict(cfg, runs)
}

// verdict fails the run if the baseline did not answer what chainkb answers (its figures would
// then not be a ceiling for the same work), and, in a smoke run, if any request failed.
func verdict(cfg config, runs []*sizeRun) error {
	var problems []string
	for _, r := range runs {
		for _, c := range r.checks {
			if !c.ok {
				problems = append(problems, fmt.Sprintf("N=%d: JSON check %q failed: %s", r.n, c.name, c.detail))
			}
		}
		if !cfg.smoke {
			continue
		}
		for _, row := range r.rows {
			for who, res := range map[string]*plan.Result{"chainkb": &row.res, "baseline": row.base} {
				if res != nil && (res.Errors > 0 || res.Requests == 0) {
					problems = append(problems, fmt.Sprintf("N=%d: %s on %s: %d errors in %d requests %s",
						r.n, row.name, who, res.Errors, res.Requests, res.FirstError))
				}
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New("FAILED:\n  " + strings.Join(problems, "\n  "))
}

// moduleRoot is the chainkb module's directory, where the server is built from: the parent of
// this module's (chainkb/bench).
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Path}} {{.Dir}}").Output()
	path, dir, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	if err != nil || path != "chainkb/bench" {
		return "", fmt.Errorf("run from inside the chainkb/bench module, in bench/ (go list -m: %q, %v)", out, err)
	}
	return filepath.Dir(dir), nil
}

// binaries are the programs the benchmark runs.
type binaries struct{ chainkb, baseline, loadgen string }

// build compiles chainkb exactly as it ships (go build of the module root), then the baseline and
// the load generator in this module (the build cache shares the work).
func build(ctx context.Context, root, dir string) (binaries, error) {
	logf("building chainkb, baseline and loadgen")
	for _, b := range []struct{ dir, pkgs string }{{root, "."}, {filepath.Join(root, "bench"), "./baseline ./loadgen"}} {
		cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-tags", "sqlite_fts5", "-o", dir + string(filepath.Separator)}, strings.Fields(b.pkgs)...)...)
		cmd.Dir = b.dir
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return binaries{}, fmt.Errorf("go build: %w", err)
		}
	}
	// chainkb runs from a copy of what the linker wrote, as a deployed binary does (an image's COPY,
	// an install): the kernel maps the linker's own file in larger pieces, which showed as up to
	// 22 MB more RSS at start for the same program (bench/results.md, performance v3, third pass).
	linked := filepath.Join(dir, "chainkb")
	shipped := filepath.Join(dir, "chainkb-copy")
	if err := copyFile(shipped, linked); err != nil {
		return binaries{}, err
	}
	if err := os.Chmod(shipped, 0o755); err != nil {
		return binaries{}, err
	}
	return binaries{shipped, filepath.Join(dir, "baseline"), filepath.Join(dir, "loadgen")}, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
