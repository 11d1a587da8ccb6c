package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"chainkb/bench/internal/synth"
	"chainkb/internal/store"
	"chainkb/models"
)

// dataset describes the synthetic knowledge base loaded into one database file: what the
// scenarios need to address it, and what the report says about it.
type dataset struct {
	n      int
	chains []chainStat // the weighted chains in synth.Chains order, then synth.SmallChain
	stages []int64
	// focusStage is the first stage of the largest chain; the filtered-list scenarios list its
	// short-term tactics, focusShortTerm of them.
	focusStage     int64
	focusShortTerm int
	qMatches       int // tactics whose title holds synth.QWord
	// searchMatches is the number of tactics each search scenario's words (searchWords,
	// commonWords) find.
	searchMatches map[string]int
	dbBytes       int64
	loadTime      time.Duration
}

type chainStat struct {
	id      int64
	slug    string
	tactics int
}

// bulkDSN is for loading only: nobody else has the file yet and a failed load is simply redone,
// so durability is off. The service opens the file with its own settings afterwards.
const bulkDSN = "?_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=on&_synchronous=OFF"

// batchRows is the number of tactics per load transaction: big enough that commits cost nothing,
// small enough that the WAL stays modest.
const batchRows = 20000

// buildDataset creates the database at path with chainkb's own schema (store.Open migrates it),
// registers key as an editor key for the write scenarios, and loads n tactics, deterministically
// for a given n.
func buildDataset(ctx context.Context, path string, n int, key string) (*dataset, error) {
	start := time.Now()
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	err = st.EnsureKey(ctx, "benchmark", models.RoleEditor, key)
	if err := errors.Join(err, st.Close()); err != nil {
		return nil, fmt.Errorf("editor key: %w", err)
	}
	db, err := sql.Open("sqlite3", path+bulkDSN)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	d := &dataset{n: n}
	// Times go in as time.Time, so that the driver writes them in the text form the service
	// writes (UTC, microseconds) and keyset pagination on times compares like for like.
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids, err := loadFrame(ctx, db, d, epoch)
	if err != nil {
		return nil, err
	}
	if err := loadTactics(ctx, db, d, ids, epoch); err != nil {
		return nil, err
	}
	// The load writes like an import (many rows in a few transactions, through the FTS5 triggers),
	// and leaves the full-text indexes as an import of that size does: merged.
	if err := store.OptimizeSearch(ctx, db.ExecContext); err != nil {
		return nil, err
	}
	d.searchMatches = map[string]int{}
	for _, words := range []string{searchWords, commonWords} {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM tactics_fts WHERE tactics_fts MATCH ?", strings.ReplaceAll(words, "+", " ")).Scan(&n); err != nil {
			return nil, fmt.Errorf("count the matches of %q: %w", words, err)
		}
		d.searchMatches[words] = n
	}
	// Fold the WAL into the main file, so that the file can be copied alone as the pristine state.
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	// chainkb renders the representation of every tactic that has none when it opens the file
	// (internal/store/docs.go): done here, once, as part of the load, rather than by each server.
	if st, err = store.Open(ctx, path); err != nil {
		return nil, fmt.Errorf("render tactic documents: %w", err)
	}
	if err := st.Close(); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	d.dbBytes = fi.Size()
	d.loadTime = time.Since(start)
	return d, nil
}

// frameIDs are the ids of the rows that tactics refer to, by slug.
type frameIDs struct {
	tags, sources map[string]int64
}

// loadFrame inserts the sources, the chains and their stages (each citing a source, as the seed's
// do) and the tags.
func loadFrame(ctx context.Context, db *sql.DB, d *dataset, at time.Time) (frameIDs, error) {
	ids := frameIDs{tags: map[string]int64{}, sources: map[string]int64{}}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return ids, err
	}
	defer tx.Rollback()
	for i, src := range synth.Sources {
		id := int64(i + 1)
		authors, _ := json.Marshal([]string{src.Author})
		_, err := tx.ExecContext(ctx, `INSERT INTO sources (id, slug, authors, year, title, type, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`, id, src.Slug, string(authors), src.Year, src.Title, src.Type, at, at)
		if err != nil {
			return ids, fmt.Errorf("insert source: %w", err)
		}
		ids.sources[src.Slug] = id
	}
	// Chains and stages cite sources drawn from their own deterministic stream, so that adding
	// them leaves the tactics' draws alone.
	r := rand.New(rand.NewPCG(7, 2026))
	stageID := int64(0)
	for i, c := range append(append([]synth.Chain{}, synth.Chains...), synth.SmallChain) {
		id := int64(i + 1)
		cites := synth.Citations(r, 1)
		_, err := tx.ExecContext(ctx, `INSERT INTO chains (id, slug, name, description, citations, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, id, c.Slug, c.Name, "The trade of "+c.Name+" as a business chain.", jsonText(cites), at, at)
		if err != nil {
			return ids, fmt.Errorf("insert chain: %w", err)
		}
		if err := indexCitations(ctx, tx, ids, models.EntityChain, id, models.CitedSources(cites)); err != nil {
			return ids, err
		}
		d.chains = append(d.chains, chainStat{id: id, slug: c.Slug})
		for pos, s := range synth.Stages {
			stageID++
			cites := synth.Citations(r, 1)
			_, err := tx.ExecContext(ctx, `INSERT INTO stages (id, chain_id, slug, name, actor, side, position, description, citations, created_at, updated_at, version)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, stageID, id, s.Slug, s.Name, s.Actor, s.Side, pos+1,
				s.Name+" of the "+c.Name+" chain.", jsonText(cites), at, at)
			if err != nil {
				return ids, fmt.Errorf("insert stage: %w", err)
			}
			if err := indexCitations(ctx, tx, ids, models.EntityStage, stageID, models.CitedSources(cites)); err != nil {
				return ids, err
			}
			d.stages = append(d.stages, stageID)
		}
	}
	d.focusStage = d.stages[0]
	for i, t := range append(append([]synth.Tag{}, synth.HorizonTags...), synth.OtherTags...) {
		id := int64(i + 1)
		_, err := tx.ExecContext(ctx, `INSERT INTO tags (id, slug, name, tag_group, description, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, id, t.Slug, t.Name, t.Group, t.Name+".", at, at)
		if err != nil {
			return ids, fmt.Errorf("insert tag: %w", err)
		}
		ids.tags[t.Slug] = id
	}
	return ids, tx.Commit()
}

// jsonText is v as a JSON text column, as chainkb writes it.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain model types always encode
	}
	return string(b)
}

// indexCitations adds an object's cited sources to the citations index, as chainkb does when it
// writes the object.
func indexCitations(ctx context.Context, tx *sql.Tx, ids frameIDs, entity string, id int64, sources []string) error {
	for _, slug := range sources {
		_, err := tx.ExecContext(ctx, `INSERT INTO citations (source_id, entity, entity_id) VALUES (?, ?, ?)`, ids.sources[slug], entity, id)
		if err != nil {
			return fmt.Errorf("index citations: %w", err)
		}
	}
	return nil
}

// loadTactics inserts d.n tactics with their tag links, batchRows per transaction. The small chain
// gets every step-th id, the weighted chains the others by their weight; stages within a chain are
// drawn evenly. Ids run from 1 to n.
func loadTactics(ctx context.Context, db *sql.DB, d *dataset, ids frameIDs, epoch time.Time) error {
	r := rand.New(rand.NewPCG(uint64(d.n), 2026))
	positions := map[[2]int64]int{} // by stage and kind: each new tactic goes last
	small := len(synth.Chains)      // the small chain's index in d.chains
	step := d.n + 1                 // no id is a multiple: no tactic in the small chain
	if k := min(synth.SmallChainTactics, d.n/5); k > 0 {
		step = d.n / k
	}
	for first := 1; first <= d.n; first += batchRows {
		last := min(first+batchRows-1, d.n)
		err := func() error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			// Every tactic is published: the reads are a partner app's, without a key, which sees
			// published tactics only, and a random id must always find one.
			// The v2 columns as chainkb writes them: the detail as JSON, and the columns that
			// summarise it for filters (attribution, evidence_rank, review_due). refs, the v1
			// references, keeps its default, [].
			insTactic, err := tx.PrepareContext(ctx, `INSERT INTO tactics (id, stage_id, chain_id, code, kind, status, title, summary,
				description, attribution, evidence_rank, review_due, detail, position, created_at, updated_at, version)
				VALUES (?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`)
			if err != nil {
				return err
			}
			insTag, err := tx.PrepareContext(ctx, `INSERT INTO tactic_tags (tactic_id, tag_id) VALUES (?, ?)`)
			if err != nil {
				return err
			}
			for id := first; id <= last; id++ {
				ci := small
				if id%step != 0 {
					ci = pickChain(r)
				}
				d.chains[ci].tactics++
				si := r.IntN(len(synth.Stages))
				stage := d.stages[ci*len(synth.Stages)+si]
				kind := synth.Kind(r)
				recommended := kind == models.KindRecommended
				kindKey := [2]int64{stage, int64(kindLetter[kind][0])}
				positions[kindKey]++
				withQ := r.Float64() < synth.QShare
				if withQ {
					d.qMatches++
				}
				title, summary, description := synth.Title(r, withQ), synth.Summary(r), synth.Description(r)
				attribution := synth.Attribution(r)
				detail := synth.NewDetail(r, kind, synth.Stages[si].Slug)
				detailText := jsonText(detail)
				var reviewDue *string
				if due := detail.Review.NextReviewDue; due != nil {
					s := due.String()
					reviewDue = &s
				}
				if r.IntN(synth.EmptyDetailEvery) == 0 {
					// A tactic from before the detail existed, as migration 0005 left them:
					// chainkb (and the baseline) answer it with the defaults.
					attribution, detail, detailText, reviewDue = models.AttributionEditorial, synth.Detail{}, "{}", nil
				}
				at := epoch.Add(time.Duration(id) * time.Second)
				// Knowledge model v2 gives every tactic a unique code (models.IsCode).
				code := fmt.Sprintf("BN-S%d-%s%d", stage, kindLetter[kind], id)
				_, err = insTactic.ExecContext(ctx, id, stage, d.chains[ci].id, code, kind, title, summary, description,
					attribution, max(0, models.EvidenceRank(detail.Evidence.Level)), reviewDue, detailText,
					positions[kindKey], at, at)
				if err != nil {
					return fmt.Errorf("insert tactic: %w", err)
				}
				if err := indexCitations(ctx, tx, ids, models.EntityTactic, int64(id), detail.CitedSources()); err != nil {
					return err
				}
				for _, slug := range synth.TacticTags(r, recommended) {
					if slug == "short-term" && stage == d.focusStage {
						d.focusShortTerm++
					}
					if _, err := insTag.ExecContext(ctx, id, ids.tags[slug]); err != nil {
						return fmt.Errorf("insert tactic tag: %w", err)
					}
				}
			}
			return tx.Commit()
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

// kindLetter is the letter of a kind in a tactic's code, as chainkb's own codes have it.
var kindLetter = map[string]string{models.KindCurrent: "C", models.KindRecommended: "R", models.KindCondition: "K"}

// pickChain draws a chain index by the chains' weights.
func pickChain(r *rand.Rand) int {
	x := r.Float64()
	for i, c := range synth.Chains {
		if x < c.Weight {
			return i
		}
		x -= c.Weight
	}
	return len(synth.Chains) - 1
}
