package store

import (
	"slices"

	"chainkb/models"
)

// EvidenceMapOf makes a chain's evidence gap map from a bundle (the published knowledge base, or
// a release's): rows are the chain's stages in order (rows "stage") or its lever tags (rows
// "lever"), columns the levels of evidence then unassessed. stage and level, if not empty, keep
// only that row and that column. Errors: NotFound (no such chain in the bundle).
func EvidenceMapOf(b *Bundle, chain, rows, stage, level string) (models.EvidenceMap, error) {
	m := models.EvidenceMap{Chain: chain, Rows: rows, Data: []models.EvidenceMapRow{}}
	if !slices.ContainsFunc(b.Chains, func(c models.ChainInput) bool { return c.Slug == chain }) {
		return m, models.NotFoundf("no chain %q", chain)
	}
	for _, l := range append(slices.Clone(models.EvidenceLevels), models.EvidenceUnassessed) {
		if level == "" || l == level {
			m.Levels = append(m.Levels, l)
		}
	}
	at := map[string]int{}
	newRow := func(key, name string) {
		if _, ok := at[key]; ok || (stage != "" && rows == "stage" && key != stage) {
			return
		}
		r := models.EvidenceMapRow{Key: key, Name: name, Cells: make([]models.EvidenceMapCell, len(m.Levels))}
		for i, l := range m.Levels {
			r.Cells[i] = models.EvidenceMapCell{Level: l, Tactics: []models.EvidenceMapTactic{}}
		}
		at[key] = len(m.Data)
		m.Data = append(m.Data, r)
	}
	levers := map[string]bool{}
	if rows == "lever" {
		for _, t := range b.Tags {
			if t.Group == "lever" {
				levers[t.Slug] = true
				newRow(t.Slug, t.Name)
			}
		}
		newRow("no-lever", "No lever")
	} else {
		stages := []BundleStage{}
		for _, s := range b.Stages {
			if s.Chain == chain {
				stages = append(stages, s)
			}
		}
		slices.SortStableFunc(stages, func(a, b BundleStage) int { return position(a.Position) - position(b.Position) })
		for _, s := range stages {
			newRow(s.Slug, s.Name)
		}
	}
	for i := range b.Tactics {
		t := &b.Tactics[i]
		if t.Chain != chain || (stage != "" && t.Stage != stage) {
			continue
		}
		lv, effect := models.EvidenceUnassessed, "unknown"
		if t.Evidence != nil {
			lv, effect = t.Evidence.Level, t.Evidence.Effect.Direction
		}
		col := slices.Index(m.Levels, lv)
		if col < 0 {
			continue
		}
		var keys []string
		if rows == "lever" {
			for _, tag := range t.Tags {
				if levers[string(tag)] {
					keys = append(keys, string(tag))
				}
			}
			if len(keys) == 0 {
				keys = []string{"no-lever"}
			}
		} else {
			keys = []string{t.Stage}
		}
		for _, k := range keys {
			r, ok := at[k]
			if !ok {
				continue
			}
			c := &m.Data[r].Cells[col]
			c.Count++
			c.Effects.Add(effect)
			c.Tactics = append(c.Tactics, models.EvidenceMapTactic{Code: t.Code, Title: t.Title, Kind: t.Kind, Effect: effect})
			m.Data[r].Total++
			m.Total++
		}
	}
	return m, nil
}

func position(p *int) int {
	if p == nil {
		return 1 << 30
	}
	return *p
}
