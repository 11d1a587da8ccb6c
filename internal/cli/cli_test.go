package cli

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chainkb/seeds"
)

// TestRun starts chainkb as main does, on a fresh database file, and checks that it is seeded,
// serves the table and the docs, survives a restart without duplicating the seed, and shuts
// down cleanly when its context ends.
func TestRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "chainkb.db")
	bundles, err := seeds.Bundles()
	if err != nil {
		t.Fatal(err)
	}
	seededTags := 0
	for _, b := range bundles {
		seededTags += len(b.Tags)
	}
	for start := range 2 {
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"-addr", addr}, func(k string) string {
				return map[string]string{"CHAINKB_DB": db}[k]
			}, io.Discard, io.Discard)
		}()
		waitHealthy(t, "http://"+addr)

		var table struct {
			Stages []struct {
				Recommended []json.RawMessage `json:"recommended"`
			} `json:"stages"`
		}
		getJSON(t, "http://"+addr+"/api/v1/chains/sex-trafficking/table", &table)
		if len(table.Stages) != 4 {
			t.Fatalf("start %d: table has %d stages, want 4", start, len(table.Stages))
		}
		var tags struct{ Total int }
		getJSON(t, "http://"+addr+"/api/v1/tags?include_total=true", &tags)
		if tags.Total != seededTags {
			t.Errorf("start %d: %d tags, want the %d seeded, once", start, tags.Total, seededTags)
		}
		var doc struct{ OpenAPI string }
		getJSON(t, "http://"+addr+"/swagger/doc.json", &doc)
		if doc.OpenAPI != "3.0.3" {
			t.Errorf("doc.json openapi = %q, want the OpenAPI 3 document", doc.OpenAPI)
		}

		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("run did not stop after its context ended")
		}
	}
}

func TestParseConfig(t *testing.T) {
	env := map[string]string{"CHAINKB_ADDR": ":9000", "CHAINKB_DB": "env.db", "CHAINKB_SEED": "false"}
	cfg, err := parseConfig([]string{"-db", "flag.db"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != ":9000" || cfg.db != "flag.db" || cfg.seed {
		t.Errorf("config = %+v; want env for addr and seed, the flag for db", cfg)
	}
	if _, err := parseConfig(nil, func(k string) string { return map[string]string{"CHAINKB_SEED": "maybe"}[k] }, io.Discard); err == nil {
		t.Error("CHAINKB_SEED=maybe accepted")
	}
	if _, err := parseConfig([]string{"-nope"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("unknown flag accepted")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server did not become healthy")
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestKeysCommand makes the first admin key from the command line, and another from
// CHAINKB_ADMIN_KEY, and uses both against the server.
func TestKeysCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "chainkb.db")
	env := func(k string) string { return map[string]string{"CHAINKB_DB": db}[k] }

	var out, errOut strings.Builder
	if err := run(ctx, []string{"keys", "create", "-name", "Ops", "-role", "admin", "-expires", "30d"}, env, &out, &errOut); err != nil {
		t.Fatalf("keys create: %v (%s)", err, errOut.String())
	}
	cliKey := strings.TrimSpace(out.String())
	if !strings.HasPrefix(cliKey, "ckb_") || strings.Contains(errOut.String(), cliKey) {
		t.Fatalf("keys create printed %q to stdout and %q to stderr; want the key on stdout only", cliKey, errOut.String())
	}
	if err := run(ctx, []string{"keys", "create", "-name", "", "-role", "boss"}, env, io.Discard, io.Discard); err == nil {
		t.Error("keys create without a name and with a bad role succeeded")
	}

	out.Reset()
	if err := run(ctx, []string{"keys", "generate"}, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	envKey := strings.TrimSpace(out.String())

	addr := freeAddr(t)
	srvCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(srvCtx, []string{"-addr", addr}, func(k string) string {
			return map[string]string{"CHAINKB_DB": db, "CHAINKB_ADMIN_KEY": envKey}[k]
		}, io.Discard, io.Discard)
	}()
	waitHealthy(t, "http://"+addr)
	for _, key := range []string{cliKey, envKey} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/keys", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("GET /api/v1/keys with an admin key: %d", res.StatusCode)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	out.Reset()
	if err := run(ctx, []string{"keys", "list"}, env, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Ops") || !strings.Contains(out.String(), "CHAINKB_ADMIN_KEY") || strings.Contains(out.String(), cliKey) {
		t.Errorf("keys list = %s", out.String())
	}
	if err := run(ctx, []string{"keys", "revoke", "1"}, env, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	// A key in CHAINKB_ADMIN_KEY that is not a chainkb key stops the start.
	err := run(ctx, []string{"-addr", freeAddr(t)}, func(k string) string {
		return map[string]string{"CHAINKB_DB": db, "CHAINKB_ADMIN_KEY": "password123"}[k]
	}, io.Discard, io.Discard)
	if err == nil || strings.Contains(err.Error(), "password123") {
		t.Errorf("weak CHAINKB_ADMIN_KEY: err = %v; want a refusal that does not repeat it", err)
	}
}
