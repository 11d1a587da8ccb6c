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
	dbBytes        int64
	loadTime       time.Duration
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
	tagIDs, err := loadFrame(ctx, db, d, epoch)
	if err != nil {
		return nil, err
	}
	if err := loadTactics(ctx, db, d, tagIDs, epoch); err != nil {
		return nil, err
	}
	// Fold the WAL into the main file, so that the file can be copied alone as the pristine state.
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return nil, err
	}
	if err := db.Close(); err != nil {
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

// loadFrame inserts the chains, their stages and the tags, and returns tag ids by slug.
func loadFrame(ctx context.Context, db *sql.DB, d *dataset, at time.Time) (map[string]int64, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	stageID := int64(0)
	for i, c := range append(append([]synth.Chain{}, synth.Chains...), synth.SmallChain) {
		id := int64(i + 1)
		_, err := tx.ExecContext(ctx, `INSERT INTO chains (id, slug, name, description, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, 1)`, id, c.Slug, c.Name, "The trade of "+c.Name+" as a business chain.", at, at)
		if err != nil {
			return nil, fmt.Errorf("insert chain: %w", err)
		}
		d.chains = append(d.chains, chainStat{id: id, slug: c.Slug})
		for pos, s := range synth.Stages {
			stageID++
			_, err := tx.ExecContext(ctx, `INSERT INTO stages (id, chain_id, slug, name, actor, side, position, description, created_at, updated_at, version)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, stageID, id, s.Slug, s.Name, s.Actor, s.Side, pos+1,
				s.Name+" of the "+c.Name+" chain.", at, at)
			if err != nil {
				return nil, fmt.Errorf("insert stage: %w", err)
			}
			d.stages = append(d.stages, stageID)
		}
	}
	d.focusStage = d.stages[0]
	tagIDs := map[string]int64{}
	for i, t := range append(append([]synth.Tag{}, synth.HorizonTags...), synth.OtherTags...) {
		id := int64(i + 1)
		_, err := tx.ExecContext(ctx, `INSERT INTO tags (id, slug, name, tag_group, description, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, id, t.Slug, t.Name, t.Group, t.Name+".", at, at)
		if err != nil {
			return nil, fmt.Errorf("insert tag: %w", err)
		}
		tagIDs[t.Slug] = id
	}
	return tagIDs, tx.Commit()
}

// loadTactics inserts d.n tactics with their tag links, batchRows per transaction. The small chain
// gets every step-th id, the weighted chains the others by their weight; stages within a chain are
// drawn evenly. Ids run from 1 to n.
func loadTactics(ctx context.Context, db *sql.DB, d *dataset, tagIDs map[string]int64, epoch time.Time) error {
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
			insTactic, err := tx.PrepareContext(ctx, `INSERT INTO tactics (id, stage_id, chain_id, code, kind, status, title, summary,
				description, refs, position, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?, ?, ?, 1)`)
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
				stage := d.stages[ci*len(synth.Stages)+r.IntN(len(synth.Stages))]
				recommended := r.Float64() < synth.RecommendedShare
				kind, kindKey := "current", int64(0)
				if recommended {
					kind, kindKey = "recommended", 1
				}
				positions[[2]int64{stage, kindKey}]++
				withQ := r.Float64() < synth.QShare
				if withQ {
					d.qMatches++
				}
				refs, err := json.Marshal(synth.References(r))
				if err != nil {
					return err
				}
				at := epoch.Add(time.Duration(id) * time.Second)
				// Knowledge model v2 gives every tactic a unique code (models.IsCode).
				code := fmt.Sprintf("BN-S%d-%s%d", stage, strings.ToUpper(kind[:1]), id)
				_, err = insTactic.ExecContext(ctx, id, stage, d.chains[ci].id, code, kind, synth.Title(r, withQ),
					synth.Summary(r), synth.Description(r), string(refs), positions[[2]int64{stage, kindKey}], at, at)
				if err != nil {
					return fmt.Errorf("insert tactic: %w", err)
				}
				for _, slug := range synth.TacticTags(r, recommended) {
					if slug == "short-term" && stage == d.focusStage {
						d.focusShortTerm++
					}
					if _, err := insTag.ExecContext(ctx, id, tagIDs[slug]); err != nil {
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
