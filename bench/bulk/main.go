// Command bulk times chainkb's import and export of a large knowledge base and records the peak
// RSS of each: it writes a synthetic bundle of N tactics (default 100,000), imports it with
// "chainkb import" into a fresh SQLite database, exports it again with "chainkb export", and
// exports it over HTTP (GET /api/v1/export) from a running chainkb, reading the server's peak RSS
// (VmHWM) from /proc. It prints a Markdown table. The budget is 150 MB of RSS for the
// export of 100,000 tactics; the import holds the whole bundle in memory (it checks all of it
// before it writes), so its peak grows with the bundle.
//
// Run it from bench/ (it builds chainkb from the repository root, as it ships):
//
//	go run ./bulk                 # N = 100,000
//	go run ./bulk -n 1000         # a quick look
//
// Linux only for the RSS figures (getrusage of the commands, /proc for the server).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"chainkb/internal/store"
	"chainkb/models"
)

func main() {
	n := flag.Int("n", 100000, "tactics in the synthetic bundle")
	keep := flag.Bool("keep", false, "keep the temporary directory")
	flag.Parse()
	if err := run(context.Background(), *n, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bulk:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n int, keep bool) error {
	tmp, err := os.MkdirTemp("", "chainkb-bulk-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "bulk: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	bin := filepath.Join(tmp, "chainkb")
	build := exec.CommandContext(ctx, "go", "build", "-tags", "sqlite_fts5", "-o", bin, ".")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build (run from bench/): %w", err)
	}
	bundle := filepath.Join(tmp, "bundle.json")
	size, err := writeBundle(bundle, n)
	if err != nil {
		return err
	}
	db := filepath.Join(tmp, "kb.db")
	env := append(os.Environ(), "CHAINKB_DB="+db, "CHAINKB_SEED=false")

	var rows []string
	imp, err := timed(ctx, env, bin, "import", bundle)
	if err != nil {
		return err
	}
	rows = append(rows, row("chainkb import", n, size, imp))
	out := filepath.Join(tmp, "export.json")
	exp, err := timed(ctx, env, bin, "export", out)
	if err != nil {
		return err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}
	rows = append(rows, row("chainkb export", n, fi.Size(), exp))
	httpRow, err := httpExport(ctx, env, bin, n)
	if err != nil {
		return err
	}
	rows = append(rows, httpRow)

	fmt.Printf("| step | tactics | bundle | time | peak RSS |\n|---|---|---|---|---|\n%s\n", strings.Join(rows, "\n"))
	return nil
}

// result is one command's wall time and peak RSS.
type result struct {
	wall   time.Duration
	peakKB int64
}

func row(step string, n int, bytes int64, r result) string {
	return fmt.Sprintf("| %s | %d | %.1f MiB | %s | %.1f MiB |", step, n, float64(bytes)/(1<<20), r.wall.Round(time.Millisecond), float64(r.peakKB)/1024)
}

// timed runs a chainkb command and returns its wall time and peak RSS (getrusage's ru_maxrss).
func timed(ctx context.Context, env []string, bin string, args ...string) (result, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, io.Discard, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("chainkb %s: %w", strings.Join(args, " "), err)
	}
	r := result{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.peakKB = int64(ru.Maxrss) // KiB on Linux
	}
	return r, nil
}

// httpExport serves the database and GETs the export, reading the server's peak RSS afterwards.
func httpExport(ctx context.Context, env []string, bin string, n int) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := exec.CommandContext(ctx, bin, "-addr", addr, "-log-level", "warn")
	srv.Env, srv.Stdout, srv.Stderr = env, io.Discard, os.Stderr
	if err := srv.Start(); err != nil {
		return "", err
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
	}()
	base := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("chainkb did not come up on %s", addr)
		}
	}
	before := vmKB(srv.Process.Pid, "VmRSS")
	start := time.Now()
	res, err := http.Get(base + "/api/v1/export")
	if err != nil {
		return "", err
	}
	written, err := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		return "", fmt.Errorf("GET /export: %d %v", res.StatusCode, err)
	}
	r := result{wall: time.Since(start), peakKB: vmKB(srv.Process.Pid, "VmHWM")}
	return row(fmt.Sprintf("GET /api/v1/export (server; %.1f MiB RSS before)", float64(before)/1024), n, written, r), nil
}

// vmKB reads a memory figure of a process from /proc, in KiB; 0 if it cannot.
func vmKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			v, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return v
		}
	}
	return 0
}

// writeBundle writes a synthetic bundle of n published tactics over two chains of four stages,
// with horizon and lever tags, a citation each and a relation for every tenth, and returns its
// size. It is deterministic for a given n.
func writeBundle(path string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	b := store.Bundle{FormatVersion: store.BundleFormat}
	for i := range 20 {
		b.Sources = append(b.Sources, models.SourceInput{Slug: fmt.Sprintf("source-%02d", i), Title: fmt.Sprintf("Source %d", i),
			Authors: []string{"Author, A."}, Type: models.SourceGrey})
	}
	b.Tags = []models.TagInput{
		{Slug: "short-term", Name: "Short term", Group: models.HorizonGroup},
		{Slug: "long-term", Name: "Long term", Group: models.HorizonGroup},
		{Slug: "raise-cost", Name: "Raise cost", Group: "lever"},
		{Slug: "reduce-demand", Name: "Reduce demand", Group: "lever"},
	}
	stages := []string{"product", "wholesaler", "retailer", "consumer"}
	for c := range 2 {
		chain := fmt.Sprintf("chain-%d", c)
		b.Chains = append(b.Chains, models.ChainInput{Slug: chain, Name: "Chain " + strconv.Itoa(c)})
		for i, st := range stages {
			side := models.SideSupply
			if st == "consumer" {
				side = models.SideDemand
			}
			pos := i + 1
			b.Stages = append(b.Stages, store.BundleStage{Chain: chain, StageInput: models.StageInput{Slug: st, Name: st, Actor: "someone", Side: side, Position: &pos}})
		}
	}
	// The frame first, then the tactics and relations written one by one, so that the bundle
	// itself never sits in this program's memory.
	frame, err := json.Marshal(b)
	if err != nil {
		return 0, err
	}
	head, _, _ := strings.Cut(string(frame), `"tactics":`)
	w.WriteString(head + `"tactics":[`)
	horizon := []models.TagRef{"short-term", "long-term"}
	lever := []models.TagRef{"raise-cost", "reduce-demand"}
	code := func(i int) string { return fmt.Sprintf("BK-%c-R%06d", 'A'+i%4, i) }
	for i := range n {
		pos := i
		t := store.BundleTactic{Chain: fmt.Sprintf("chain-%d", i%2), Stage: stages[i%4], TacticInput: models.TacticInput{
			Code: code(i), Kind: models.KindRecommended, Status: models.StatusPublished,
			Title:       fmt.Sprintf("Tactic %d: make the trade cost more at this link", i),
			Summary:     "Raises the exploiter's costs, so that fewer people are exploited for the same demand.",
			Description: strings.Repeat("A synthetic description that is about as long as a real one. ", 12),
			Tags:        []models.TagRef{horizon[i%2], lever[i%2]}, Position: &pos,
			Citations: []models.Citation{{Source: fmt.Sprintf("source-%02d", i%20), Locator: "p. " + strconv.Itoa(i%300+1), Supports: models.SupportsSupports}},
		}}
		if i > 0 {
			w.WriteByte(',')
		}
		if err := enc.Encode(&t); err != nil {
			return 0, err
		}
	}
	w.WriteString(`],"relations":[`)
	first := true
	for i := 10; i < n; i += 10 {
		if !first {
			w.WriteByte(',')
		}
		first = false
		if err := enc.Encode(models.RelationInput{From: code(i - 10), To: code(i), Type: models.RelationComplements}); err != nil {
			return 0, err
		}
	}
	w.WriteString("]}\n")
	if err := w.Flush(); err != nil {
		return 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
