package store

import "testing"

func TestRedact(t *testing.T) {
	for dsn, want := range map[string]string{
		"chainkb.db": "chainkb.db",
		"postgres://chainkb:s3cret@db:5432/chainkb?sslmode=disable": "postgres://chainkb:xxxxx@db:5432/chainkb?sslmode=disable",
		"postgres://chainkb@db/chainkb":                             "postgres://chainkb@db/chainkb",
	} {
		if got := Redact(dsn); got != want {
			t.Errorf("Redact(%q) = %q, want %q", dsn, got, want)
		}
	}
}
