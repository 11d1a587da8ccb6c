// Package seeds holds chainkb's seed knowledge base, Kara's business chain of sex trafficking,
// as JSON data files embedded in the binary, and loads it through the store.
package seeds

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"chainkb/internal/store"
	"chainkb/models"
)

//go:embed data/*.json
var data embed.FS

// Bundles reads every seed data file, by name (the file name without ".json"). A file is a
// store.Bundle in JSON: a chain and everything in it, naming each other by slug.
func Bundles() (map[string]*store.Bundle, error) {
	names, err := fs.Glob(data, "data/*.json")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*store.Bundle, len(names))
	for _, name := range names {
		raw, err := data.ReadFile(name)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var b store.Bundle
		if err := dec.Decode(&b); err != nil {
			return nil, fmt.Errorf("seeds: %s: %w", name, err)
		}
		out[strings.TrimSuffix(path.Base(name), ".json")] = &b
	}
	return out, nil
}

// Load applies every seed bundle that this database has not had yet, each in one transaction.
// It returns the names of the bundles it applied. A bundle applied once is never applied again,
// so a restart never brings back or overwrites what editors have changed.
func Load(ctx context.Context, st *store.Store) ([]string, error) {
	bundles, err := Bundles()
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(bundles))
	for name := range bundles {
		names = append(names, name)
	}
	sort.Strings(names)
	// The seed's history names it as its author.
	ctx = models.WithPrincipal(ctx, models.Principal{Name: "seed", Role: models.RoleAdmin})
	var applied []string
	for _, name := range names {
		ok, err := st.ApplyBundleOnce(ctx, name, bundles[name])
		if err != nil {
			return applied, fmt.Errorf("seeds: %s: %w", name, err)
		}
		if ok {
			applied = append(applied, name)
		}
	}
	return applied, nil
}
