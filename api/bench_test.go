package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"chainkb/api"
	"chainkb/internal/store"
	"chainkb/seeds"
)

// BenchmarkGetTactic measures what the server does for GET /api/v1/tactics/{id} — the middleware,
// the read and the answer — without the network: the seeded database in a file, the access log
// formatted and thrown away. bench/ measures the same request over sockets; this one is for
// comparing two versions of the code with benchstat, allocations included:
//
//	go test -tags sqlite_fts5 -run '^$' -bench GetTactic -benchmem -count 10 ./api/
func BenchmarkGetTactic(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "chainkb.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := seeds.Load(ctx, st); err != nil {
		b.Fatal(err)
	}
	h := api.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	const n = 16
	paths := make([]string, n)
	for i := range paths {
		paths[i] = fmt.Sprintf("/api/v1/tactics/%d", i+1)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, paths[i], nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", paths[i], rec.Code, rec.Body)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, paths[i%n], nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", paths[i%n], rec.Code)
		}
		i++
	}
}
