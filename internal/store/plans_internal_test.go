package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"chainkb/models"
)

// TestTacticIndexesAreUsed runs every documented list of tactics (each filter, each sort both
// ways, a second page by cursor, as a reader and as an editor), the ranked list and search with
// filters, the chain table and a create, captures the SQL they send, and asks the engine for
// each statement's plan (EXPLAIN QUERY PLAN on SQLite; EXPLAIN with sequential scans disabled on
// PostgreSQL, whose planner reads a table this small whole whatever its indexes). Every index of
// the tactics table must be in some plan: a create writes every index, so one that no read uses
// only costs (issue 30; migration 0026 dropped the one that was). The plans are logged with -v.
func TestTacticIndexesAreUsed(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "kb.db")
	pg := os.Getenv("CHAINKB_TEST_POSTGRES")
	if pg != "" {
		dsn = testSchemaDSN(t, pg)
	}
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := batchEditor()
	stage := mustChainStage(t, s, ctx, "plans", "Plans")
	for _, tg := range [][2]string{{"short-term", models.HorizonGroup}, {"deterrence", "lever"}} {
		if _, err := s.CreateTag(ctx, &models.TagInput{Slug: tg[0], Name: tg[0], Group: tg[1]}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 6 {
		in := newTacticInput(stage, "")
		in.Title = fmt.Sprintf("Harbour audit %d", i)
		in.Kind = models.KindRecommended
		in.Tags = []models.TagRef{"short-term", "deterrence"}
		if _, err := s.CreateTactic(ctx, in); err != nil {
			t.Fatal(err)
		}
	}

	// Capture every statement GORM sends from here on.
	var mu sync.Mutex
	type stmt struct {
		sql  string
		vars []any
		op   string
	}
	captured := map[string]stmt{}
	op := ""
	capture := func(db *gorm.DB) {
		q := db.Statement.SQL.String()
		if !strings.HasPrefix(strings.TrimSpace(strings.ToUpper(q)), "SELECT") && !strings.HasPrefix(strings.TrimSpace(strings.ToUpper(q)), "WITH") {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if _, ok := captured[q]; !ok {
			captured[q] = stmt{sql: q, vars: slices.Clone(db.Statement.Vars), op: op}
		}
	}
	for _, g := range []*gorm.DB{s.r, s.w, s.bulk} {
		cb := g.Callback()
		for _, err := range []error{
			cb.Query().After("gorm:query").Register("test:plans", capture),
			cb.Row().After("gorm:row").Register("test:plans", capture),
			cb.Raw().After("gorm:raw").Register("test:plans", capture),
		} {
			if err != nil && !strings.Contains(err.Error(), "already") {
				t.Fatal(err)
			}
		}
	}

	due, err := models.ParseDate("2030-01-01")
	if err != nil {
		t.Fatal(err)
	}
	filters := map[string]models.TacticFilter{
		"none": {}, "chain": {Chain: "plans"}, "stage": {StageID: stage}, "kind": {Kind: models.KindRecommended},
		"tag": {Tags: []string{"deterrence"}}, "horizon": {Horizon: "short-term"}, "status": {Status: models.StatusPublished},
		"q": {Q: "harbour"}, "attribution": {Attribution: models.AttributionEditorial}, "evidence_level": {EvidenceLevel: "descriptive"},
		"review_due_before": {ReviewDueBefore: &due}, "stage+horizon": {StageID: stage, Horizon: "short-term"},
		"stage+kind": {StageID: stage, Kind: models.KindRecommended}, "chain+kind": {Chain: "plans", Kind: models.KindCurrent},
	}
	sorts := []string{"", "id", "title", "position", "created_at", "updated_at", "-id", "-title", "-position", "-created_at", "-updated_at"}
	for _, who := range []struct {
		name string
		ctx  context.Context
	}{{"reader", context.Background()}, {"editor", ctx}} {
		for _, name := range slices.Sorted(maps.Keys(filters)) {
			for _, sort := range sorts {
				f := filters[name]
				f.Sort, f.Limit = sort, 2
				op = fmt.Sprintf("list %s filter=%s sort=%q", who.name, name, sort)
				page, err := s.TacticDocs(who.ctx, f)
				if err != nil {
					t.Fatalf("%s: %v", op, err)
				}
				if page.NextCursor != "" {
					f.Cursor = page.NextCursor
					op += " page 2"
					if _, err := s.TacticDocs(who.ctx, f); err != nil {
						t.Fatalf("%s: %v", op, err)
					}
				}
			}
			f := filters[name]
			op = fmt.Sprintf("search %s filter=%s", who.name, name)
			if _, err := s.Search(who.ctx, models.SearchFilter{Q: "harbour", StageID: f.StageID, Chain: f.Chain, Kind: f.Kind, Tags: f.Tags,
				Horizon: f.Horizon, EvidenceLevel: f.EvidenceLevel, Page: models.Page{Limit: 2}}); err != nil {
				t.Fatalf("%s: %v", op, err)
			}
		}
		op = "chain table " + who.name
		if _, err := s.ChainTable(who.ctx, "plans", "", 25); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	op = "create"
	in := newTacticInput(stage, "")
	in.Kind = models.KindRecommended
	if _, err := s.CreateTactic(ctx, in); err != nil {
		t.Fatal(err)
	}

	// The plans.
	var indexes []string
	used := map[string][]string{}
	conn, err := s.rSQL.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if pg != "" {
		rows, err := conn.QueryContext(context.Background(), "SELECT indexname FROM pg_indexes WHERE tablename = 'tactics' AND schemaname = current_schema() AND indexname <> 'tactics_pkey' AND indexdef NOT LIKE 'CREATE UNIQUE%'")
		if err != nil {
			t.Fatal(err)
		}
		indexes = scanStrings(t, rows)
		if _, err := conn.ExecContext(context.Background(), "SET enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
	} else {
		rows, err := conn.QueryContext(context.Background(), "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tactics' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'")
		if err != nil {
			t.Fatal(err)
		}
		indexes = scanStrings(t, rows)
	}
	name := regexp.MustCompile(`\b(tactics_[a-z_]+)\b`)
	for _, q := range slices.Sorted(maps.Keys(captured)) {
		st := captured[q]
		explain := "EXPLAIN QUERY PLAN " + st.sql
		if pg != "" {
			explain = "EXPLAIN " + st.sql
		}
		rows, err := conn.QueryContext(context.Background(), explain, st.vars...)
		if err != nil {
			t.Fatalf("explain %s (%s): %v", st.sql, st.op, err)
		}
		var plan []string
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		t.Logf("%s\n%s\n%s", st.op, st.sql, text)
		for _, m := range name.FindAllStringSubmatch(text, -1) {
			if slices.Contains(indexes, m[1]) && !slices.Contains(used[m[1]], st.op) {
				used[m[1]] = append(used[m[1]], st.op)
			}
		}
	}
	// Indexes an engine's plans do not use, kept because the other engine's do: an index goes
	// only when neither uses it.
	otherEngine := map[string]string{}
	if pg != "" {
		// PostgreSQL's planner, over a handful of rows, filters the status index by the date, and
		// picks tactics_stage_status_id (stage_id, status, id, version) for a stage's cells and
		// last position as readily as the index made for them: the two cost the same on 7 rows.
		otherEngine["tactics_review_due"] = "SQLite's plans of review_due_before use it"
		otherEngine["tactics_stage_kind_status_position"] = "SQLite's plans of the chain table, of a stage's list by kind and of a create use it"
	}
	for _, ix := range indexes {
		if why, ok := otherEngine[ix]; ok && len(used[ix]) == 0 {
			t.Logf("index %s: in no plan on this engine, kept: %s", ix, why)
			continue
		}
		if len(used[ix]) == 0 {
			t.Errorf("index %s is in no plan of a documented list, filter, sort, search, chain table or create", ix)
		} else {
			t.Logf("index %s: %d plans, e.g. %s", ix, len(used[ix]), used[ix][0])
		}
	}
}

func scanStrings(t *testing.T, rows *sql.Rows) []string {
	t.Helper()
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// testSchemaDSN makes a schema of the test's own in the PostgreSQL database pg, dropped at the
// end, and returns a DSN whose connections all work in it.
func testSchemaDSN(t *testing.T, pg string) string {
	t.Helper()
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "chainkb_internal_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
	sep := "?"
	if strings.Contains(pg, "?") {
		sep = "&"
	}
	return pg + sep + "search_path=" + schema
}
