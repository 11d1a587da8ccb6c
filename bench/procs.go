package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"chainkb/bench/internal/plan"
)

// supervisor owns every server the benchmark starts, so that all of them are stopped however
// the run ends: normally, on an error, or on Ctrl-C.
type supervisor struct {
	mu    sync.Mutex
	procs []*proc
}

// stopAll stops every process still running.
func (s *supervisor) stopAll() {
	s.mu.Lock()
	procs := s.procs
	s.procs = nil
	s.mu.Unlock()
	for _, p := range procs {
		p.stop()
	}
}

// proc is a server process, its output going to a log file.
type proc struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
	waitErr error
}

func (s *supervisor) start(name, logPath, bin string, args ...string) (*proc, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	killWithParent(cmd)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		logFile.Close()
		close(p.exited)
	}()
	s.mu.Lock()
	s.procs = append(s.procs, p)
	s.mu.Unlock()
	return p, nil
}

// stop asks the process to shut down gracefully (chainkb checkpoints its WAL on the way out) and
// kills it if it has not within 20 s.
func (p *proc) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// logTail returns the end of the process's output, to explain a failure.
func (p *proc) logTail() string {
	b, _ := os.ReadFile(p.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

// statusKB reads a memory figure such as VmHWM (peak RSS) or VmRSS from /proc, in KiB; 0 when it
// cannot be read (the process has exited, or this is not Linux).
func (p *proc) statusKB(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// clockTick is the unit of CPU times in /proc: USER_HZ, 100 on every Linux.
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU time (user and system) the process has used so far; 0 when it cannot be read.
func (p *proc) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count fields after it. utime and stime
	// are fields 14 and 15 of the line, 12 and 13 after the name.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * clockTick
}

// machineCPU is the CPU time the whole machine has spent in user and system mode so far; 0 when
// it cannot be read. Less what the server and the load generator used, it is what other
// processes took from the benchmark.
func machineCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle ...
	if len(f) < 4 || f[0] != "cpu" {
		return 0
	}
	var ticks int64
	for _, x := range f[1:4] {
		n, _ := strconv.ParseInt(x, 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * clockTick
}

// resetPeak resets the process's peak RSS to its current RSS (Linux: "5" to clear_refs), so that
// the next reading of VmHWM is the peak of one scenario. Memory that Go has not yet returned to
// the OS from an earlier scenario still counts.
func (p *proc) resetPeak() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.cmd.Process.Pid), []byte("5"), 0)
}

// server is a started HTTP server that answers /healthz.
type server struct {
	*proc
	base string // http://127.0.0.1:port
}

// startServer starts bin with args plus -addr on a free loopback port and waits until it answers
// /healthz. The server is stopped again if it does not come up.
func (s *supervisor) startServer(ctx context.Context, name, logPath, bin string, args ...string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, err := s.start(name, logPath, bin, append(args, "-addr", addr)...)
	if err != nil {
		return nil, err
	}
	srv := &server{proc: p, base: "http://" + addr}
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return srv, nil
			}
		}
		select {
		case <-p.exited:
			return nil, fmt.Errorf("%s exited before it served (%v):\n%s", name, p.waitErr, p.logTail())
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("%s did not answer /healthz within 30 s:\n%s", name, p.logTail())
		}
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// runLoad runs the load generator on p in its own process and returns what it measured and the
// CPU time the generator used.
func runLoad(ctx context.Context, loadgen string, p plan.Plan) (plan.Result, time.Duration, error) {
	var res plan.Result
	in, err := json.Marshal(p)
	if err != nil {
		return res, 0, err
	}
	// The generator stops issuing requests after warm-up plus duration; what is in flight then
	// gets up to one request timeout to finish.
	ctx, cancel := context.WithTimeout(ctx, p.Warmup+p.Duration+2*p.Timeout+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, loadgen)
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	killWithParent(cmd)
	if err := cmd.Run(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = errors.Join(err, ctxErr)
		}
		return res, 0, fmt.Errorf("loadgen %s: %w", p.Name, err)
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return res, 0, fmt.Errorf("loadgen %s: bad result %q: %w", p.Name, out.String(), err)
	}
	return res, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}
