package api_test

import (
	"strings"
	"testing"
)

// TestMalformedTimeIs422 checks that a date and time the server cannot read (expires_at: "90d",
// the CLI's syntax) is 422 naming the field, and that the message shows no Go time layout.
func TestMalformedTimeIs422(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, v := range []string{"90d", "2030-01-01", "tomorrow"} {
		res := s.do(t, "POST", "/api/v1/keys", obj{"name": "Partner", "role": "reader", "expires_at": v},
			"Authorization", "Bearer "+s.Keys["admin"])
		p := res.problem(t, 422)
		if p.Code != "validation_failed" || len(p.Errors) != 1 || p.Errors[0].Field != "expires_at" {
			t.Errorf("expires_at %q: %s", v, res.Body)
		}
		if strings.Contains(string(res.Body), "2006") || strings.Contains(string(res.Body), "parsing time") {
			t.Errorf("expires_at %q: the answer shows Go's time layout: %s", v, res.Body)
		}
	}
}
