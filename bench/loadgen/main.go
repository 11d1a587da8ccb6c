// Command loadgen drives one benchmark scenario against a server, using vegeta as a library. It
// runs in its own process so that its allocations and garbage collection are not the server's or
// the orchestrator's. It reads a plan.Plan as JSON on stdin and writes a plan.Result on stdout.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"chainkb/bench/internal/plan"
)

// errorBodyBytes is how much of a response body is kept: enough to explain a failure, while the
// rest of every body is still read (and discarded) so that each request costs a full response.
const errorBodyBytes = 512

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run() error {
	var p plan.Plan
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("read plan: %w", err)
	}
	if p.Connections < 1 || p.Duration <= 0 || len(p.Requests) == 0 {
		return errors.New("plan needs connections, a duration and at least one request")
	}
	tr, err := newTargeter(p)
	if err != nil {
		return err
	}

	// One transport for the warm-up and the measured run, so that the measured run starts on
	// connections that are already open: keep-alive, and never more connections than workers.
	client := &http.Client{
		Timeout: p.Timeout,
		Transport: &http.Transport{
			MaxIdleConns:        p.Connections,
			MaxIdleConnsPerHost: p.Connections,
			MaxConnsPerHost:     p.Connections,
			DisableCompression:  true,
		},
	}
	// A vegeta Attacker stops for good at the end of its attack, hence one per phase. Rate 0 with
	// workers = max workers is vegeta's closed-loop mode: each worker sends its next request as
	// soon as the previous one is answered.
	attacker := func() *vegeta.Attacker {
		n := uint64(p.Connections)
		return vegeta.NewAttacker(vegeta.Client(client), vegeta.Workers(n), vegeta.MaxWorkers(n),
			vegeta.MaxBody(errorBodyBytes), vegeta.Redirects(vegeta.NoFollow))
	}
	pace := vegeta.ConstantPacer{Freq: 0}
	warmup := 0
	if p.Warmup > 0 {
		for range attacker().Attack(tr, pace, p.Warmup, p.Name+" warm-up") {
			warmup++
		}
	}
	var results []*vegeta.Result
	for r := range attacker().Attack(tr, pace, p.Duration, p.Name) {
		// Only a failure's body is worth keeping; the rest would pile up for nothing.
		if r.Error == "" {
			r.Body = nil
		}
		r.Headers = nil
		results = append(results, r)
	}
	res := summarise(results)
	res.WarmupRequests = warmup
	return json.NewEncoder(os.Stdout).Encode(res)
}

// summarise computes the result of the measured run: exact percentiles (nearest rank) over every
// request, and throughput over the time from the first request's start to the last one's end.
func summarise(rs []*vegeta.Result) plan.Result {
	out := plan.Result{Requests: len(rs), Codes: map[string]int{}}
	if len(rs) == 0 {
		return out
	}
	lat := make([]time.Duration, len(rs))
	first, last := rs[0].Timestamp, rs[0].End()
	for i, r := range rs {
		lat[i] = r.Latency
		if r.Timestamp.Before(first) {
			first = r.Timestamp
		}
		if r.End().After(last) {
			last = r.End()
		}
		out.Codes[strconv.Itoa(int(r.Code))]++
		if r.Error != "" {
			out.Errors++
			if out.FirstError == "" {
				out.FirstError = fmt.Sprintf("%s %s: %s %s", r.Method, r.URL, r.Error, r.Body)
			}
		}
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	rank := func(q float64) time.Duration {
		i := int(q*float64(len(lat))+0.999999) - 1
		return lat[max(i, 0)]
	}
	out.Seconds = last.Sub(first).Seconds()
	if out.Seconds > 0 {
		out.RPS = float64(len(rs)) / out.Seconds
	}
	out.P50, out.P99, out.Max = ms(rank(0.50)), ms(rank(0.99)), ms(lat[len(lat)-1])
	return out
}
