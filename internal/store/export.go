package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"gorm.io/gorm"
)

// exportBatch is how many rows the export reads at a time: memory holds one batch, whatever the
// size of the knowledge base.
const exportBatch = 500

// Flusher is what an export writer may also be (an http.ResponseWriter is): the export flushes
// after each batch, so that the client gets the bundle as it is read.
type Flusher interface{ Flush() }

// Export writes the knowledge base to w as one Bundle (format_version 3), streamed: it reads and
// writes one batch of rows at a time, so memory stays flat however large the knowledge base is.
// drafts includes draft and archived tactics and countries (and the relations between tactics);
// the caller decides whether the principal may see them. Every object carries its version.
//
// All of it is read in one read transaction, so the bundle is one state of the knowledge base.
// begin is called first with the knowledge base's generation at that state, before anything is
// written; if it returns false, Export writes nothing and returns nil (a 304). An error after the
// first byte leaves w with a truncated bundle, which is not valid JSON.
func (s *Store) Export(ctx context.Context, w io.Writer, drafts bool, begin func(generation int64) bool) error {
	return inTx(s.scan.WithContext(ctx), func(tx *gorm.DB) error {
		var gen int64
		if err := tx.Raw("SELECT n FROM kb_generation WHERE id = 1").Scan(&gen).Error; err != nil {
			return fmt.Errorf("store: export: generation: %w", err)
		}
		if !begin(gen) {
			return nil
		}
		return exportTx(tx, w, drafts)
	}, s.snapshotTx())
}

// exportTx writes the bundle of the state that tx sees to w.
func exportTx(tx *gorm.DB, w io.Writer, drafts bool) error {
	e := &exporter{tx: tx, bw: bufio.NewWriterSize(w, 64<<10), drafts: drafts}
	if f, ok := w.(Flusher); ok {
		e.flusher = f
	}
	fmt.Fprintf(e.bw, `{"format_version":%d`, BundleFormat)
	for _, r := range resources {
		fmt.Fprintf(e.bw, `,%q:[`, r.pluralName())
		e.first = true
		if err := r.exportAll(e); err != nil {
			return err
		}
		e.bw.WriteString("]")
	}
	e.bw.WriteString("}\n")
	return e.flush()
}

// exporter writes one bundle.
type exporter struct {
	tx      *gorm.DB
	bw      *bufio.Writer
	flusher Flusher
	drafts  bool
	first   bool // no object written yet in the current array

	// The slugs of chains and stages, which a bundle names where the database has ids: read once,
	// on first use (there are a few dozen of each, whatever the number of tactics).
	chainSlugs map[int64]string    // chain id -> slug
	stageAt    map[int64][2]string // stage id -> chain slug, stage slug
}

// chainSlug names a chain by its slug.
func (e *exporter) chainSlug(id int64) (string, error) {
	if e.chainSlugs == nil {
		var rows []struct {
			ID   int64
			Slug string
		}
		if err := e.tx.Table("chains").Select("id, slug").Find(&rows).Error; err != nil {
			return "", fmt.Errorf("store: export: chains: %w", err)
		}
		e.chainSlugs = make(map[int64]string, len(rows))
		for _, r := range rows {
			e.chainSlugs[r.ID] = r.Slug
		}
	}
	return e.chainSlugs[id], nil
}

// stageSlugs names a stage by its chain's slug and its own.
func (e *exporter) stageSlugs(id int64) (chain, stage string, err error) {
	if e.stageAt == nil {
		var rows []struct {
			ID, ChainID int64
			Slug        string
		}
		if err := e.tx.Table("stages").Select("id, chain_id, slug").Find(&rows).Error; err != nil {
			return "", "", fmt.Errorf("store: export: stages: %w", err)
		}
		e.stageAt = make(map[int64][2]string, len(rows))
		for _, r := range rows {
			c, err := e.chainSlug(r.ChainID)
			if err != nil {
				return "", "", err
			}
			e.stageAt[r.ID] = [2]string{c, r.Slug}
		}
	}
	at := e.stageAt[id]
	return at[0], at[1], nil
}

// object writes one object of the current array.
func (e *exporter) object(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	if !e.first {
		e.bw.WriteByte(',')
	}
	e.first = false
	_, err = e.bw.Write(b)
	return err
}

func (e *exporter) flush() error {
	if err := e.bw.Flush(); err != nil {
		return err
	}
	if e.flusher != nil {
		e.flusher.Flush()
	}
	return nil
}

// findAfter reads, for an export, a batch of a table that GORM maps by itself.
func findAfter[T any](tx *gorm.DB, table string, after int64) ([]T, error) {
	var rows []T
	err := tx.Table(table).Where("id > ?", after).Order("id").Limit(exportBatch).Find(&rows).Error
	return rows, err
}
