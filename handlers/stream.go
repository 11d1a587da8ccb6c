package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"chainkb/internal/apidoc"
	"chainkb/internal/store"
	"chainkb/models"
)

// StreamTiming tunes the change feed's stream; the zero value of each field takes its default.
type StreamTiming struct {
	// Heartbeat is how often an idle stream sends a comment line, so that proxies keep it open and
	// both ends notice a dead connection (default 15 s). The key is checked again then: a revoked
	// key's stream ends.
	Heartbeat time.Duration
	// Poll is how often the knowledge base's generation is read while any stream is open, to learn
	// of changes made here or on another instance (default 250 ms): one indexed read per instance,
	// however many streams there are.
	Poll time.Duration
	// Done, when closed, ends every stream: the server is shutting down, and a stream would
	// otherwise hold the graceful shutdown up until its grace runs out. Clients reconnect with
	// Last-Event-ID.
	Done <-chan struct{}
}

// streamPage is how many entries a stream reads at a time.
const streamPage = 200

// ChangeStreamDoc describes GET /changes/stream.
var ChangeStreamDoc = apidoc.Op{
	ID: "streamChanges", Tag: "changes", Summary: "Change feed as a stream (Server-Sent Events)",
	Description: "The change feed's entries as Server-Sent Events (`text/event-stream`), as they happen: each is an event `change` whose `id` is the entry's id and whose `data` is the entry as `GET /changes` shows it to the key (below editor, no drafts, and a tactic that stops being published comes as a delete). It starts after `after` (0: from the beginning), or after `Last-Event-ID`, which a reconnecting client sends and which wins over `after`: a stream resumes where it left off. An idle stream sends a comment line (`: heartbeat`) every 15 seconds; a revoked key's stream ends at the next one. Browsers' EventSource cannot send an Authorization header: use a client that can (any server-side one, or a fetch-based one).",
	Params: []apidoc.Param{
		{In: apidoc.InQuery, Name: "after", Description: "Id of the last change you have; 0 for the start", Default: "0", Example: "0"},
		{In: apidoc.InHeader, Name: "Last-Event-ID", Description: "Id of the last event received, sent by a reconnecting client; wins over after", Example: "42"},
	},
	Responses: []apidoc.Response{
		{Status: http.StatusOK, Description: "An endless stream of events: id: <change id>, event: change, data: <the entry as JSON>", Media: "text/event-stream"},
		{Status: http.StatusBadRequest, Description: "Bad after or Last-Event-ID (code bad_query)"},
	},
}

// Stream handles GET /api/v1/changes/stream.
func (h *Changes) Stream(c *gin.Context) {
	q := parseQuery(c, "after")
	after := parseAfter(q, "after", q.str("after"))
	if id := strings.TrimSpace(c.GetHeader("Last-Event-ID")); id != "" {
		after = parseAfter(q, "Last-Event-ID", id)
	}
	if err := q.err(); err != nil {
		c.Error(err)
		return
	}
	ctx := c.Request.Context()
	who := models.PrincipalFrom(ctx)
	rc := http.NewResponseController(c.Writer)
	// The server's read timeout would end the request once it passes: a stream reads nothing more
	// from the client, and notices a gone one when a write fails.
	_ = rc.SetReadDeadline(time.Time{})
	c.Header("Content-Type", "text/event-stream")
	c.Header("X-Accel-Buffering", "no") // nginx: pass events on as they come
	c.Status(http.StatusOK)

	w := h.watch
	leave := w.join()
	defer leave()
	send := func(text string) bool {
		// Each write gets its own deadline, in place of the server's write timeout, which would
		// end the stream once it passed.
		_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := c.Writer.WriteString(text); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("retry: 2000\n\n") {
		return
	}
	heartbeat := time.NewTicker(w.timing.Heartbeat)
	defer heartbeat.Stop()
	for {
		seen := w.generation()
		page, err := h.store.Changes(ctx, after, streamPage)
		if err != nil {
			return // the client reconnects with Last-Event-ID
		}
		var b strings.Builder
		for _, e := range page.Items {
			data, err := json.Marshal(e)
			if err != nil {
				return
			}
			fmt.Fprintf(&b, "id: %d\nevent: change\ndata: %s\n\n", e.ID, data)
			after = e.ID
		}
		if b.Len() > 0 && !send(b.String()) {
			return
		}
		if page.NextCursor != "" {
			continue
		}
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				return
			case <-w.timing.Done:
				return
			case <-w.moved(seen):
				waiting = false
			case <-heartbeat.C:
				if who.KeyID != 0 && h.store.KeyValid(ctx, who.KeyID) != nil {
					return
				}
				if !send(": heartbeat\n\n") {
					return
				}
			}
		}
	}
}

// parseAfter reads an id of the change feed, 0 or more, from a parameter or header.
func parseAfter(q *query, name, s string) int64 {
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		q.fail(name, "must be a whole number, 0 or more: the id of the last change you have")
		return 0
	}
	return n
}

// feedWatch tells the streams of one API when the knowledge base's generation moves. It reads the
// generation every Poll while at least one stream is open, and not at all otherwise.
type feedWatch struct {
	st     *store.Store
	timing StreamTiming

	mu      sync.Mutex
	streams int
	running bool
	gen     int64
	changed chan struct{} // closed, and replaced, when gen moves
}

func newFeedWatch(st *store.Store, t StreamTiming) *feedWatch {
	if t.Heartbeat <= 0 {
		t.Heartbeat = 15 * time.Second
	}
	if t.Poll <= 0 {
		t.Poll = 250 * time.Millisecond
	}
	return &feedWatch{st: st, timing: t, changed: make(chan struct{})}
}

// join counts a stream in, starting the watch if it is the first; leave counts it out.
func (w *feedWatch) join() (leave func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.streams++
	if !w.running {
		w.running = true
		if gen, err := w.st.Generation(context.Background()); err == nil {
			w.gen = gen
		}
		go w.run()
	}
	return func() {
		w.mu.Lock()
		w.streams--
		w.mu.Unlock()
	}
}

// generation is the last generation the watch read.
func (w *feedWatch) generation() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gen
}

// moved returns a channel that is closed once the generation is past seen: at once if it already is.
func (w *feedWatch) moved(seen int64) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.gen != seen {
		done := make(chan struct{})
		close(done)
		return done
	}
	return w.changed
}

// run reads the generation every Poll until no stream is left.
func (w *feedWatch) run() {
	t := time.NewTicker(w.timing.Poll)
	defer t.Stop()
	for range t.C {
		gen, err := w.st.Generation(context.Background())
		w.mu.Lock()
		if err == nil && gen != w.gen {
			w.gen = gen
			close(w.changed)
			w.changed = make(chan struct{})
		}
		if w.streams == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
	}
}
