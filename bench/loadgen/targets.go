package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"chainkb/bench/internal/plan"
	"chainkb/bench/internal/synth"
	"chainkb/models"
)

// newTargeter returns a vegeta targeter for p. vegeta calls it from every worker at once, so all
// its state is atomic and each call draws from its own random source.
func newTargeter(p plan.Plan) (vegeta.Targeter, error) {
	total := 0
	gens := make([]func(*rand.Rand, *vegeta.Target) error, len(p.Requests))
	for i, req := range p.Requests {
		g, err := generator(req)
		if err != nil {
			return nil, fmt.Errorf("request %d: %w", i, err)
		}
		gens[i] = g
		if req.Weight < 1 {
			return nil, fmt.Errorf("request %d: weight must be at least 1", i)
		}
		total += req.Weight
	}
	write := http.Header{}
	for k, v := range p.WriteHeaders {
		write.Set(k, v)
	}
	var seed atomic.Uint64
	return func(t *vegeta.Target) error {
		r := rand.New(rand.NewPCG(0x5eed, seed.Add(1)))
		n := r.IntN(total)
		i := 0
		for n >= p.Requests[i].Weight {
			n -= p.Requests[i].Weight
			i++
		}
		*t = vegeta.Target{Header: http.Header{}}
		if err := gens[i](r, t); err != nil {
			return err
		}
		if t.Method == http.MethodPost || t.Method == http.MethodPatch {
			for k, v := range write {
				t.Header[k] = v
			}
		}
		return nil
	}, nil
}

// generator returns the function that fills in one request of kind req.Kind.
func generator(req plan.Request) (func(*rand.Rand, *vegeta.Target) error, error) {
	switch req.Kind {
	case plan.Fixed:
		method := req.Method
		if method == "" {
			method = http.MethodGet
		}
		return func(_ *rand.Rand, t *vegeta.Target) error {
			t.Method, t.URL = method, req.URL
			return nil
		}, nil

	case plan.RandomID:
		if req.MinID < 1 || req.MaxID < req.MinID || !strings.Contains(req.URL, "{id}") {
			return nil, fmt.Errorf("%s needs a URL with {id} and 1 <= min_id <= max_id", req.Kind)
		}
		return func(r *rand.Rand, t *vegeta.Target) error {
			id := req.MinID + r.Int64N(req.MaxID-req.MinID+1)
			t.Method, t.URL = http.MethodGet, strings.Replace(req.URL, "{id}", strconv.FormatInt(id, 10), 1)
			return nil
		}, nil

	case plan.Create:
		if len(req.Stages) == 0 {
			return nil, fmt.Errorf("%s needs stages", req.Kind)
		}
		return func(r *rand.Rand, t *vegeta.Target) error {
			body, err := json.Marshal(newTactic(r, req.Stages[r.IntN(len(req.Stages))]))
			if err != nil {
				return err
			}
			t.Method, t.URL, t.Body = http.MethodPost, req.URL, body
			t.Header.Set("Content-Type", "application/json")
			return nil
		}, nil

	case plan.Patch:
		if req.MinID < 1 || req.MaxID < req.MinID || !strings.Contains(req.URL, "{id}") {
			return nil, fmt.Errorf("%s needs a URL with {id} and 1 <= min_id <= max_id", req.Kind)
		}
		span := uint64(req.MaxID - req.MinID + 1)
		var next atomic.Uint64
		return func(r *rand.Rand, t *vegeta.Target) error {
			n := next.Add(1) - 1
			id := req.MinID + int64(n%span)
			body, err := json.Marshal(map[string]any{"summary": synth.Summary(r), "version": n/span + 1})
			if err != nil {
				return err
			}
			t.Method, t.URL, t.Body = http.MethodPatch, strings.Replace(req.URL, "{id}", strconv.FormatInt(id, 10), 1), body
			t.Header.Set("Content-Type", "application/merge-patch+json")
			return nil
		}, nil
	}
	return nil, fmt.Errorf("unknown request kind %q", req.Kind)
}

// tacticBody is a POST /api/v1/tactics body: a tactic of knowledge model v2, whose citations name
// the dataset's sources.
type tacticBody struct {
	StageID     int64    `json:"stage_id"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	Summary     string   `json:"summary"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
	Attribution string   `json:"attribution"`
	synth.Detail
}

// newTactic returns a tactic like the loaded ones, at the given stage. Its stage's slug is not
// known here, so it applies to no other stage.
func newTactic(r *rand.Rand, stage int64) tacticBody {
	kind := synth.Kind(r)
	return tacticBody{
		StageID: stage, Kind: kind, Title: synth.Title(r, r.Float64() < synth.QShare),
		Summary: synth.Summary(r), Description: synth.Description(r),
		Tags:        synth.TacticTags(r, kind == models.KindRecommended),
		Attribution: synth.Attribution(r),
		Detail:      synth.NewDetail(r, kind, ""),
	}
}
