// Package seeds holds chainkb's seed knowledge base, embedded in the binary: Kara's business chain
// of sex trafficking and the forced-labour chain, their sources, tactics, relations and economic
// figures, as one bundle (data/kb.json, the format of store.Bundle), and loads it through the store.
package seeds

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"log/slog"

	"chainkb/internal/store"
)

// seedName is the name under which this release's seed is recorded as applied. A later release
// with new content takes a new name, so that its seed is applied once more, as an upgrade.
const seedName = "kb-3"

//go:embed data/kb.json upgrade/v1-predecessors.json
var files embed.FS

// Bundles reads the seed, by name.
func Bundles() (map[string]*store.Bundle, error) {
	var b store.Bundle
	if err := decodeStrict("data/kb.json", &b); err != nil {
		return nil, err
	}
	return map[string]*store.Bundle{seedName: &b}, nil
}

// Predecessors maps a seed tactic's code to the titles under which chainkb 1's seed created the
// tactics it replaces: the first it continues, the others were merged into it.
func Predecessors() (map[string][]string, error) {
	var p map[string][]string
	err := decodeStrict("upgrade/v1-predecessors.json", &p)
	return p, err
}

// Load applies the seed if this database has not had it yet, in one transaction, and returns the
// names of what it applied. On a database seeded by an earlier release it is an upgrade: objects
// still as seeded are updated, those that editors changed are left alone and those they deleted
// stay deleted (each logged); a restart never applies it again.
func Load(ctx context.Context, st *store.Store) ([]string, error) {
	bundles, err := Bundles()
	if err != nil {
		return nil, err
	}
	preds, err := Predecessors()
	if err != nil {
		return nil, err
	}
	report, applied, err := st.ApplySeed(ctx, seedName, bundles[seedName], preds)
	if err != nil {
		return nil, fmt.Errorf("seeds: %s: %w", seedName, err)
	}
	if !applied {
		return nil, nil
	}
	slog.Info("seed applied", "seed", seedName, "created", report.Created, "updated", report.Updated,
		"left_alone", len(report.LeftAlone), "removed", len(report.Removed))
	return []string{seedName}, nil
}

func decodeStrict(name string, v any) error {
	raw, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("seeds: %s: %w", name, err)
	}
	return nil
}
