package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"chainkb/bench/internal/plan"
)

// machine describes where the figures were taken: they mean little without it.
type machine struct {
	cpu, kernel, goVersion string
	cores                  int
	memGiB                 float64
	date                   time.Time
}

func describeMachine(ctx context.Context) machine {
	m := machine{cpu: "unknown CPU", kernel: runtime.GOOS, cores: runtime.NumCPU(), date: time.Now().UTC(), goVersion: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb float64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %f kB", &kb); err == nil {
			m.memGiB = kb / (1 << 20)
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = "Linux " + strings.TrimSpace(string(b))
	}
	// The toolchain that built chainkb, which may be newer than the one running this program.
	if out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output(); err == nil {
		m.goVersion = strings.TrimSpace(string(out))
	}
	return m
}

// renderReport lays the runs out as Markdown: the setup, one results table with each scenario's
// sizes next to each other (so that growth with N shows), then datasets, memory and the JSON check.
func renderReport(cfg config, m machine, runs []*sizeRun) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	sizes := make([]string, len(cfg.sizes))
	for i, n := range cfg.sizes {
		sizes[i] = thousands(float64(n))
	}
	p("### Results\n\n")
	p("- Machine: %s, %d cores, %.0f GiB RAM, %s; %s; %s.\n", m.cpu, m.cores, m.memGiB, m.kernel, m.goVersion, m.date.Format("2006-01-02 15:04 MST"))
	p("- Load: N = %s tactics; %d connections, keep-alive, closed loop (each connection sends its next request as soon as the previous one is answered); %s warm-up, then %s measured per scenario. The load generator (vegeta) runs in its own process on the same cores.\n",
		strings.Join(sizes, ", "), cfg.connections, cfg.warmup, cfg.duration)
	p("- Command: `%s`\n", cfg.command)
	if cfg.smoke {
		p("- **Smoke run**: too short to mean anything; it only proves the harness works.\n")
	}
	for _, r := range runs {
		for _, c := range r.checks {
			if !c.ok {
				p("\n> **JSON MISMATCH at N=%s, %s**: %s. The baseline is not doing the same work; its ratios are not a ceiling.\n", thousands(float64(r.n)), c.name, c.detail)
			}
		}
	}

	p("\n| scenario | N | req/s | p50 ms | p99 ms | max ms | errors | CPU µs/req | baseline req/s | baseline p50 ms | baseline CPU µs/req | vs baseline | peak RSS | other load | notes |\n")
	p("|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, sc := range scenarios() {
		for _, r := range runs {
			i := slices.IndexFunc(r.rows, func(x row) bool { return x.name == sc.name })
			if i < 0 {
				continue
			}
			x := r.rows[i]
			baseRPS, baseP50, baseCPU, ratio := "—", "—", "—", "—"
			if x.base != nil {
				baseRPS, baseP50, baseCPU = rate(x.base.RPS), millis(x.base.P50), micros(x.baseCPU.perRequest())
				if x.base.RPS > 0 {
					ratio = fmt.Sprintf("%.0f%%", 100*x.res.RPS/x.base.RPS)
				}
			}
			p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %s |\n", x.name, thousands(float64(r.n)),
				rate(x.res.RPS), millis(x.res.P50), millis(x.res.P99), millis(x.res.Max), errorCell(x.res), micros(x.cpu.perRequest()),
				baseRPS, baseP50, baseCPU, ratio, mib(x.rssKB), x.cpu.otherCores(), x.note)
		}
	}

	p("\n| N | database file | load time | tactics in the largest chain | rows of the filtered list | titles matching q | chainkb peak RSS | baseline peak RSS |\n")
	p("|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range runs {
		p("| %s | %s | %.1f s | %s | %s | %s | %s | %s |\n", thousands(float64(r.n)), sizeNote(int(r.d.dbBytes)), r.d.loadTime.Seconds(),
			thousands(float64(r.d.chains[0].tactics)), thousands(float64(r.d.focusShortTerm)), thousands(float64(r.d.qMatches)),
			mib(r.peakKB), mib(r.basePeakKB))
	}

	p("\nJSON check (chainkb and the baseline answer the same decoded JSON, next_cursor values aside, and the same ETag where the baseline sends one):")
	for _, r := range runs {
		bad := 0
		for _, c := range r.checks {
			if !c.ok {
				bad++
			}
		}
		if bad == 0 {
			p(" N=%s: all %d equal.", thousands(float64(r.n)), len(r.checks))
		} else {
			p(" N=%s: **%d of %d differ**.", thousands(float64(r.n)), bad, len(r.checks))
		}
	}
	p("\n")
	return b.String()
}

// errorCell is the error count, with the status codes that were not a success.
func errorCell(r plan.Result) string {
	if r.Errors == 0 {
		return "0"
	}
	var codes []string
	for code, n := range r.Codes {
		if c, _ := strconv.Atoi(code); c < 200 || c >= 400 {
			codes = append(codes, fmt.Sprintf("%s×%d", code, n))
		}
	}
	slices.Sort(codes)
	return fmt.Sprintf("%d (%s)", r.Errors, strings.Join(codes, ", "))
}

// rate formats requests per second: whole numbers, but decimals for the few-per-second scenarios.
func rate(x float64) string {
	if x < 10 {
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return thousands(x)
}

// micros formats a CPU time per request in microseconds; "—" when it could not be measured.
func micros(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return thousands(float64(d) / float64(time.Microsecond))
}

// millis formats a latency with about three significant digits.
func millis(ms float64) string {
	switch {
	case ms < 10:
		return strconv.FormatFloat(ms, 'f', 2, 64)
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	}
	return thousands(ms)
}

func mib(kb int64) string {
	if kb <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f MiB", float64(kb)/1024)
}

// thousands rounds x and groups its digits by thousands: 12,345.
func thousands(x float64) string {
	s := strconv.FormatInt(int64(x+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
