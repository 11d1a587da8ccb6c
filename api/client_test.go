package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"chainkb/internal/client"
)

// contractDoer sends the generated client's requests and validates each response against the
// OpenAPI document, as s.do does for the other tests.
type contractDoer struct{ t *testing.T }

func (d contractDoer) Do(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	validateResponse(d.t, res.Request, res.StatusCode, res.Header, body)
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, nil
}

func pointerTo[T any](v T) *T { return &v }

// TestGeneratedClientRoundTrip is what a partner does first with the published spec: generate a
// client (internal/client, by oapi-codegen from docs/openapi.json) and create, read, update with a
// precondition, list with a filter and delete a tactic with it.
func TestGeneratedClientRoundTrip(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := context.Background()
	editorKey := func(ctx context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+s.Keys["editor"])
		return nil
	}
	c, err := client.NewClientWithResponses(s.URL+"/api/v1", client.WithHTTPClient(contractDoer{t}), client.WithRequestEditorFn(editorKey))
	if err != nil {
		t.Fatal(err)
	}

	// Create.
	created, err := c.CreateTacticWithResponse(ctx, &client.CreateTacticParams{}, client.TacticInput{
		StageId:       3,
		Kind:          client.TacticInputKindRecommended,
		Status:        pointerTo(client.TacticInputStatusPublished),
		Title:         "Audit the supply chains of hotels for forced sex work",
		Summary:       "Make hotel chains check what happens on their premises.",
		Tags:          tagSlugs(t, "short-term", "remove-enablers"),
		Jurisdictions: &[]string{"global"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.StatusCode() != http.StatusCreated || created.JSON201 == nil {
		t.Fatalf("create: %d %s", created.StatusCode(), created.Body)
	}
	id := created.JSON201.Code // a tactic is addressed by its code as well as its id
	if created.JSON201.ChainId != 1 || len(created.JSON201.Tags) != 2 || created.JSON201.Version != 1 {
		t.Errorf("created = %+v", created.JSON201)
	}
	if loc := created.HTTPResponse.Header.Get("Location"); loc == "" {
		t.Error("create: no Location")
	}

	// Read.
	got, err := c.GetTacticWithResponse(ctx, id, &client.GetTacticParams{})
	if err != nil {
		t.Fatal(err)
	}
	if got.StatusCode() != http.StatusOK || got.JSON200 == nil || got.JSON200.Title != created.JSON201.Title {
		t.Fatalf("get: %d %s", got.StatusCode(), got.Body)
	}
	etag := got.HTTPResponse.Header.Get("ETag")
	notModified, err := c.GetTacticWithResponse(ctx, id, &client.GetTacticParams{IfNoneMatch: &etag})
	if err != nil || notModified.StatusCode() != http.StatusNotModified {
		t.Fatalf("get with If-None-Match: %v %d", err, notModified.StatusCode())
	}

	// Update with a precondition: a merge patch with the ETag; then the same stale ETag is 412.
	patched, err := c.PatchTacticWithApplicationMergePatchPlusJSONBodyWithResponse(ctx, id, &client.PatchTacticParams{IfMatch: &etag},
		client.TacticPatch{Summary: pointerTo("Make hotel chains check, and answer for, what happens on their premises.")})
	if err != nil {
		t.Fatal(err)
	}
	if patched.StatusCode() != http.StatusOK || patched.JSON200 == nil || patched.JSON200.Version != 2 {
		t.Fatalf("patch: %d %s", patched.StatusCode(), patched.Body)
	}
	stale, err := c.PatchTacticWithApplicationMergePatchPlusJSONBodyWithResponse(ctx, id, &client.PatchTacticParams{IfMatch: &etag},
		client.TacticPatch{Title: pointerTo("Lost update")})
	if err != nil {
		t.Fatal(err)
	}
	if stale.StatusCode() != http.StatusPreconditionFailed || stale.ApplicationproblemJSON412 == nil || stale.ApplicationproblemJSON412.Code != client.ProblemCodePreconditionFailed {
		t.Fatalf("stale patch: %d %s", stale.StatusCode(), stale.Body)
	}
	// A full replacement with the version in the body as the precondition.
	in := client.TacticInput{StageId: patched.JSON200.StageId, Kind: client.TacticInputKind(patched.JSON200.Kind),
		Title: patched.JSON200.Title + " and motels", Summary: patched.JSON200.Summary, Tags: tagSlugs(t, "short-term", "remove-enablers"),
		Version: pointerTo(patched.JSON200.Version)}
	replaced, err := c.ReplaceTacticWithResponse(ctx, id, &client.ReplaceTacticParams{}, in)
	if err != nil {
		t.Fatal(err)
	}
	if replaced.StatusCode() != http.StatusOK || replaced.JSON200.Version != 3 {
		t.Fatalf("replace: %d %s", replaced.StatusCode(), replaced.Body)
	}

	// List with a filter.
	list, err := c.ListTacticsWithResponse(ctx, &client.ListTacticsParams{
		Kind: pointerTo(client.ListTacticsParamsKindRecommended), Tag: &[]string{"remove-enablers", "short-term"},
		Q: pointerTo("motels"), IncludeTotal: pointerTo(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if list.StatusCode() != http.StatusOK || list.JSON200 == nil || list.JSON200.Total == nil || *list.JSON200.Total != 1 ||
		len(list.JSON200.Data) != 1 || list.JSON200.Data[0].Code != id || list.JSON200.NextCursor != nil {
		t.Fatalf("list: %d %s", list.StatusCode(), list.Body)
	}

	// Delete, with the current ETag; then it is gone.
	current := replaced.HTTPResponse.Header.Get("ETag")
	deleted, err := c.DeleteTacticWithResponse(ctx, id, &client.DeleteTacticParams{IfMatch: &current})
	if err != nil {
		t.Fatal(err)
	}
	if deleted.StatusCode() != http.StatusNoContent {
		t.Fatalf("delete: %d %s", deleted.StatusCode(), deleted.Body)
	}
	gone, err := c.GetTacticWithResponse(ctx, id, &client.GetTacticParams{})
	if err != nil {
		t.Fatal(err)
	}
	if gone.StatusCode() != http.StatusNotFound || gone.ApplicationproblemJSON404 == nil {
		t.Fatalf("get after delete: %d %s", gone.StatusCode(), gone.Body)
	}

	// Without a key the client is refused, with the problem decoded.
	anon, err := client.NewClientWithResponses(s.URL+"/api/v1", client.WithHTTPClient(contractDoer{t}))
	if err != nil {
		t.Fatal(err)
	}
	refused, err := anon.CreateTacticWithResponse(ctx, &client.CreateTacticParams{}, in)
	if err != nil {
		t.Fatal(err)
	}
	if refused.StatusCode() != http.StatusUnauthorized || refused.ApplicationproblemJSON401 == nil {
		t.Fatalf("create without a key: %d %s", refused.StatusCode(), refused.Body)
	}
}

// tagSlugs is a tactic's tags written as slugs (the schema also takes the tag objects a GET returns).
func tagSlugs(t *testing.T, slugs ...string) *[]client.TacticInput_Tags_Item {
	t.Helper()
	out := make([]client.TacticInput_Tags_Item, len(slugs))
	for i, s := range slugs {
		if err := out[i].FromTacticInputTags0(s); err != nil {
			t.Fatal(err)
		}
	}
	return &out
}
