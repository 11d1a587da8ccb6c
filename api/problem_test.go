package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"chainkb/handlers"
)

// TestInternalErrorsHideInternals checks that a panic and a non-domain error both become a 500
// problem that says nothing about the cause, while the cause is logged.
func TestInternalErrorsHideInternals(t *testing.T) {
	gin.SetMode(gin.TestMode)
	var logged bytes.Buffer
	r := gin.New()
	r.Use(recoverPanics(slog.New(slog.NewTextHandler(&logged, nil))), renderErrors(slog.New(slog.NewTextHandler(&logged, nil))))
	r.GET("/panic", func(*gin.Context) { panic("secret: table tactics is corrupt") })
	r.GET("/error", func(c *gin.Context) { c.Error(errors.New("secret: disk I/O error")) })
	srv := httptest.NewServer(r)
	defer srv.Close()

	for _, path := range []string{"/panic", "/error"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 500 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want 500 application/problem+json", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		var p handlers.Problem
		if err := json.Unmarshal(body, &p); err != nil || p.Status != 500 || p.Detail == "" {
			t.Errorf("%s: body %s is not a 500 problem", path, body)
		}
		if strings.Contains(string(body), "secret") {
			t.Errorf("%s: body leaks the internal error: %s", path, body)
		}
	}
	if !strings.Contains(logged.String(), "table tactics is corrupt") || !strings.Contains(logged.String(), "disk I/O error") {
		t.Errorf("internal errors not logged; log:\n%s", logged.String())
	}
}
