// Package plan is the contract between the benchmark orchestrator and the load generator, which
// run as separate processes: the orchestrator writes a Plan as JSON to the load generator's stdin
// and reads a Result as JSON from its stdout.
package plan

import "time"

// Request kinds.
const (
	// Fixed sends the same request every time.
	Fixed = "fixed"
	// RandomID sends URL with "{id}" replaced by an id drawn uniformly from [MinID, MaxID].
	RandomID = "random-id"
	// Create POSTs a new synthetic tactic to URL at a stage drawn from Stages.
	Create = "create"
	// Patch PATCHes the summary of tactic "{id}" with the version it must be at. Ids cycle through
	// [MinID, MaxID] in order, the k-th round sending version k, so that concurrent requests never
	// touch the same tactic (a precondition failure is then a real error, not a race of the
	// benchmark) as long as the range is much larger than the number of connections and every
	// tactic in it starts at version 1.
	Patch = "patch"
)

// Request is one kind of request in a plan; a plan draws each request by Weight.
type Request struct {
	Kind   string  `json:"kind"`
	Weight int     `json:"weight"`
	Method string  `json:"method,omitempty"` // Fixed only; GET when empty
	URL    string  `json:"url"`
	MinID  int64   `json:"min_id,omitempty"`
	MaxID  int64   `json:"max_id,omitempty"`
	Stages []int64 `json:"stages,omitempty"` // Create only
}

// Plan is one load test: warm-up, then the measured run, at a fixed number of connections that
// each keep one request in flight, as fast as the server answers.
type Plan struct {
	Name        string        `json:"name"`
	Connections int           `json:"connections"`
	Warmup      time.Duration `json:"warmup"`
	Duration    time.Duration `json:"duration"`
	Timeout     time.Duration `json:"timeout"`
	Requests    []Request     `json:"requests"`
	// WriteHeaders are added to POST and PATCH requests (the API key, when there is one).
	WriteHeaders map[string]string `json:"write_headers,omitempty"`
}

// Result is what the measured run saw. Latencies are in milliseconds.
type Result struct {
	Requests int     `json:"requests"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	P50      float64 `json:"p50_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
	Errors   int     `json:"errors"`
	// Codes counts responses by status code; "0" is a request that got no response.
	Codes map[string]int `json:"codes"`
	// FirstError is the first failure seen, with the start of its body, to tell what went wrong.
	FirstError string `json:"first_error,omitempty"`
	// WarmupRequests were sent before the measured run. The server's CPU time covers them too.
	WarmupRequests int `json:"warmup_requests"`
}
