package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// exportBundle GETs the export and decodes it strictly.
func exportBundle(t *testing.T, s *testServer, query string, headers ...string) (*store.Bundle, response) {
	t.Helper()
	res := s.do(t, "GET", "/api/v1/export"+query, nil, headers...).mustStatus(t, 200)
	var b store.Bundle
	dec := json.NewDecoder(bytes.NewReader(res.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("decode export: %v", err)
	}
	return &b, res
}

func TestExport(t *testing.T) {
	s := newServer(t)
	b, res := exportBundle(t, s, "", authAs(s, "anonymous")...)
	if b.FormatVersion != store.BundleFormat || len(b.Tactics) == 0 || len(b.Sources) == 0 || len(b.Relations) == 0 {
		t.Fatalf("export: format %d, %d tactics, %d sources, %d relations", b.FormatVersion, len(b.Tactics), len(b.Sources), len(b.Relations))
	}
	for _, tc := range b.Tactics {
		if tc.Version == nil || *tc.Version < 1 || tc.Chain == "" || tc.Stage == "" || tc.Code == "" {
			t.Fatalf("tactic %+v: want a version, chain, stage and code", tc)
		}
	}
	if bytes.Contains(res.Body, []byte(`"stage_id"`)) || bytes.Contains(res.Body, []byte(`"chain_id"`)) {
		t.Errorf("the export names database ids")
	}
	tag := res.Header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	s.do(t, "GET", "/api/v1/export", nil, append(authAs(s, "anonymous"), "If-None-Match", tag)...).mustStatus(t, 304)

	// A draft: only in an editor's export with include=drafts.
	draft := obj{"stage_id": b.Tactics[0].StageID, "kind": "recommended", "title": "A draft", "summary": "Not yet."}
	var st []struct {
		ID   int64  `json:"id"`
		Slug string `json:"slug"`
	}
	var page struct {
		Data []struct {
			ID   int64  `json:"id"`
			Slug string `json:"slug"`
		} `json:"data"`
	}
	s.do(t, "GET", "/api/v1/stages?chain="+b.Tactics[0].Chain, nil).mustStatus(t, 200).decode(t, &page)
	st = page.Data
	i := slices.IndexFunc(st, func(x struct {
		ID   int64  `json:"id"`
		Slug string `json:"slug"`
	}) bool {
		return x.Slug == b.Tactics[0].Stage
	})
	draft["stage_id"] = st[i].ID
	s.do(t, "POST", "/api/v1/tactics", draft).mustStatus(t, 201)

	// Any write moves the ETag on.
	s.do(t, "GET", "/api/v1/export", nil, append(authAs(s, "anonymous"), "If-None-Match", tag)...).mustStatus(t, 200)
	// Below editor, include=drafts is refused rather than answered without the drafts.
	anonRes := s.do(t, "GET", "/api/v1/export?include=drafts", nil, authAs(s, "anonymous")...)
	anonRes.problem(t, 401)
	if anonRes.Header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	s.do(t, "GET", "/api/v1/export?include=drafts", nil, authAs(s, "reader")...).problem(t, 403)
	anon, _ := exportBundle(t, s, "", authAs(s, "anonymous")...)
	ed, edRes := exportBundle(t, s, "?include=drafts")
	plain, plainRes := exportBundle(t, s, "")
	if len(anon.Tactics) != len(b.Tactics) || len(plain.Tactics) != len(b.Tactics) || len(ed.Tactics) != len(b.Tactics)+1 {
		t.Errorf("tactics: anonymous %d, editor %d, editor with drafts %d; want %d, %d, %d",
			len(anon.Tactics), len(plain.Tactics), len(ed.Tactics), len(b.Tactics), len(b.Tactics), len(b.Tactics)+1)
	}
	if edRes.Header.Get("ETag") == plainRes.Header.Get("ETag") {
		t.Errorf("the export with drafts has the ETag of the one without")
	}
	s.do(t, "GET", "/api/v1/export?include=everything", nil).problem(t, 400)
}

func TestImport(t *testing.T) {
	s := newServer(t)
	_, res := exportBundle(t, s, "?include=drafts")
	raw := res.Body

	// Who may import.
	s.do(t, "POST", "/api/v1/import?mode=dry-run", raw, authAs(s, "anonymous")...).problem(t, 401)
	s.do(t, "POST", "/api/v1/import?mode=dry-run", raw, authAs(s, "reader")...).problem(t, 403)
	s.do(t, "POST", "/api/v1/import", raw).problem(t, 400)
	s.do(t, "POST", "/api/v1/import?mode=yes", raw).problem(t, 400)
	s.do(t, "POST", "/api/v1/import?mode=apply", `{"format_version": 2, "bogus": []}`).problem(t, 400)

	// The export imported back: all unchanged, nothing written.
	before := s.snapshot(t)
	var rep store.ImportReport
	s.do(t, "POST", "/api/v1/import?mode=apply", raw).mustStatus(t, 200).decode(t, &rep)
	if rep.Created+rep.Updated+rep.Conflicts != 0 || rep.Unchanged == 0 || len(rep.Items) != rep.Unchanged {
		t.Errorf("re-import of the export: %+v; want all unchanged", rep)
	}
	if d := snapshotDiff(before, s.snapshot(t)); d != "" {
		t.Errorf("re-importing the export wrote:\n%s", d)
	}

	// Edited offline: a dry run says what would change, and writes nothing.
	edited := func(edit func(b *store.Bundle)) []byte {
		var b store.Bundle
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		edit(&b)
		out, err := json.Marshal(&b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	body := edited(func(b *store.Bundle) {
		b.Tactics[0].Summary = "Edited offline."
		b.Sources = append(b.Sources, models.SourceInput{Slug: "offline-2026", Title: "Offline", Type: models.SourceGrey})
	})
	s.do(t, "POST", "/api/v1/import?mode=dry-run", body).mustStatus(t, 200).decode(t, &rep)
	if !rep.DryRun || rep.Updated != 1 || rep.Created != 1 {
		t.Errorf("dry run: %+v", rep)
	}
	for _, it := range rep.Items {
		if it.Pointer == "/tactics/0" && (it.Action != store.ImportUpdate || !slices.Equal(it.Changed, []string{"summary"})) {
			t.Errorf("/tactics/0: %+v; want an update of summary", it)
		}
	}
	if d := snapshotDiff(before, s.snapshot(t)); d != "" {
		t.Errorf("the dry run wrote:\n%s", d)
	}

	// Applied: one revision per changed object, with the request's id.
	res = s.do(t, "POST", "/api/v1/import?mode=apply", body, "X-Request-ID", "import-test-1").mustStatus(t, 200)
	res.decode(t, &rep)
	if rep.DryRun || rep.Updated != 1 || rep.Created != 1 {
		t.Errorf("apply: %+v", rep)
	}
	n := 0
	for _, r := range changeFeed(t, s, 200) {
		if r.RequestID == res.Header.Get("X-Request-ID") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d revisions carry the import's request id %q; want 2", n, res.Header.Get("X-Request-ID"))
	}

	// The old bundle now conflicts where it would undo that change: 409, nothing written.
	stale := edited(func(b *store.Bundle) { b.Tactics[0].Title = "Stale edit" })
	before = s.snapshot(t)
	p := s.do(t, "POST", "/api/v1/import?mode=apply", stale).problem(t, 409)
	if p.Code != "import_conflict" || len(p.Errors) != 1 || p.Errors[0].Field != "/tactics/0" {
		t.Errorf("conflict: %+v", p)
	}
	if d := snapshotDiff(before, s.snapshot(t)); d != "" {
		t.Errorf("a conflicting import wrote:\n%s", d)
	}
	s.do(t, "POST", "/api/v1/import?mode=dry-run", stale).mustStatus(t, 200).decode(t, &rep)
	if rep.Conflicts != 1 {
		t.Errorf("dry run of a stale bundle: %d conflicts, want 1", rep.Conflicts)
	}
}

func TestImportFaults(t *testing.T) {
	s := newServer(t)
	_, res := exportBundle(t, s, "?include=drafts")
	raw := res.Body
	edited := func(edit func(b *store.Bundle)) []byte {
		var b store.Bundle
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		edit(&b)
		out, _ := json.Marshal(&b)
		return out
	}
	before := s.snapshot(t)
	for _, tc := range []struct {
		name, want string
		edit       func(b *store.Bundle)
	}{
		{"format", "/format_version", func(b *store.Bundle) { b.FormatVersion = 9 }},
		{"control character", "/tactics/0/title", func(b *store.Bundle) { b.Tactics[0].Title = "a\x1bb" }},
		{"unknown source", "/tactics/3/citations/0/source", func(b *store.Bundle) {
			b.Tactics[3].Citations = []models.Citation{{Source: "nowhere-1999", Supports: "supports"}}
		}},
		{"unknown chain", "/stages/0/chain", func(b *store.Bundle) { b.Stages[0].Chain = "no-chain" }},
		{"unknown tag", "/tactics/1/tags", func(b *store.Bundle) { b.Tactics[1].Tags = []models.TagRef{"no-tag"} }},
		{"relation to a missing tactic", "/relations/0/from", func(b *store.Bundle) { b.Relations[0].From = "NO-X-R01" }},
		{"duplicate code", "/tactics/%d/code", func(b *store.Bundle) { b.Tactics = append(b.Tactics, b.Tactics[0]) }},
		{"prerequisite cycle", "/relations/%d/to", func(b *store.Bundle) {
			x, y := b.Tactics[0].Code, b.Tactics[1].Code
			b.Relations = append(b.Relations,
				models.RelationInput{From: x, To: y, Type: models.RelationPrerequisiteOf},
				models.RelationInput{From: y, To: x, Type: models.RelationPrerequisiteOf})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b store.Bundle
			body := edited(func(bb *store.Bundle) { tc.edit(bb); b = *bb })
			want := tc.want
			switch tc.name {
			case "duplicate code":
				want = fmt.Sprintf(want, len(b.Tactics)-1)
			case "prerequisite cycle":
				want = fmt.Sprintf(want, len(b.Relations)-1)
			}
			for _, mode := range []string{"dry-run", "apply"} {
				p := s.do(t, "POST", "/api/v1/import?mode="+mode, body).problem(t, 422)
				var fields []string
				for _, f := range p.Errors {
					fields = append(fields, f.Field)
				}
				if !slices.Contains(fields, want) {
					t.Errorf("%s: faults %v; want %s among them", mode, fields, want)
				}
			}
		})
	}

	// 10,000 bad items: 422 with a bounded list.
	body := edited(func(b *store.Bundle) {
		for i := 0; i < 10000; i++ {
			b.Sources = append(b.Sources, models.SourceInput{Slug: fmt.Sprintf("bad source %d", i), Type: "rumour"})
		}
	})
	res = s.do(t, "POST", "/api/v1/import?mode=apply", body)
	p := res.problem(t, 422)
	if len(p.Errors) != store.MaxImportFaults+1 || len(res.Body) > 512<<10 {
		t.Errorf("10,000 bad items: %d faults in %d bytes; want %d and under 512 KiB", len(p.Errors), len(res.Body), store.MaxImportFaults+1)
	}
	if d := snapshotDiff(before, s.snapshot(t)); d != "" {
		t.Errorf("bad bundles wrote:\n%s", d)
	}

	// Over the import limit: 413, from the declared length.
	big := bytes.Repeat([]byte(" "), 21<<20)
	copy(big, `{"format_version":2}`)
	s.do(t, "POST", "/api/v1/import?mode=dry-run", big).problem(t, http.StatusRequestEntityTooLarge)
	// The import's limit is its own: the usual 1 MiB does not apply to it.
	var rep store.ImportReport
	pad := edited(func(*store.Bundle) {})
	pad = append(pad, bytes.Repeat([]byte(" "), 2<<20)...)
	s.do(t, "POST", "/api/v1/import?mode=dry-run", pad).mustStatus(t, 200).decode(t, &rep)
}

func TestChainTableCSV(t *testing.T) {
	s := newServer(t)
	// A published tactic whose title a spreadsheet would run as a formula.
	var page struct {
		Data []struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	s.do(t, "GET", "/api/v1/stages?chain=sex-trafficking", nil).mustStatus(t, 200).decode(t, &page)
	s.do(t, "POST", "/api/v1/tactics", obj{"stage_id": page.Data[0].ID, "kind": "recommended", "status": "published",
		"title": `=HYPERLINK("http://evil.example","x")`, "summary": "-2+3", "tags": []string{"short-term"}}).mustStatus(t, 201)

	res := s.do(t, "GET", "/api/v1/chains/sex-trafficking/table.csv", nil, authAs(s, "anonymous")...).mustStatus(t, 200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	if !bytes.HasPrefix(res.Body, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(res.Body[3:])).ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180: %v", err)
	}
	want := []string{"chain", "stage", "kind", "horizon", "lever", "function", "evidence_level", "code", "title", "summary", "sources"}
	if !slices.Equal(rows[0], want) {
		t.Errorf("header %v, want %v", rows[0], want)
	}
	var tactics struct {
		Data  []json.RawMessage `json:"data"`
		Total *int64            `json:"total"`
	}
	s.do(t, "GET", "/api/v1/tactics?chain=sex-trafficking&include_total=true&limit=1", nil, authAs(s, "anonymous")...).mustStatus(t, 200).decode(t, &tactics)
	if int64(len(rows)-1) != *tactics.Total {
		t.Errorf("%d rows, want one per published tactic: %d", len(rows)-1, *tactics.Total)
	}
	found := false
	for _, r := range rows[1:] {
		if strings.Contains(r[8], "HYPERLINK") {
			found = true
			if r[8] != `'=HYPERLINK("http://evil.example","x")` || r[9] != "'-2+3" || r[3] != "short-term" {
				t.Errorf("row %q: want the formula cells neutralised with a leading '", r)
			}
		}
		if r[0] != "sex-trafficking" || r[7] == "" {
			t.Errorf("row %q: want the chain and a code", r)
		}
	}
	if !found {
		t.Errorf("the tactic with a formula title is not in the CSV")
	}

	// The table with Accept: text/csv is the same CSV; ETags and 304 as for the table.
	alt := s.do(t, "GET", "/api/v1/chains/sex-trafficking/table", nil, append(authAs(s, "anonymous"), "Accept", "text/csv")...).mustStatus(t, 200)
	if !bytes.Equal(alt.Body, res.Body) || alt.Header.Get("ETag") != res.Header.Get("ETag") {
		t.Errorf("table with Accept: text/csv differs from table.csv")
	}
	js := s.do(t, "GET", "/api/v1/chains/sex-trafficking/table", nil, authAs(s, "anonymous")...).mustStatus(t, 200)
	if js.Header.Get("ETag") == res.Header.Get("ETag") {
		t.Errorf("the CSV has the JSON table's ETag")
	}
	s.do(t, "GET", "/api/v1/chains/sex-trafficking/table.csv", nil, append(authAs(s, "anonymous"), "If-None-Match", res.Header.Get("ETag"))...).mustStatus(t, 304)
	s.do(t, "GET", "/api/v1/chains/no-such-chain/table.csv", nil).problem(t, 404)
}

// Issue 25, item 3: an object at the largest version (which an import could once set) is refused a
// change with a 409 that says so, never a 500 from a version that overflows; and an import cannot
// set such a version any more.
func TestVersionLimit(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.exec(t, "UPDATE tags SET version = $1 WHERE slug = $2", int64(math.MaxInt64), "short-term")
	p := s.do(t, "PATCH", "/api/v1/tags/short-term", obj{"name": "Short term"}, "If-Match", "*").problem(t, http.StatusConflict)
	if p.Code != "version_limit" {
		t.Errorf("code %q, want version_limit", p.Code)
	}
	b, _ := exportBundle(t, s, "?include=drafts")
	b.Tags = b.Tags[:1]
	b.Tags[0].Slug, b.Tags[0].Version = "brand-new", ptrTo(int64(math.MaxInt64))
	b.Sources, b.Chains, b.Stages, b.Tactics, b.Relations, b.Parameters = nil, nil, nil, nil, nil, nil
	p = s.do(t, "POST", "/api/v1/import?mode=apply", b).problem(t, http.StatusUnprocessableEntity)
	if len(p.Errors) != 1 || p.Errors[0].Field != "/tags/0/version" {
		t.Errorf("faults %+v, want one at /tags/0/version", p.Errors)
	}
}

func ptrTo[T any](v T) *T { return &v }
