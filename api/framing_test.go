package api_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A request with both Content-Length and Transfer-Encoding is how a request is smuggled past a
// proxy that frames by the one and a server that frames by the other: the bytes after the chunked
// body would be served as a second request of the same connection. RFC 9112 §6.3: the server
// "MUST close the connection after responding to such a request". Go's server drops the
// Content-Length before a handler can see it, so chainkb closes the connection after any request
// framed by Transfer-Encoding.
func TestContentLengthWithTransferEncoding(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	host := strings.TrimPrefix(s.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	smuggled := "GET /api/v1/changes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.Keys["reader"] + "\r\n\r\n"
	body := "0\r\n\r\n" + smuggled
	req := "POST /api/v1/import?mode=dry-run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
		"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" + body
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	first, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("first response: %v", err)
	}
	io.Copy(io.Discard, first.Body)
	first.Body.Close()
	if !first.Close {
		t.Errorf("the answer to a request with Content-Length and Transfer-Encoding keeps the connection (status %d, Connection %q)",
			first.StatusCode, first.Header.Get("Connection"))
	}
	if second, err := http.ReadResponse(br, nil); err == nil {
		second.Body.Close()
		t.Errorf("the bytes after the chunked body were served as a second request: %d", second.StatusCode)
	}

	// A request framed by Content-Length alone keeps its connection.
	res, err := http.Get(s.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Close {
		t.Error("a plain request closed its connection")
	}
}
