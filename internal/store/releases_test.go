package store_test

import (
	"bytes"
	"context"
	"testing"

	"chainkb/internal/store"
	"chainkb/models"
)

// A release keeps the published bundle byte for byte, with its digest.
func TestReleaseStore(t *testing.T) {
	t.Parallel()
	s := seeded(t)
	ctx := editor()
	rel, err := s.CutRelease(ctx, models.NewRelease{Version: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.Export(context.Background(), &buf, false, func(int64) bool { return true }); err != nil {
		t.Fatal(err)
	}
	got, b, err := s.ReleaseBundle(context.Background(), "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, buf.Bytes()) || got.Digest != store.Digest(b) || rel.Digest != got.Digest {
		t.Errorf("the release's bundle (%d bytes, %s) is not the export (%d bytes)", len(b), got.Digest, buf.Len())
	}
	if _, err := s.CutRelease(ctx, models.NewRelease{Version: "1.0.0"}); !models.IsKind(err, models.KindConflict) {
		t.Errorf("the same version again: %v, want a conflict", err)
	}
}
