package api_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestBadRequests(t *testing.T) {
	t.Parallel()
	// The shared vocabulary (obj, with, absent, getObject, snapshotDiff) is in helpers_test.go; what
	// only this test needs is declared in it.

	// badCase is one request that must fail with a problem and change nothing.
	type badCase struct {
		name    string
		method  string
		path    string
		body    any      // nil, a raw string (sent as is) or an obj (sent as JSON)
		headers []string // name, value pairs as (*testServer).do takes them
		status  int
		code    string
		fields  []string // each must appear in the problem's errors[].field
		detail  string   // a regexp the problem's detail must match, when set
		allow   []string // methods the Allow header must list, when set
	}
	// listPage is a list envelope as the test reads it.
	type listPage struct {
		Data       []obj   `json:"data"`
		NextCursor *string `json:"next_cursor"`
		Total      *int64  `json:"total"`
	}

	// jsonText is v as JSON text, for cases that send it with something wrong around it.
	jsonText := func(v any) string {
		t.Helper()
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		return string(b)
	}
	// num reads a whole number field of an object as JSON decoded it.
	num := func(o obj, key string) int64 {
		t.Helper()
		f, ok := o[key].(float64)
		if !ok {
			t.Fatalf("field %q of %v is not a number", key, o)
		}
		return int64(f)
	}

	s := newServer(t)
	getList := func(path string) listPage {
		t.Helper()
		var p listPage
		s.do(t, http.MethodGet, path, nil).mustStatus(t, http.StatusOK).decode(t, &p)
		return p
	}

	// Look up the real objects the cases need, rather than assuming ids and versions.
	chain, chainTag := getObject(t, s, "/api/v1/chains/sex-trafficking")
	chainID := num(chain, "id")
	chainVer := num(chain, "version")

	stages := getList("/api/v1/stages?chain=sex-trafficking&include_total=true")
	if stages.Total == nil || *stages.Total == 0 {
		t.Fatalf("the seeded chain has no stages: %+v", stages)
	}
	var stageID int64
	for _, st := range stages.Data {
		if st["slug"] == "product" {
			stageID = num(st, "id")
		}
	}
	if stageID == 0 {
		t.Fatalf("no product stage in %v", stages.Data)
	}
	stagePath := fmt.Sprintf("/api/v1/stages/%d", stageID)
	stage, stageTag := getObject(t, s, stagePath)
	stageVer := num(stage, "version")

	stageTactics := getList(fmt.Sprintf("/api/v1/tactics?stage=%d&include_total=true&limit=2", stageID))
	if stageTactics.Total == nil || *stageTactics.Total == 0 || len(stageTactics.Data) < 2 {
		t.Fatalf("the product stage has fewer than two tactics: %+v", stageTactics)
	}
	tacticID := num(stageTactics.Data[0], "id")
	tacticPath := fmt.Sprintf("/api/v1/tactics/%d", tacticID)
	tactic, tacticTag := getObject(t, s, tacticPath)
	tacticVer := num(tactic, "version")
	_, otherTacticTag := getObject(t, s, fmt.Sprintf("/api/v1/tactics/%d", num(stageTactics.Data[1], "id")))
	// An ETag naming a version of the tactic that is not the current one.
	staleTacticTag := fmt.Sprintf(`"%d.%d"`, tacticID, tacticVer+7)

	longTerm, longTermTag := getObject(t, s, "/api/v1/tags/long-term")
	longTermPath := fmt.Sprintf("/api/v1/tags/%d", num(longTerm, "id"))
	prosecution, prosecutionTag := getObject(t, s, "/api/v1/tags/prosecution")
	prosecutionUses := num(prosecution, "tactic_count")
	if prosecutionUses == 0 {
		t.Fatalf("tag prosecution is on no tactic: %v", prosecution)
	}
	// Moving prosecution into the horizon group must clash: some of its tactics have a horizon tag.
	if p := getList("/api/v1/tactics?tag=prosecution&tag=short-term&limit=1"); len(p.Data) == 0 {
		t.Fatal("no tactic has both prosecution and short-term; the horizon_clash case would succeed")
	}

	first := getList("/api/v1/tactics?limit=2")
	if first.NextCursor == nil {
		t.Fatal("the first page of tactics with limit=2 has no next_cursor")
	}
	cursor := url.QueryEscape(*first.NextCursor)
	// A cursor of ours, sorted by title, whose value is changed to hold a NUL: well formed, with the
	// right fingerprint, but a text that PostgreSQL cannot take as a parameter.
	byTitle := getList("/api/v1/tactics?limit=2&sort=title")
	nulCursor := func() string {
		raw, err := base64.RawURLEncoding.DecodeString(*byTitle.NextCursor)
		if err != nil {
			t.Fatal(err)
		}
		var c map[string]any
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		c["v"] = "a\x00b"
		raw, _ = json.Marshal(c)
		return base64.RawURLEncoding.EncodeToString(raw)
	}()

	newTactic := obj{
		"stage_id": stageID, "kind": "recommended", "title": "Fund shelters", "summary": "Give survivors somewhere safe.",
		"tags":      []string{"long-term"},
		"citations": []obj{},
	}
	newStage := obj{"chain_id": chainID, "slug": "new-stage", "name": "New stage", "actor": "Someone", "side": "supply", "position": 9}
	newChain := obj{"slug": "new-chain", "name": "New chain"}
	newTag := obj{"slug": "new-tag", "name": "New tag", "group": "lever"}
	cite := func(kv ...any) obj {
		return with(obj{"source": "kara-2009", "locator": "p. 201", "supports": "supports"}, kv...)
	}
	newParam := obj{"slug": "new-param", "symbol": "fine", "input_set": "kara-2009-india", "chain": "sex-trafficking", "stage": "retailer", "low": nil, "central": 44, "high": nil,
		"unit": "USD per conviction", "currency": "USD", "price_year": 2009, "basis": "statutory-maximum", "geography": "IN", "period": "2009", "estimate": "reported", "citations": []obj{}, "note": ""}
	econ := "/api/v1/chains/sex-trafficking/economics?"
	// tacticPut is the tactic as GET returned it, minus its version: a PUT body without a precondition.
	tacticPut := with(tactic, "version", absent{}, "title", "A new title")
	chainPut := with(chain, "version", absent{}, "name", "A new name")
	ifMatch := func(tag string) []string { return []string{"If-Match", tag} }
	long := func(n int) string { return strings.Repeat("x", n) }
	huge := `{"slug":"big","name":"` + strings.Repeat("a", 1<<20) + `"}`

	// A source that a tag cites: it cannot be deleted, nor renamed.
	newSource := obj{"slug": "new-source", "title": "A new source", "type": "grey", "authors": []string{"Walk Free"},
		"year": 2023, "url": "https://example.org/report", "accessed_on": "2026-11-29"}
	s.do(t, http.MethodPost, "/api/v1/sources", with(newSource, "slug", "cited-source")).mustStatus(t, http.StatusCreated)
	citedSource, citedSourceTag := getObject(t, s, "/api/v1/sources/cited-source")
	cites := func(source string) []obj { return []obj{{"source": source, "locator": "p. 1", "supports": "supports"}} }
	s.do(t, http.MethodPost, "/api/v1/tags", with(newTag, "slug", "citing-tag", "citations", cites("cited-source"))).mustStatus(t, http.StatusCreated)
	words41 := strings.TrimSpace(strings.Repeat("word ", 41))
	// Relations: one a prerequisite-of b between two seeded tactics, for the duplicate and the loop.
	codeA, codeB := stageTactics.Data[0]["code"].(string), stageTactics.Data[1]["code"].(string)
	newRelation := obj{"from": codeA, "to": codeB, "type": "prerequisite-of"}
	var rel obj
	s.do(t, http.MethodPost, "/api/v1/relations", newRelation).mustStatus(t, http.StatusCreated).decode(t, &rel)
	relPath := fmt.Sprintf("/api/v1/relations/%d", num(rel, "id"))

	const (
		get, post, put, patch, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	)
	const bad, unprocessable = http.StatusBadRequest, http.StatusUnprocessableEntity

	cases := []badCase{
		// Bodies that are not one JSON object.
		{name: "import malformed JSON", method: post, path: "/api/v1/import?mode=apply", body: `{"format_version": 2,`, status: bad, code: "invalid_json"},
		{name: "import unknown field", method: post, path: "/api/v1/import?mode=apply", body: obj{"format_version": 2, "widgets": []any{}}, status: bad, code: "unknown_field", fields: []string{"widgets"}},
		{name: "import without mode", method: post, path: "/api/v1/import", body: obj{"format_version": 2}, status: bad, code: "bad_query", fields: []string{"mode"}},
		{name: "import unknown format", method: post, path: "/api/v1/import?mode=dry-run", body: obj{"format_version": 1}, status: unprocessable, code: "validation_failed", fields: []string{"/format_version"}},
		{name: "import tactic at an unknown stage", method: post, path: "/api/v1/import?mode=apply", body: obj{"format_version": 2,
			"tactics": []obj{{"chain": "sex-trafficking", "stage": "nowhere", "code": "ST-N-R01", "kind": "recommended", "title": "T", "summary": "S"}}},
			status: unprocessable, code: "validation_failed", fields: []string{"/tactics/0/stage"}},
		{name: "export unknown include", method: get, path: "/api/v1/export?include=all", status: bad, code: "bad_query", fields: []string{"include"}},
		{name: "webhook malformed id", method: get, path: "/api/v1/webhooks/abc", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "webhook unknown field", method: post, path: "/api/v1/webhooks", body: obj{"url": "https://93.184.216.34/hook", "colour": "red"}, status: bad, code: "unknown_field", fields: []string{"colour"}},
		{name: "webhook not http", method: post, path: "/api/v1/webhooks", body: obj{"url": "ftp://93.184.216.34/hook"}, status: unprocessable, code: "validation_failed", fields: []string{"url"}},
		{name: "webhook private target", method: post, path: "/api/v1/webhooks", body: obj{"url": "http://10.0.0.1/hook"}, status: unprocessable, code: "validation_failed", fields: []string{"url"}},
		{name: "webhook unknown entity", method: post, path: "/api/v1/webhooks", body: obj{"url": "https://93.184.216.34/hook", "entities": []string{"widget"}}, status: unprocessable, code: "validation_failed", fields: []string{"entities/0"}},
		{name: "webhook unknown chain", method: post, path: "/api/v1/webhooks", body: obj{"url": "https://93.184.216.34/hook", "chains": []string{"no-such-chain"}}, status: unprocessable, code: "validation_failed", fields: []string{"chains/0"}},
		{name: "webhook deliveries bad state", method: get, path: "/api/v1/webhooks/1/deliveries?state=lost", status: bad, code: "bad_query", fields: []string{"state"}},
		{name: "webhook redeliver malformed delivery", method: post, path: "/api/v1/webhooks/1/deliveries/x/redeliver", status: bad, code: "bad_path", fields: []string{"delivery"}},
		{name: "change stream negative after", method: get, path: "/api/v1/changes/stream?after=-1", status: bad, code: "bad_query", fields: []string{"after"}},
		{name: "table.csv bad horizon", method: get, path: "/api/v1/chains/sex-trafficking/table.csv?horizon=Not%20A%20Slug", status: bad, code: "bad_query", fields: []string{"horizon"}},
		{name: "chain malformed JSON", method: post, path: "/api/v1/chains", body: `{"slug": "new-chain",`, status: bad, code: "invalid_json"},
		{name: "tag malformed JSON", method: post, path: "/api/v1/tags", body: `{slug: new-tag}`, status: bad, code: "invalid_json"},
		{name: "chain empty body", method: post, path: "/api/v1/chains", body: ``, status: bad, code: "invalid_json"},
		{name: "stage whitespace body", method: post, path: "/api/v1/stages", body: " \n\t ", status: bad, code: "invalid_json"},
		{name: "tactic JSON array", method: post, path: "/api/v1/tactics", body: `[` + jsonText(newTactic) + `]`, status: bad, code: "invalid_json"},
		{name: "tag JSON string", method: post, path: "/api/v1/tags", body: `"new-tag"`, status: bad, code: "invalid_json"},
		{name: "chain JSON null", method: post, path: "/api/v1/chains", body: `null`, status: bad, code: "invalid_json"},
		{name: "chain trailing object", method: post, path: "/api/v1/chains", body: jsonText(newChain) + ` {"slug":"x"}`, status: bad, code: "invalid_json"},
		{name: "tactic trailing garbage", method: post, path: "/api/v1/tactics", body: jsonText(newTactic) + `garbage`, status: bad, code: "invalid_json"},

		// Unknown fields and wrong types, with the field named.
		{name: "chain unknown field", method: post, path: "/api/v1/chains", body: with(newChain, "colour", "red"), status: bad, code: "unknown_field", fields: []string{"colour"}},
		{name: "tactic misspelt field", method: post, path: "/api/v1/tactics", body: with(newTactic, "stage", "product"), status: bad, code: "unknown_field", fields: []string{"stage"}},
		{name: "tactic string for int", method: post, path: "/api/v1/tactics", body: with(newTactic, "stage_id", fmt.Sprint(stageID)), status: bad, code: "wrong_type", fields: []string{"stage_id"}},
		{name: "tactic fraction for int", method: post, path: "/api/v1/tactics", body: with(newTactic, "stage_id", 2.5), status: bad, code: "wrong_type", fields: []string{"stage_id"}},
		{name: "tactic number for string", method: post, path: "/api/v1/tactics", body: with(newTactic, "title", 5), status: bad, code: "wrong_type", fields: []string{"title"}},
		{name: "tactic object for list", method: post, path: "/api/v1/tactics", body: with(newTactic, "tags", obj{"slug": "long-term"}), status: bad, code: "wrong_type", fields: []string{"tags"}},
		{name: "tactic string for list", method: post, path: "/api/v1/tactics", body: with(newTactic, "tags", "long-term"), status: bad, code: "wrong_type", fields: []string{"tags"}},
		{name: "tactic object for citations", method: post, path: "/api/v1/tactics", body: with(newTactic, "citations", cite()), status: bad, code: "wrong_type", fields: []string{"citations"}},
		{name: "stage string for position", method: post, path: "/api/v1/stages", body: with(newStage, "position", "first"), status: bad, code: "wrong_type", fields: []string{"position"}},
		{name: "tag bool for name", method: post, path: "/api/v1/tags", body: with(newTag, "name", true), status: bad, code: "wrong_type", fields: []string{"name"}},

		// Content types.
		{name: "chain POST text/plain", method: post, path: "/api/v1/chains", body: jsonText(newChain), headers: []string{"Content-Type", "text/plain"}, status: http.StatusUnsupportedMediaType, code: "unsupported_media_type"},
		{name: "tactic POST no Content-Type", method: post, path: "/api/v1/tactics", body: jsonText(newTactic), headers: []string{"Content-Type", ""}, status: http.StatusUnsupportedMediaType, code: "unsupported_media_type"},
		{name: "tag POST merge-patch", method: post, path: "/api/v1/tags", body: jsonText(newTag), headers: []string{"Content-Type", "application/merge-patch+json"}, status: http.StatusUnsupportedMediaType, code: "unsupported_media_type"},
		{name: "chain PUT xml", method: put, path: "/api/v1/chains/sex-trafficking", body: jsonText(chainPut), headers: []string{"Content-Type", "application/xml", "If-Match", chainTag}, status: http.StatusUnsupportedMediaType, code: "unsupported_media_type"},
		{name: "stage PUT no Content-Type", method: put, path: stagePath, body: jsonText(stage), headers: []string{"Content-Type", ""}, status: http.StatusUnsupportedMediaType, code: "unsupported_media_type"},
		{name: "tactic PATCH text/plain", method: patch, path: tacticPath, body: `{"title":"x"}`, headers: []string{"Content-Type", "text/plain", "If-Match", tacticTag}, status: http.StatusUnsupportedMediaType, code: "unsupported_media_type"},
		{name: "tag PATCH json-patch", method: patch, path: longTermPath, body: `[{"op":"replace","path":"/name","value":"x"}]`, headers: []string{"Content-Type", "application/json-patch+json", "If-Match", longTermTag}, status: http.StatusUnsupportedMediaType, code: "unsupported_media_type"},

		// Values too long.
		{name: "tactic title over 200", method: post, path: "/api/v1/tactics", body: with(newTactic, "title", long(201)), status: unprocessable, code: "validation_failed", fields: []string{"title"}},
		{name: "tactic summary over 500", method: post, path: "/api/v1/tactics", body: with(newTactic, "summary", long(501)), status: unprocessable, code: "validation_failed", fields: []string{"summary"}},
		{name: "chain name over 120", method: post, path: "/api/v1/chains", body: with(newChain, "name", long(121)), status: unprocessable, code: "validation_failed", fields: []string{"name"}},
		{name: "tag name over 120", method: post, path: "/api/v1/tags", body: with(newTag, "name", long(121)), status: unprocessable, code: "validation_failed", fields: []string{"name"}},
		{name: "stage actor over 120", method: post, path: "/api/v1/stages", body: with(newStage, "actor", long(121)), status: unprocessable, code: "validation_failed", fields: []string{"actor"}},
		{name: "chain description over 4000", method: post, path: "/api/v1/chains", body: with(newChain, "description", long(4001)), status: unprocessable, code: "validation_failed", fields: []string{"description"}},

		// Missing required fields: every one named in one 422.
		{name: "tactic empty object", method: post, path: "/api/v1/tactics", body: obj{}, status: unprocessable, code: "validation_failed", fields: []string{"stage_id", "kind", "title", "summary"}},
		{name: "stage empty object", method: post, path: "/api/v1/stages", body: obj{}, status: unprocessable, code: "validation_failed", fields: []string{"chain_id", "slug", "name", "actor", "side", "position"}},
		{name: "chain empty object", method: post, path: "/api/v1/chains", body: obj{}, status: unprocessable, code: "validation_failed", fields: []string{"slug", "name"}},
		{name: "tag empty object", method: post, path: "/api/v1/tags", body: obj{}, status: unprocessable, code: "validation_failed", fields: []string{"slug", "name", "group"}},
		{name: "tactic nulls for required", method: post, path: "/api/v1/tactics", body: with(newTactic, "title", nil, "summary", ""), status: unprocessable, code: "validation_failed", fields: []string{"title", "summary"}},

		// Bad slugs.
		{name: "chain slug uppercase", method: post, path: "/api/v1/chains", body: with(newChain, "slug", "New-Chain"), status: unprocessable, code: "validation_failed", fields: []string{"slug"}},
		{name: "tag slug with space", method: post, path: "/api/v1/tags", body: with(newTag, "slug", "new tag"), status: unprocessable, code: "validation_failed", fields: []string{"slug"}},
		{name: "stage slug all digits", method: post, path: "/api/v1/stages", body: with(newStage, "slug", "12345"), status: unprocessable, code: "validation_failed", fields: []string{"slug"}},
		{name: "chain slug over 64", method: post, path: "/api/v1/chains", body: with(newChain, "slug", strings.Repeat("a", 65)), status: unprocessable, code: "validation_failed", fields: []string{"slug"}},
		{name: "tag group not a slug", method: post, path: "/api/v1/tags", body: with(newTag, "group", "Horizon Group"), status: unprocessable, code: "validation_failed", fields: []string{"group"}},
		{name: "tactic tag not a slug", method: post, path: "/api/v1/tactics", body: with(newTactic, "tags", []string{"Long-Term"}), status: unprocessable, code: "validation_failed", fields: []string{"tags/0"}},

		// Bad enums and numbers.
		{name: "tactic kind", method: post, path: "/api/v1/tactics", body: with(newTactic, "kind", "maybe"), status: unprocessable, code: "validation_failed", fields: []string{"kind"}},
		{name: "stage side", method: post, path: "/api/v1/stages", body: with(newStage, "side", "middle"), status: unprocessable, code: "validation_failed", fields: []string{"side"}},
		{name: "tactic negative position", method: post, path: "/api/v1/tactics", body: with(newTactic, "position", -1), status: unprocessable, code: "validation_failed", fields: []string{"position"}},
		{name: "stage position too big", method: post, path: "/api/v1/stages", body: with(newStage, "position", 1000001), status: unprocessable, code: "validation_failed", fields: []string{"position"}},

		// References.
		{name: "citation of an unknown source", method: post, path: "/api/v1/tactics", body: with(newTactic, "citations", []obj{cite("source", "no-such-source")}), status: unprocessable, code: "validation_failed", fields: []string{"citations/0/source"}},
		{name: "citation quote over 40 words", method: post, path: "/api/v1/tactics", body: with(newTactic, "citations", []obj{cite("quote", strings.Repeat("word ", 41))}), status: unprocessable, code: "validation_failed", fields: []string{"citations/0/quote"}},
		{name: "citation missing source", method: post, path: "/api/v1/tactics", body: with(newTactic, "citations", []obj{cite("source", absent{})}), status: unprocessable, code: "validation_failed", fields: []string{"citations/0/source"}},
		{name: "caveat citation of an unknown source", method: post, path: "/api/v1/tactics", body: with(newTactic, "caveats", []obj{{"type": "harm", "text": "A harm.", "citations": []obj{cite("source", "no-such-source")}}}), status: unprocessable, code: "validation_failed", fields: []string{"caveats/0/citations/0/source"}},
		{name: "contested without both positions", method: post, path: "/api/v1/tactics", body: with(newTactic, "caveats", []obj{{"type": "contested", "text": "Disputed.", "citations": []obj{}}}, "positions", []obj{{"stance": "for", "text": "Yes.", "citations": []obj{}}}), status: unprocessable, code: "validation_failed", fields: []string{"positions"}},
		{name: "unknown jurisdiction", method: post, path: "/api/v1/tactics", body: with(newTactic, "jurisdictions", []string{"EU"}), status: unprocessable, code: "validation_failed", fields: []string{"jurisdictions/0"}},
		{name: "unknown actor", method: post, path: "/api/v1/tactics", body: with(newTactic, "actors", []string{"army"}), status: unprocessable, code: "validation_failed", fields: []string{"actors/0"}},
		{name: "unknown evidence level", method: post, path: "/api/v1/tactics", body: with(newTactic, "evidence", obj{"effect": obj{"direction": "unknown", "outcome": ""}, "level": "anecdote", "evaluation": "unevaluated", "mechanism": "", "moderators": "", "implementation": "", "cost": nil}), status: unprocessable, code: "validation_failed", fields: []string{"evidence/level"}},
		{name: "malformed code", method: post, path: "/api/v1/tactics", body: with(newTactic, "code", "st-p-r01"), status: unprocessable, code: "validation_failed", fields: []string{"code"}},
		{name: "duplicate code", method: post, path: "/api/v1/tactics", body: with(newTactic, "code", tactic["code"]), status: http.StatusConflict, code: "duplicate_code"},
		{name: "also applies to its own or an unknown stage", method: post, path: "/api/v1/tactics", body: with(newTactic, "also_applies_to", []string{"no-such-stage"}), status: unprocessable, code: "validation_failed", fields: []string{"also_applies_to/0"}},
		{name: "code changed by PUT", method: put, path: tacticPath, body: with(tacticPut, "code", "ST-X-R99"), headers: ifMatch(tacticTag), status: unprocessable, code: "validation_failed", fields: []string{"code"}},

		// Rules the database decides.
		{name: "tactic stage missing", method: post, path: "/api/v1/tactics", body: with(newTactic, "stage_id", 999999), status: unprocessable, code: "validation_failed", fields: []string{"stage_id"}},
		{name: "tactic unknown tag", method: post, path: "/api/v1/tactics", body: with(newTactic, "tags", []string{"long-term", "no-such-tag"}), status: unprocessable, code: "validation_failed", fields: []string{"tags"}},
		{name: "tactic two horizon tags", method: post, path: "/api/v1/tactics", body: with(newTactic, "tags", []string{"short-term", "long-term"}), status: unprocessable, code: "validation_failed", fields: []string{"tags"}},
		{name: "tactic all problems at once", method: post, path: "/api/v1/tactics", body: with(newTactic, "stage_id", 999999, "title", absent{}, "kind", "maybe", "tags", []string{"no-such-tag"}), status: unprocessable, code: "validation_failed", fields: []string{"stage_id", "title", "kind", "tags"}},
		{name: "stage chain missing", method: post, path: "/api/v1/stages", body: with(newStage, "chain_id", 999999), status: unprocessable, code: "validation_failed", fields: []string{"chain_id"}},

		// Slug clashes.
		{name: "chain duplicate slug", method: post, path: "/api/v1/chains", body: with(newChain, "slug", "sex-trafficking"), status: http.StatusConflict, code: "duplicate_slug"},
		{name: "tag duplicate slug", method: post, path: "/api/v1/tags", body: with(newTag, "slug", "short-term"), status: http.StatusConflict, code: "duplicate_slug"},
		{name: "stage duplicate slug in chain", method: post, path: "/api/v1/stages", body: with(newStage, "slug", "product"), status: http.StatusConflict, code: "duplicate_slug"},
		{name: "tag rename onto another", method: patch, path: longTermPath, body: obj{"slug": "short-term"}, headers: ifMatch(longTermTag), status: http.StatusConflict, code: "duplicate_slug"},
		{name: "tag into horizon clashes", method: patch, path: "/api/v1/tags/prosecution", body: obj{"group": "horizon"}, headers: ifMatch(prosecutionTag), status: http.StatusConflict, code: "horizon_clash"},

		// Preconditions.
		{name: "tactic PUT without precondition", method: put, path: tacticPath, body: tacticPut, status: http.StatusPreconditionRequired, code: "precondition_required"},
		{name: "chain PUT without precondition", method: put, path: "/api/v1/chains/sex-trafficking", body: chainPut, status: http.StatusPreconditionRequired, code: "precondition_required"},
		{name: "stage PATCH without precondition", method: patch, path: stagePath, body: obj{"name": "Victim"}, status: http.StatusPreconditionRequired, code: "precondition_required"},
		{name: "tag PATCH without precondition", method: patch, path: "/api/v1/tags/long-term", body: obj{"name": "Later"}, headers: []string{"Content-Type", "application/merge-patch+json"}, status: http.StatusPreconditionRequired, code: "precondition_required"},
		{name: "tactic PUT stale If-Match", method: put, path: tacticPath, body: tacticPut, headers: ifMatch(staleTacticTag), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "tactic PUT another tactic's ETag", method: put, path: tacticPath, body: tacticPut, headers: ifMatch(otherTacticTag), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "tactic PUT stale body version", method: put, path: tacticPath, body: with(tacticPut, "version", tacticVer+1), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "chain PUT stale body version", method: put, path: "/api/v1/chains/sex-trafficking", body: with(chainPut, "version", chainVer+1), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "tactic PUT weak If-Match", method: put, path: tacticPath, body: tacticPut, headers: ifMatch("W/" + tacticTag), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "tactic PUT malformed If-Match", method: put, path: tacticPath, body: tacticPut, headers: ifMatch("not-an-etag"), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "tactic PUT current If-Match but stale version", method: put, path: tacticPath, body: with(tacticPut, "version", tacticVer+1), headers: ifMatch(tacticTag), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "tactic PATCH stale If-Match", method: patch, path: tacticPath, body: obj{"title": "A new title"}, headers: ifMatch(staleTacticTag), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "tactic PATCH stale body version", method: patch, path: tacticPath, body: obj{"title": "A new title", "version": tacticVer + 1}, status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "tag PATCH weak If-Match", method: patch, path: "/api/v1/tags/long-term", body: obj{"name": "Later"}, headers: ifMatch("W/" + longTermTag), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "stage PATCH malformed If-Match", method: patch, path: stagePath, body: obj{"name": "Victim"}, headers: ifMatch(`"garbage"`), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "stage PUT stale body version", method: put, path: stagePath, body: with(stage, "version", stageVer+1, "name", "Victim"), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "tactic DELETE stale If-Match", method: del, path: tacticPath, headers: ifMatch(staleTacticTag), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "tag DELETE weak If-Match", method: del, path: "/api/v1/tags/long-term", headers: ifMatch("W/" + longTermTag), status: http.StatusPreconditionFailed, code: "precondition_failed"},
		{name: "chain DELETE stale If-Match", method: del, path: "/api/v1/chains/sex-trafficking", headers: ifMatch(fmt.Sprintf(`"%d.%d"`, chainID, chainVer+1)), status: http.StatusPreconditionFailed, code: "precondition_failed"},

		// A good precondition does not excuse a bad body.
		{name: "tactic PUT unknown tag", method: put, path: tacticPath, body: with(tacticPut, "tags", []string{"no-such-tag"}), headers: ifMatch(tacticTag), status: unprocessable, code: "validation_failed", fields: []string{"tags"}},
		{name: "tactic PATCH null title", method: patch, path: tacticPath, body: obj{"title": nil}, headers: ifMatch(tacticTag), status: unprocessable, code: "validation_failed", fields: []string{"title"}},
		{name: "tactic PATCH two horizon tags", method: patch, path: tacticPath, body: obj{"tags": []string{"short-term", "long-term"}, "version": tacticVer}, status: unprocessable, code: "validation_failed", fields: []string{"tags"}},
		{name: "tactic PATCH number for string", method: patch, path: tacticPath, body: obj{"title": 5}, headers: ifMatch(tacticTag), status: bad, code: "wrong_type", fields: []string{"title"}},
		{name: "tactic PATCH unknown field", method: patch, path: tacticPath, body: obj{"colour": "red"}, headers: ifMatch(tacticTag), status: bad, code: "unknown_field", fields: []string{"colour"}},
		{name: "tactic PATCH malformed JSON", method: patch, path: tacticPath, body: `{"title": `, headers: ifMatch(tacticTag), status: bad, code: "invalid_json"},
		{name: "tactic PATCH array", method: patch, path: tacticPath, body: `[{"title":"x"}]`, headers: ifMatch(tacticTag), status: bad, code: "invalid_json"},
		{name: "tactic PATCH string version", method: patch, path: tacticPath, body: obj{"title": "x", "version": "abc"}, status: bad, code: "wrong_type", fields: []string{"version"}},
		{name: "stage PUT moves chain", method: put, path: stagePath, body: with(stage, "chain_id", 999999), headers: ifMatch(stageTag), status: unprocessable, code: "validation_failed", fields: []string{"chain_id"}},
		{name: "stage PATCH bad side and no position", method: patch, path: stagePath, body: obj{"side": "middle", "position": nil}, headers: ifMatch(stageTag), status: unprocessable, code: "validation_failed", fields: []string{"side", "position"}},
		{name: "chain PATCH bad slug", method: patch, path: "/api/v1/chains/sex-trafficking", body: obj{"slug": "Bad Slug"}, headers: ifMatch(chainTag), status: unprocessable, code: "validation_failed", fields: []string{"slug"}},
		{name: "tag PUT missing group", method: put, path: longTermPath, body: with(longTerm, "group", absent{}), status: unprocessable, code: "validation_failed", fields: []string{"group"}},

		// Sources, and citations of them.
		{name: "source unknown field", method: post, path: "/api/v1/sources", body: with(newSource, "publisher", "Walk Free"), status: bad, code: "unknown_field", fields: []string{"publisher"}},
		{name: "source string for year", method: post, path: "/api/v1/sources", body: with(newSource, "year", "2023"), status: bad, code: "wrong_type", fields: []string{"year"}},
		{name: "source empty object", method: post, path: "/api/v1/sources", body: obj{}, status: unprocessable, code: "validation_failed", fields: []string{"slug", "title", "type"}},
		{name: "source bad slug", method: post, path: "/api/v1/sources", body: with(newSource, "slug", "New Source"), status: unprocessable, code: "validation_failed", fields: []string{"slug"}},
		{name: "source bad type", method: post, path: "/api/v1/sources", body: with(newSource, "type", "blog"), status: unprocessable, code: "validation_failed", fields: []string{"type"}},
		{name: "source bad DOI", method: post, path: "/api/v1/sources", body: with(newSource, "doi", "https://doi.org/10.1000/x"), status: unprocessable, code: "validation_failed", fields: []string{"doi"}},
		{name: "source non-http URL", method: post, path: "/api/v1/sources", body: with(newSource, "url", "ftp://example.org/report"), status: unprocessable, code: "validation_failed", fields: []string{"url"}},
		{name: "source relative archived URL", method: post, path: "/api/v1/sources", body: with(newSource, "archived_url", "/web/2023/report"), status: unprocessable, code: "validation_failed", fields: []string{"archived_url"}},
		{name: "source bad date", method: post, path: "/api/v1/sources", body: with(newSource, "accessed_on", "29/11/2026"), status: unprocessable, code: "validation_failed", fields: []string{"accessed_on"}},
		{name: "source impossible date", method: post, path: "/api/v1/sources", body: with(newSource, "verified", "2026-02-30"), status: unprocessable, code: "validation_failed", fields: []string{"verified"}},
		{name: "source bad language", method: post, path: "/api/v1/sources", body: with(newSource, "language", "English!"), status: unprocessable, code: "validation_failed", fields: []string{"language"}},
		{name: "source year 3000", method: post, path: "/api/v1/sources", body: with(newSource, "year", 3000), status: unprocessable, code: "validation_failed", fields: []string{"year"}},
		{name: "source blank author", method: post, path: "/api/v1/sources", body: with(newSource, "authors", []string{"Walk Free", " "}), status: unprocessable, code: "validation_failed", fields: []string{"authors/1"}},
		{name: "source duplicate slug", method: post, path: "/api/v1/sources", body: with(newSource, "slug", "cited-source"), status: http.StatusConflict, code: "duplicate_slug"},
		{name: "source PATCH without precondition", method: patch, path: "/api/v1/sources/cited-source", body: obj{"title": "T"}, status: http.StatusPreconditionRequired, code: "precondition_required"},
		{name: "source PATCH bad DOI", method: patch, path: "/api/v1/sources/cited-source", body: obj{"doi": "no"}, headers: ifMatch(citedSourceTag), status: unprocessable, code: "validation_failed", fields: []string{"doi"}},
		{name: "source cited renamed", method: put, path: "/api/v1/sources/cited-source", body: with(citedSource, "slug", "renamed-source"), headers: ifMatch(citedSourceTag), status: http.StatusConflict, code: "in_use"},
		{name: "source cited deleted", method: del, path: "/api/v1/sources/cited-source", status: http.StatusConflict, code: "in_use", detail: `\b1 object`},
		{name: "source not found", method: get, path: "/api/v1/sources/no-such-source", status: http.StatusNotFound, code: "not_found"},
		{name: "source key malformed", method: get, path: "/api/v1/sources/Not_A_Slug", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "sources bad type", method: get, path: "/api/v1/sources?type=blog", status: bad, code: "bad_query", fields: []string{"type"}},
		{name: "sources bad years", method: get, path: "/api/v1/sources?year_from=abc&year_to=99999", status: bad, code: "bad_query", fields: []string{"year_from", "year_to"}},
		{name: "sources years reversed", method: get, path: "/api/v1/sources?year_from=2020&year_to=2010", status: bad, code: "bad_query", fields: []string{"year_to"}},
		{name: "sources sort by year", method: get, path: "/api/v1/sources?sort=year", status: bad, code: "bad_sort"},
		{name: "sources unknown filter", method: get, path: "/api/v1/sources?publisher=x", status: bad, code: "bad_query", fields: []string{"publisher"}},
		{name: "chain citation of unknown source", method: post, path: "/api/v1/chains", body: with(newChain, "citations", cites("no-such-source")), status: unprocessable, code: "validation_failed", fields: []string{"citations/0/source"}},
		{name: "chain PATCH citation of unknown source", method: patch, path: "/api/v1/chains/sex-trafficking", body: obj{"citations": append(cites("cited-source"), cites("no-such-source")...)}, headers: ifMatch(chainTag), status: unprocessable, code: "validation_failed", fields: []string{"citations/1/source"}},
		{name: "stage citation of unknown source", method: post, path: "/api/v1/stages", body: with(newStage, "citations", cites("no-such-source")), status: unprocessable, code: "validation_failed", fields: []string{"citations/0/source"}},
		{name: "tag quote over 40 words", method: post, path: "/api/v1/tags", body: with(newTag, "citations", []obj{{"source": "cited-source", "quote": words41, "supports": "supports"}}), status: unprocessable, code: "validation_failed", fields: []string{"citations/0/quote"}},
		{name: "tag citation bad supports", method: post, path: "/api/v1/tags", body: with(newTag, "citations", []obj{{"source": "cited-source", "supports": "agrees"}}), status: unprocessable, code: "validation_failed", fields: []string{"citations/0/supports"}},
		{name: "tag citation source not a slug", method: post, path: "/api/v1/tags", body: with(newTag, "citations", cites("Not A Slug")), status: unprocessable, code: "validation_failed", fields: []string{"citations/0/source"}},
		{name: "tag citation unknown field", method: post, path: "/api/v1/tags", body: with(newTag, "citations", []obj{{"source": "cited-source", "supports": "supports", "page": 3}}), status: bad, code: "unknown_field"},

		// Deleting what others still point at.
		{name: "chain with stages", method: del, path: "/api/v1/chains/sex-trafficking", status: http.StatusConflict, code: "in_use", detail: fmt.Sprintf(`\b%d\b`, *stages.Total)},
		{name: "stage with tactics", method: del, path: stagePath, headers: ifMatch(stageTag), status: http.StatusConflict, code: "in_use", detail: fmt.Sprintf(`\b%d\b`, *stageTactics.Total)},
		{name: "tag in use", method: del, path: "/api/v1/tags/prosecution", status: http.StatusConflict, code: "in_use", detail: fmt.Sprintf(`\b%d\b`, prosecutionUses)},

		// Query parameters.
		{name: "limit 0", method: get, path: "/api/v1/tactics?limit=0", status: bad, code: "bad_query", fields: []string{"limit"}},
		{name: "limit 201", method: get, path: "/api/v1/tactics?limit=201", status: bad, code: "bad_query", fields: []string{"limit"}},
		{name: "limit abc", method: get, path: "/api/v1/chains?limit=abc", status: bad, code: "bad_query", fields: []string{"limit"}},
		{name: "limit twice", method: get, path: "/api/v1/tags?limit=1&limit=2", status: bad, code: "bad_query", fields: []string{"limit"}},
		{name: "unknown parameter", method: get, path: "/api/v1/tactics?stag=1", status: bad, code: "bad_query", fields: []string{"stag"}},
		{name: "unknown parameter on stages", method: get, path: "/api/v1/stages?kind=current", status: bad, code: "bad_query", fields: []string{"kind"}},
		{name: "kind maybe", method: get, path: "/api/v1/tactics?kind=maybe", status: bad, code: "bad_query", fields: []string{"kind"}},
		{name: "stage abc", method: get, path: "/api/v1/tactics?stage=abc", status: bad, code: "bad_query", fields: []string{"stage"}},
		{name: "stage 0", method: get, path: "/api/v1/tactics?stage=0", status: bad, code: "bad_query", fields: []string{"stage"}},
		{name: "chain filter malformed", method: get, path: "/api/v1/tactics?chain=Sex_Trafficking", status: bad, code: "bad_query", fields: []string{"chain"}},
		{name: "tag filter malformed", method: get, path: "/api/v1/tactics?tag=short-term&tag=Bad%20Tag", status: bad, code: "bad_query", fields: []string{"tag"}},
		{name: "horizon filter malformed", method: get, path: "/api/v1/tactics?horizon=Short_Term", status: bad, code: "bad_query", fields: []string{"horizon"}},
		{name: "q over 200", method: get, path: "/api/v1/tactics?q=" + long(201), status: bad, code: "bad_query", fields: []string{"q"}},
		{name: "search without q", method: get, path: "/api/v1/search", status: bad, code: "bad_query", fields: []string{"q"}},
		{name: "search q unclosed quote", method: get, path: "/api/v1/search?q=%22unclosed", status: bad, code: "bad_query", fields: []string{"q"}},
		{name: "search q lone star", method: get, path: "/api/v1/search?q=*", status: bad, code: "bad_query", fields: []string{"q"}},
		{name: "search type unknown", method: get, path: "/api/v1/search?q=debt&type=tactic&type=poem", status: bad, code: "bad_query", fields: []string{"type"}},
		{name: "search sort", method: get, path: "/api/v1/search?q=debt&sort=id", status: bad, code: "bad_query", fields: []string{"sort"}},
		{name: "search cursor of a list", method: get, path: "/api/v1/search?q=debt&cursor=" + cursor, status: bad, code: "cursor_mismatch"},
		{name: "tactics q lone minus", method: get, path: "/api/v1/tactics?q=debt+-", status: bad, code: "bad_query", fields: []string{"q"}},
		{name: "sources q only exclusions", method: get, path: "/api/v1/sources?q=-kara", status: bad, code: "bad_query", fields: []string{"q"}},
		{name: "include_total maybe", method: get, path: "/api/v1/tags?include_total=maybe", status: bad, code: "bad_query", fields: []string{"include_total"}},
		{name: "side middle", method: get, path: "/api/v1/stages?side=middle", status: bad, code: "bad_query", fields: []string{"side"}},
		{name: "group malformed", method: get, path: "/api/v1/tags?group=Not_A_Slug", status: bad, code: "bad_query", fields: []string{"group"}},
		{name: "several bad parameters", method: get, path: "/api/v1/tactics?limit=0&kind=maybe&stage=abc&include_total=maybe&bogus=1", status: bad, code: "bad_query", fields: []string{"limit", "kind", "stage", "include_total", "bogus"}},
		{name: "tactic sort field", method: get, path: "/api/v1/tactics?sort=colour", status: bad, code: "bad_sort"},
		{name: "chain sort descending field", method: get, path: "/api/v1/chains?sort=-colour", status: bad, code: "bad_sort"},
		{name: "tag sort on derived field", method: get, path: "/api/v1/tags?sort=tactic_count", status: bad, code: "bad_sort"},
		{name: "cursor malformed", method: get, path: "/api/v1/tactics?cursor=%21%21%21not-base64", status: bad, code: "bad_cursor"},
		{name: "cursor not ours", method: get, path: "/api/v1/tactics?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("this is garbage")), status: bad, code: "bad_cursor"},
		{name: "cursor JSON not ours", method: get, path: "/api/v1/tactics?cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`{"page":2}`)), status: bad, code: "bad_cursor"},
		{name: "cursor text with NUL", method: get, path: "/api/v1/tactics?limit=2&sort=title&cursor=" + nulCursor, status: bad, code: "bad_cursor"},
		{name: "cursor with other filter", method: get, path: "/api/v1/tactics?limit=2&kind=current&cursor=" + cursor, status: bad, code: "cursor_mismatch"},
		{name: "cursor with other sort", method: get, path: "/api/v1/tactics?limit=2&sort=-id&cursor=" + cursor, status: bad, code: "cursor_mismatch"},
		{name: "cursor with other q", method: get, path: "/api/v1/tactics?limit=2&q=brothel&cursor=" + cursor, status: bad, code: "cursor_mismatch"},
		{name: "cursor of another collection", method: get, path: "/api/v1/stages?limit=2&cursor=" + cursor, status: bad, code: "cursor_mismatch"},

		// Malformed ids in the path.
		{name: "tactic id abc", method: get, path: "/api/v1/tactics/abc", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "tactic id 0", method: get, path: "/api/v1/tactics/0", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "stage id negative", method: get, path: "/api/v1/stages/-3", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "chain key not a slug", method: get, path: "/api/v1/chains/Not%20A%20Slug", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "tag key not a slug on PUT", method: put, path: "/api/v1/tags/Long_Term", body: longTerm, status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "tactic id fraction on DELETE", method: del, path: "/api/v1/tactics/1.5", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "stage id slug on PATCH", method: patch, path: "/api/v1/stages/product", body: obj{"name": "Victim"}, headers: ifMatch(stageTag), status: bad, code: "bad_path", fields: []string{"id"}},

		// Objects that do not exist.
		{name: "tactic not found", method: get, path: "/api/v1/tactics/999999", status: http.StatusNotFound, code: "not_found"},
		{name: "chain not found", method: get, path: "/api/v1/chains/no-such-chain", status: http.StatusNotFound, code: "not_found"},
		{name: "chain id not found", method: get, path: "/api/v1/chains/999999", status: http.StatusNotFound, code: "not_found"},
		{name: "tag not found", method: get, path: "/api/v1/tags/999999", status: http.StatusNotFound, code: "not_found"},
		{name: "stage not found on PATCH", method: patch, path: "/api/v1/stages/999999", body: obj{"name": "x", "version": 1}, status: http.StatusNotFound, code: "not_found"},
		{name: "tactic not found on PUT", method: put, path: "/api/v1/tactics/999999", body: with(tacticPut, "version", 1), status: http.StatusNotFound, code: "not_found"},
		{name: "tag not found on DELETE", method: del, path: "/api/v1/tags/no-such-tag", status: http.StatusNotFound, code: "not_found"},

		// Relations.
		{name: "relation unknown type", method: post, path: "/api/v1/relations", body: with(newRelation, "type", "enables"), status: unprocessable, code: "validation_failed", fields: []string{"type"}},
		{name: "relation to itself", method: post, path: "/api/v1/relations", body: with(newRelation, "to", codeA), status: unprocessable, code: "validation_failed", fields: []string{"to"}},
		{name: "relation to itself by id", method: post, path: "/api/v1/relations", body: with(newRelation, "to", fmt.Sprint(tacticID)), status: unprocessable, code: "validation_failed", fields: []string{"to"}},
		{name: "relation missing tactic", method: post, path: "/api/v1/relations", body: with(newRelation, "from", "ZZ-Z-R99", "to", "999999"), status: unprocessable, code: "validation_failed", fields: []string{"from", "to"}},
		{name: "relation duplicate", method: post, path: "/api/v1/relations", body: newRelation, status: http.StatusConflict, code: "duplicate_relation"},
		{name: "relation addresses a tactic that is not a condition", method: post, path: "/api/v1/relations", body: with(newRelation, "type", "addresses", "from", codeB, "to", codeA), status: unprocessable, code: "validation_failed", fields: []string{"to"}},
		{name: "relation addresses from a condition", method: post, path: "/api/v1/relations", body: obj{"from": "ST-P-K01", "to": "ST-P-K02", "type": "addresses"}, status: unprocessable, code: "validation_failed", fields: []string{"from"}},
		{name: "relation loop", method: post, path: "/api/v1/relations", body: with(newRelation, "from", codeB, "to", codeA), status: unprocessable, code: "validation_failed", fields: []string{"to"}},
		{name: "relation unknown field", method: post, path: "/api/v1/relations", body: with(newRelation, "direction", "outgoing"), status: bad, code: "unknown_field", fields: []string{"direction"}},
		{name: "relation empty object", method: post, path: "/api/v1/relations", body: obj{}, status: unprocessable, code: "validation_failed", fields: []string{"from", "to", "type"}},
		{name: "relation PATCH to itself", method: patch, path: relPath, body: obj{"to": codeA, "version": 1}, status: unprocessable, code: "validation_failed", fields: []string{"to"}},
		{name: "relation PUT without precondition", method: put, path: relPath, body: newRelation, status: http.StatusPreconditionRequired, code: "precondition_required"},
		{name: "relation not found", method: get, path: "/api/v1/relations/999999", status: http.StatusNotFound, code: "not_found"},
		{name: "relation id malformed", method: get, path: "/api/v1/relations/abc", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "relation type filter", method: get, path: "/api/v1/relations?type=enables", status: bad, code: "bad_query", fields: []string{"type"}},
		{name: "relation tactic filter", method: get, path: "/api/v1/relations?tactic=st-r-r01", status: bad, code: "bad_query", fields: []string{"tactic"}},
		{name: "relation sort field", method: get, path: "/api/v1/relations?sort=from", status: bad, code: "bad_sort"},
		{name: "tactic relations key malformed", method: get, path: "/api/v1/tactics/0/relations", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "tactic relations not found", method: get, path: "/api/v1/tactics/ZZ-Z-R99/relations", status: http.StatusNotFound, code: "not_found"},

		// The chain table.
		{name: "table horizon malformed", method: get, path: "/api/v1/chains/sex-trafficking/table?horizon=Bad_Slug", status: bad, code: "bad_query", fields: []string{"horizon"}},
		{name: "table unknown parameter", method: get, path: "/api/v1/chains/sex-trafficking/table?kind=current", status: bad, code: "bad_query", fields: []string{"kind"}},
		{name: "table chain key malformed", method: get, path: "/api/v1/chains/0/table", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "table chain not found", method: get, path: "/api/v1/chains/no-such-chain/table", status: http.StatusNotFound, code: "not_found"},

		// Parameters of the risk-reward model.
		{name: "parameter empty object", method: post, path: "/api/v1/parameters", body: obj{}, status: unprocessable, code: "validation_failed", fields: []string{"slug", "symbol", "geography", "period", "estimate", "central"}},
		{name: "parameter unknown symbol", method: post, path: "/api/v1/parameters", body: with(newParam, "symbol", "bribes"), status: unprocessable, code: "validation_failed", fields: []string{"symbol"}},
		{name: "parameter low above high", method: post, path: "/api/v1/parameters", body: with(newParam, "central", nil, "low", 10, "high", 5), status: unprocessable, code: "validation_failed", fields: []string{"high"}},
		{name: "parameter central above high", method: post, path: "/api/v1/parameters", body: with(newParam, "high", 40), status: unprocessable, code: "validation_failed", fields: []string{"high"}},
		{name: "parameter probability over 1", method: post, path: "/api/v1/parameters", body: with(newParam, "symbol", "p_conviction", "currency", "", "price_year", nil, "basis", "", "unit", "", "central", 1.5), status: unprocessable, code: "validation_failed", fields: []string{"central"}},
		{name: "parameter negative amount", method: post, path: "/api/v1/parameters", body: with(newParam, "central", -44), status: unprocessable, code: "validation_failed", fields: []string{"central"}},
		{name: "parameter negative elasticity", method: post, path: "/api/v1/parameters", body: with(newParam, "symbol", "price_elasticity", "currency", "", "price_year", nil, "basis", "", "unit", "", "central", -1), status: unprocessable, code: "validation_failed", fields: []string{"central"}},
		{name: "parameter no value", method: post, path: "/api/v1/parameters", body: with(newParam, "central", nil), status: unprocessable, code: "validation_failed", fields: []string{"central"}},
		{name: "parameter bad currency", method: post, path: "/api/v1/parameters", body: with(newParam, "currency", "DOLLARS"), status: unprocessable, code: "validation_failed", fields: []string{"currency"}},
		{name: "parameter bad geography", method: post, path: "/api/v1/parameters", body: with(newParam, "geography", "India"), status: unprocessable, code: "validation_failed", fields: []string{"geography"}},
		{name: "parameter bad period", method: post, path: "/api/v1/parameters", body: with(newParam, "period", "2014-2010"), status: unprocessable, code: "validation_failed", fields: []string{"period"}},
		{name: "parameter bad estimate", method: post, path: "/api/v1/parameters", body: with(newParam, "estimate", "guess"), status: unprocessable, code: "validation_failed", fields: []string{"estimate"}},
		{name: "parameter unknown chain", method: post, path: "/api/v1/parameters", body: with(newParam, "chain", "no-such-chain"), status: unprocessable, code: "validation_failed", fields: []string{"chain"}},
		{name: "parameter stage of no chain", method: post, path: "/api/v1/parameters", body: with(newParam, "stage", "launderer"), status: unprocessable, code: "validation_failed", fields: []string{"stage"}},
		{name: "parameter unknown source", method: post, path: "/api/v1/parameters", body: with(newParam, "citations", []obj{{"source": "no-such-source", "locator": "", "supports": "supports"}}), status: unprocessable, code: "validation_failed", fields: []string{"citations/0/source"}},
		{name: "country empty object", method: post, path: "/api/v1/countries", body: obj{}, status: unprocessable, code: "validation_failed", fields: []string{"iso"}},
		{name: "country unknown code", method: post, path: "/api/v1/countries", body: obj{"iso": "XX"}, status: unprocessable, code: "validation_failed", fields: []string{"iso"}},
		{name: "country region code", method: post, path: "/api/v1/countries", body: obj{"iso": "EU"}, status: unprocessable, code: "validation_failed", fields: []string{"iso"}},
		{name: "country unknown source", method: post, path: "/api/v1/countries", body: obj{"iso": "KE", "ratifications": []obj{{"instrument": "ilo-c029", "status": "ratified", "source": "no-such-source"}}}, status: unprocessable, code: "validation_failed", fields: []string{"ratifications/0/source"}},
		{name: "country bad path", method: get, path: "/api/v1/countries/K1", status: bad, code: "bad_path", fields: []string{"id"}},
		{name: "country bad status", method: post, path: "/api/v1/countries", body: obj{"iso": "KE", "status": "live"}, status: unprocessable, code: "validation_failed", fields: []string{"status"}},
		{name: "countries bad status filter", method: get, path: "/api/v1/countries?status=live", status: bad, code: "bad_query", fields: []string{"status"}},
		{name: "comparison bad sort", method: get, path: "/api/v1/chains/sex-trafficking/countries?sort=speed", status: bad, code: "bad_query", fields: []string{"sort"}},
		{name: "parameter without its input set", method: post, path: "/api/v1/parameters", body: with(newParam, "input_set", ""), status: unprocessable, code: "validation_failed", fields: []string{"input_set"}},
		{name: "parameter money without a price year", method: post, path: "/api/v1/parameters", body: with(newParam, "price_year", nil), status: unprocessable, code: "validation_failed", fields: []string{"price_year"}},
		{name: "parameter penalty without its basis", method: post, path: "/api/v1/parameters", body: with(newParam, "basis", ""), status: unprocessable, code: "validation_failed", fields: []string{"basis"}},
		{name: "parameter in a unit the model does not read", method: post, path: "/api/v1/parameters", body: with(newParam, "unit", "INR per day"), status: unprocessable, code: "validation_failed", fields: []string{"unit"}},
		{name: "parameter region unknown", method: post, path: "/api/v1/parameters", body: with(newParam, "geography", "M49:999"), status: unprocessable, code: "validation_failed", fields: []string{"geography"}},
		{name: "parameter rate in a chain", method: post, path: "/api/v1/parameters", body: with(newParam, "symbol", "exchange_rate", "currency", "INR", "price_year", nil, "basis", "", "unit", ""), status: unprocessable, code: "validation_failed", fields: []string{"chain", "input_set", "stage"}},
		{name: "parameter effect on a chain's symbol", method: post, path: "/api/v1/tactics", body: obj{"stage_id": 3, "kind": "recommended", "title": "T", "summary": "S.", "acts_on": []obj{{"symbol": "victims", "direction": "lowers", "effect": "", "citations": []obj{}}}}, status: unprocessable, code: "validation_failed", fields: []string{"acts_on/0/symbol"}},
		{name: "parameter effect size against its direction", method: post, path: "/api/v1/tactics", body: obj{"stage_id": 3, "kind": "recommended", "title": "T", "summary": "S.", "acts_on": []obj{{"symbol": "fine", "direction": "raises", "effect": "", "citations": []obj{}, "size": obj{"kind": "multiplier", "central": 0.5, "citation": obj{"source": "kara-2009-marketplace", "supports": "supports"}, "evidence_level": "none"}}}}, status: unprocessable, code: "validation_failed", fields: []string{"acts_on/0/size"}},
		{name: "parameter effect on another chain's stage", method: post, path: "/api/v1/tactics", body: obj{"stage_id": 3, "kind": "recommended", "title": "T", "summary": "S.", "acts_on": []obj{{"symbol": "fine", "direction": "raises", "effect": "", "citations": []obj{}, "links": []string{"employer"}}}}, status: unprocessable, code: "validation_failed", fields: []string{"acts_on/0/links/0"}},
		{name: "parameter string for number", method: post, path: "/api/v1/parameters", body: with(newParam, "central", "44"), status: bad, code: "wrong_type", fields: []string{"central"}},
		{name: "parameter unknown field", method: post, path: "/api/v1/parameters", body: with(newParam, "value", 44), status: bad, code: "unknown_field", fields: []string{"value"}},
		{name: "parameter duplicate slug", method: post, path: "/api/v1/parameters", body: with(newParam, "slug", "st-profit-in-2009"), status: http.StatusConflict, code: "duplicate_slug"},
		{name: "parameter not found", method: get, path: "/api/v1/parameters/no-such-parameter", status: http.StatusNotFound, code: "not_found"},
		{name: "parameters symbol filter", method: get, path: "/api/v1/parameters?symbol=bribes", status: bad, code: "bad_query", fields: []string{"symbol"}},
		{name: "parameters geography filter", method: get, path: "/api/v1/parameters?geography=india", status: bad, code: "bad_query", fields: []string{"geography"}},
		{name: "parameters estimate filter", method: get, path: "/api/v1/parameters?estimate=guess", status: bad, code: "bad_query", fields: []string{"estimate"}},
		{name: "parameters unknown filter", method: get, path: "/api/v1/parameters?kind=current", status: bad, code: "bad_query", fields: []string{"kind"}},
		{name: "parameters sort field", method: get, path: "/api/v1/parameters?sort=value", status: bad, code: "bad_sort"},

		// The economics of a chain, and its scenarios.
		{name: "economics unknown parameter", method: get, path: econ + "country=IN", status: bad, code: "bad_query", fields: []string{"country"}},
		{name: "economics geo malformed", method: get, path: econ + "geo=india", status: bad, code: "bad_query", fields: []string{"geo"}},
		{name: "economics year malformed", method: get, path: econ + "year=09", status: bad, code: "bad_query", fields: []string{"year"}},
		{name: "economics unknown symbol", method: get, path: econ + "set.bribes=5", status: bad, code: "bad_query", fields: []string{"set.bribes"}},
		{name: "economics override not a number", method: get, path: econ + "set.fine=5%2C000%24", status: bad, code: "bad_query", fields: []string{"set.fine"}},
		{name: "economics override word", method: get, path: econ + "set.fine=lots", status: bad, code: "bad_query", fields: []string{"set.fine"}},
		{name: "economics override NaN", method: get, path: econ + "set.fine=NaN", status: bad, code: "bad_query", fields: []string{"set.fine"}},
		{name: "economics override infinite", method: get, path: econ + "set.profit=Inf", status: bad, code: "bad_query", fields: []string{"set.profit"}},
		{name: "economics override overflow", method: get, path: econ + "set.profit=1e999", status: bad, code: "bad_query", fields: []string{"set.profit"}},
		{name: "economics probability over 1", method: get, path: econ + "set.p_conviction=1.5", status: bad, code: "bad_query", fields: []string{"set.p_conviction"}},
		{name: "economics probability negative", method: get, path: econ + "set.p_detect=-0.1", status: bad, code: "bad_query", fields: []string{"set.p_detect"}},
		{name: "economics negative amount", method: get, path: econ + "set.fine=-5", status: bad, code: "bad_query", fields: []string{"set.fine"}},
		{name: "economics range out of order", method: get, path: econ + "set.fine=10,5,1", status: bad, code: "bad_query", fields: []string{"set.fine"}},
		{name: "economics override empty", method: get, path: econ + "set.fine=", status: bad, code: "bad_query", fields: []string{"set.fine"}},
		{name: "economics unknown tactic", method: get, path: econ + "apply=ST-R-R99", status: bad, code: "bad_query", fields: []string{"apply"}},
		{name: "economics tactic code malformed", method: get, path: econ + "apply=raise-fines", status: bad, code: "bad_query", fields: []string{"apply"}},
		{name: "economics apply empty", method: get, path: econ + "apply=", status: bad, code: "bad_query", fields: []string{"apply"}},
		{name: "economics several bad parameters", method: get, path: econ + "geo=xx&set.fine=-1&set.p_convict=2&bogus=1", status: bad, code: "bad_query", fields: []string{"geo", "set.fine", "set.p_convict", "bogus"}},
		{name: "economics chain not found", method: get, path: "/api/v1/chains/no-such-chain/economics", status: http.StatusNotFound, code: "not_found"},
		{name: "economics chain key malformed", method: get, path: "/api/v1/chains/0/economics", status: bad, code: "bad_path", fields: []string{"id"}},

		// Routes and methods.
		{name: "unknown route", method: get, path: "/api/v1/nope", status: http.StatusNotFound, code: "no_route"},
		{name: "unknown version", method: get, path: "/api/v2/chains", status: http.StatusNotFound, code: "no_route"},
		{name: "unknown sub-resource", method: get, path: "/api/v1/chains/sex-trafficking/stages", status: http.StatusNotFound, code: "no_route"},
		{name: "DELETE on a collection", method: del, path: "/api/v1/chains", status: http.StatusMethodNotAllowed, code: "method_not_allowed", allow: []string{"GET", "POST"}},
		{name: "PATCH on a collection", method: patch, path: "/api/v1/tactics", body: obj{"title": "x"}, status: http.StatusMethodNotAllowed, code: "method_not_allowed", allow: []string{"GET", "POST"}},
		{name: "POST on an object", method: post, path: "/api/v1/tags/short-term", body: newTag, status: http.StatusMethodNotAllowed, code: "method_not_allowed", allow: []string{"GET", "PUT", "PATCH", "DELETE"}},
		{name: "POST on the table", method: post, path: "/api/v1/chains/sex-trafficking/table", body: obj{}, status: http.StatusMethodNotAllowed, code: "method_not_allowed", allow: []string{"GET"}},

		// Bodies over the limit.
		{name: "chain POST over 1 MiB", method: post, path: "/api/v1/chains", body: huge, status: http.StatusRequestEntityTooLarge, code: "body_too_large"},
		{name: "tactic PATCH over 1 MiB", method: patch, path: tacticPath, body: `{"title":"` + strings.Repeat("a", 1<<20) + `"}`, headers: ifMatch(tacticTag), status: http.StatusRequestEntityTooLarge, code: "body_too_large"},

		// Not UTF-8, so not JSON (RFC 8259 section 8.1). Kept last: a server that wrongly accepts it
		// creates a chain, and the cases above must not see that.
		{name: "chain POST invalid UTF-8", method: post, path: "/api/v1/chains", body: "{\"slug\":\"utf8-chain\",\"name\":\"Bad \xff\xfe bytes\"}", status: bad, code: "invalid_json"},
	}

	if len(cases) < 45 {
		t.Fatalf("only %d cases", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("two cases are named %q", tc.name)
		}
		seen[tc.name] = true
	}

	// The cases run one after another on this test's own server, so the database after one case
	// is the database before the next: one snapshot each, compared with the one before.
	before := s.snapshot(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Deferred, so that it runs also when a check below stops the subtest.
			defer func() {
				after := s.snapshot(t)
				if after != before {
					t.Errorf("the failed request changed the database:\n%s", snapshotDiff(before, after))
				}
				before = after
			}()
			res := s.do(t, tc.method, tc.path, tc.body, tc.headers...)
			p := res.problem(t, tc.status)
			if p.Code != tc.code {
				t.Errorf("code = %q, want %q; problem: %+v", p.Code, tc.code, p)
			}
			var got []string
			for _, e := range p.Errors {
				got = append(got, e.Field)
				if e.Message == "" {
					t.Errorf("errors[] entry for %q has no message", e.Field)
				}
			}
			for _, f := range tc.fields {
				if !slices.Contains(got, f) {
					t.Errorf("errors[].field = %q, want it to name %q; problem: %+v", got, f, p)
				}
			}
			if tc.detail != "" && !regexp.MustCompile(tc.detail).MatchString(p.Detail) {
				t.Errorf("detail = %q, want it to match %s", p.Detail, tc.detail)
			}
			if tc.allow != nil {
				allow := res.Header.Get("Allow")
				if allow == "" {
					t.Errorf("405 without an Allow header")
				}
				for _, m := range tc.allow {
					if !slices.Contains(strings.Split(strings.ReplaceAll(allow, " ", ""), ","), m) {
						t.Errorf("Allow = %q, want it to list %s", allow, m)
					}
				}
			}
		})
	}
}
