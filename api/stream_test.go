package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"chainkb/api"
	"chainkb/handlers"
	"chainkb/models"
)

// sseEvent is one event of a Server-Sent Events stream, or a comment (a heartbeat).
type sseEvent struct {
	ID, Event, Data, Comment string
}

// sseStream is an open stream of the change feed, read by a goroutine into events.
type sseStream struct {
	res    *http.Response
	events chan sseEvent
	cancel context.CancelFunc
}

// openStream opens GET /api/v1/changes/stream as who, with lastEventID as Last-Event-ID if not "".
func openStream(t *testing.T, s *testServer, who, query, lastEventID string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/v1/changes/stream"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Keys[who])
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	st := &sseStream{res: res, events: make(chan sseEvent, 1000), cancel: cancel}
	go func() {
		defer close(st.events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var e sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e != (sseEvent{}) {
					st.events <- e
				}
				e = sseEvent{}
			case strings.HasPrefix(line, ":"):
				e.Comment = strings.TrimSpace(line[1:])
			case strings.HasPrefix(line, "id: "):
				e.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				e.Event = line[7:]
			case strings.HasPrefix(line, "data: "):
				e.Data = line[6:]
			}
		}
	}()
	t.Cleanup(st.close)
	return st
}

func (st *sseStream) close() {
	st.cancel()
	st.res.Body.Close()
}

// next returns the next change event, skipping heartbeats; it fails the test if none comes.
func (st *sseStream) next(t *testing.T) models.Revision {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-st.events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if e.Event != "change" {
				continue
			}
			var r models.Revision
			if err := json.Unmarshal([]byte(e.Data), &r); err != nil {
				t.Fatalf("event data %q: %v", e.Data, err)
			}
			if e.ID != strconv.FormatInt(r.ID, 10) {
				t.Fatalf("event id %s for change %d", e.ID, r.ID)
			}
			return r
		case <-timeout:
			t.Fatal("no event came")
		}
	}
}

// TestChangeStream: the stream sends the change feed's entries as the key sees them, then each
// new change as it happens, with heartbeats while idle; a client that reconnects with
// Last-Event-ID resumes where it left off, with nothing skipped and nothing twice.
func TestChangeStream(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	s := newOpsServer(t, nil, api.WithStreamTiming(handlers.StreamTiming{Heartbeat: 150 * time.Millisecond, Poll: 20 * time.Millisecond, Done: done}))
	feed := changeFeed(t, s, 200, authAs(s, "reader")...)

	// From a point in the feed: the same entries as GET /changes.
	from := feed[len(feed)-30].ID
	st := openStream(t, s, "reader", fmt.Sprintf("?after=%d", from), "")
	for _, want := range feed[len(feed)-29:] {
		got := st.next(t)
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		if !sameJSON(t, a, b) {
			t.Fatalf("stream entry %s, feed entry %s", a, b)
		}
	}
	// New changes as they happen; a draft is not the reader's to see.
	draft := with(citedTactic(t, s), "status", "draft", "title", "Draft for the stream test")
	s.do(t, "POST", "/api/v1/tactics", draft).mustStatus(t, 201)
	newTag(t, s, "streamed-1")
	if got := st.next(t); got.Entity != "tag" || !strings.Contains(string(got.Data), "streamed-1") {
		t.Fatalf("the reader's next event is %s %s %s, want the tag (not the draft)", got.Entity, got.Action, got.Data)
	}
	heartbeat := false
	for timeout := time.After(2 * time.Second); !heartbeat; {
		select {
		case e := <-st.events:
			heartbeat = e.Comment == "heartbeat"
		case <-timeout:
			t.Fatal("no heartbeat while idle")
		}
	}
	now := changeFeed(t, s, 200, authAs(s, "reader")...)
	last := now[len(now)-1].ID
	st.close()

	// Changes while disconnected; the reconnection resumes after the last one received, whatever
	// the URL's after says.
	newTag(t, s, "streamed-2")
	newTag(t, s, "streamed-3")
	again := openStream(t, s, "reader", "?after=0", strconv.FormatInt(last, 10))
	for _, slug := range []string{"streamed-2", "streamed-3"} {
		if got := again.next(t); got.ID <= last || !strings.Contains(string(got.Data), slug) {
			t.Fatalf("after reconnecting: change %d %s, want %s after %d", got.ID, got.Data, slug, last)
		}
	}
	// An editor's stream has the draft.
	ed := openStream(t, s, "editor", fmt.Sprintf("?after=%d", from), "")
	sawDraft := false
	for range 40 {
		if r := ed.next(t); strings.Contains(string(r.Data), "Draft for the stream test") {
			sawDraft = true
			break
		}
	}
	if !sawDraft {
		t.Error("the editor's stream has no draft")
	}

	// Bad starting points are 400 before anything streams; anonymous is 401.
	for _, c := range []struct{ query, lastEventID, field string }{{"?after=x", "", "after"}, {"", "-3", "Last-Event-ID"}, {"?after=1&limit=2", "", "limit"}} {
		res := s.do(t, "GET", "/api/v1/changes/stream"+c.query, nil, append(authAs(s, "reader"), "Last-Event-ID", c.lastEventID)...)
		if p := res.problem(t, http.StatusBadRequest); len(p.Errors) == 0 || p.Errors[0].Field != c.field {
			t.Errorf("%s %s: %+v", c.query, c.lastEventID, p.Errors)
		}
	}
	s.do(t, "GET", "/api/v1/changes/stream", nil, authAs(s, "anonymous")...).problem(t, http.StatusUnauthorized)

	// A revoked key's stream ends at its next heartbeat; every stream ends when the server shuts
	// down.
	var k models.NewAPIKey
	s.do(t, "POST", "/api/v1/keys", obj{"name": "short-lived", "role": "reader"}, authAs(s, "admin")...).mustStatus(t, 201).decode(t, &k)
	s.Keys["short-lived"] = k.Key
	doomed := openStream(t, s, "short-lived", fmt.Sprintf("?after=%d", last), "")
	s.do(t, "DELETE", fmt.Sprintf("/api/v1/keys/%d", k.ID), nil, authAs(s, "admin")...).mustStatus(t, 204)
	waitEnd := func(st *sseStream, what string) {
		t.Helper()
		for timeout := time.After(5 * time.Second); ; {
			select {
			case _, ok := <-st.events:
				if !ok {
					return
				}
			case <-timeout:
				t.Fatalf("%s did not end", what)
			}
		}
	}
	waitEnd(doomed, "the revoked key's stream")
	close(done)
	waitEnd(again, "a stream at shutdown")
}
