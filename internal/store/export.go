package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"

	"gorm.io/gorm"

	"chainkb/models"
)

// exportBatch is how many rows the export reads at a time: memory holds one batch, whatever the
// size of the knowledge base.
const exportBatch = 500

// Flusher is what an export writer may also be (an http.ResponseWriter is): the export flushes
// after each batch, so that the client gets the bundle as it is read.
type Flusher interface{ Flush() }

// Export writes the knowledge base to w as one Bundle (format_version 3), streamed: it reads and
// writes one batch of rows at a time, so memory stays flat however large the knowledge base is.
// drafts includes draft and archived tactics (and the relations between them); the caller decides
// whether the principal may see them. Every object carries its version.
//
// All of it is read in one read transaction, so the bundle is one state of the knowledge base.
// begin is called first with the knowledge base's generation at that state, before anything is
// written; if it returns false, Export writes nothing and returns nil (a 304). An error after the
// first byte leaves w with a truncated bundle, which is not valid JSON.
func (s *Store) Export(ctx context.Context, w io.Writer, drafts bool, begin func(generation int64) bool) error {
	return inTx(s.read(ctx), func(tx *gorm.DB) error {
		var gen int64
		if err := tx.Raw("SELECT n FROM kb_generation WHERE id = 1").Scan(&gen).Error; err != nil {
			return fmt.Errorf("store: export: generation: %w", err)
		}
		if !begin(gen) {
			return nil
		}
		e := &exporter{tx: tx, bw: bufio.NewWriterSize(w, 64<<10), drafts: drafts}
		if f, ok := w.(Flusher); ok {
			e.flusher = f
		}
		fmt.Fprintf(e.bw, `{"format_version":%d`, BundleFormat)
		for _, part := range []struct {
			name string
			fn   func() error
		}{
			{"sources", e.sources}, {"tags", e.tags}, {"chains", e.chains}, {"stages", e.stages},
			{"tactics", e.tactics}, {"relations", e.relations}, {"parameters", e.parameters},
		} {
			fmt.Fprintf(e.bw, `,%q:[`, part.name)
			e.first = true
			if err := part.fn(); err != nil {
				return err
			}
			e.bw.WriteString("]")
		}
		e.bw.WriteString("}\n")
		return e.flush()
	}, s.snapshotTx())
}

// exporter writes one bundle.
type exporter struct {
	tx      *gorm.DB
	bw      *bufio.Writer
	flusher Flusher
	drafts  bool
	first   bool // no object written yet in the current array

	chainSlugs map[int64]string    // chain id -> slug
	stageAt    map[int64][2]string // stage id -> chain slug, stage slug
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

// batches reads a table in id order, exportBatch rows at a time: read returns the rows with an id
// above after, and the id of the last one.
func batches[T any](e *exporter, read func(after int64) ([]T, error), id func(*T) int64, write func(*T) error) error {
	var after int64
	for {
		rows, err := read(after)
		if err != nil {
			return err
		}
		for i := range rows {
			if err := write(&rows[i]); err != nil {
				return err
			}
		}
		if len(rows) < exportBatch {
			return nil
		}
		after = id(&rows[len(rows)-1])
		if err := e.flush(); err != nil {
			return err
		}
	}
}

func versionOf(v int64) *int64 { return &v }

func (e *exporter) sources() error {
	return batches(e, func(after int64) ([]models.Source, error) {
		q := e.tx.Table("sources").Select(sourceColumns).Where("sources.id > ?", after).Order("sources.id").Limit(exportBatch)
		rows, err := scanAll(q, func(rows *sql.Rows) (*models.Source, error) { return scanSource(rows) })
		if err != nil {
			return nil, fmt.Errorf("store: export sources: %w", err)
		}
		return rows, nil
	}, func(s *models.Source) int64 { return s.ID }, func(s *models.Source) error {
		in := sourceInputOf(s)
		in.Version = versionOf(s.Version)
		return e.object(in)
	})
}

// findAfter reads a batch of a table that GORM maps by itself.
func findAfter[T any](e *exporter, table string, after int64) ([]T, error) {
	var rows []T
	if err := e.tx.Table(table).Where("id > ?", after).Order("id").Limit(exportBatch).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: export %s: %w", table, err)
	}
	return rows, nil
}

func (e *exporter) tags() error {
	return batches(e, func(after int64) ([]models.Tag, error) { return findAfter[models.Tag](e, "tags", after) },
		func(t *models.Tag) int64 { return t.ID }, func(t *models.Tag) error {
			in := tagInputOf(t)
			in.Version = versionOf(t.Version)
			return e.object(in)
		})
}

func (e *exporter) chains() error {
	e.chainSlugs = map[int64]string{}
	return batches(e, func(after int64) ([]models.Chain, error) { return findAfter[models.Chain](e, "chains", after) },
		func(c *models.Chain) int64 { return c.ID }, func(c *models.Chain) error {
			e.chainSlugs[c.ID] = c.Slug
			in := chainInputOf(c)
			in.Version = versionOf(c.Version)
			return e.object(in)
		})
}

func (e *exporter) stages() error {
	e.stageAt = map[int64][2]string{}
	return batches(e, func(after int64) ([]models.Stage, error) { return findAfter[models.Stage](e, "stages", after) },
		func(st *models.Stage) int64 { return st.ID }, func(st *models.Stage) error {
			chain := e.chainSlugs[st.ChainID]
			e.stageAt[st.ID] = [2]string{chain, st.Slug}
			in := stageInputOf(st)
			in.ChainID = nil
			in.Version = versionOf(st.Version)
			return e.object(BundleStage{Chain: chain, StageInput: *in})
		})
}

func (e *exporter) tactics() error {
	return batches(e, func(after int64) ([]models.Tactic, error) {
		q := e.tx.Table("tactics").Select(tacticColumns).Where("id > ?", after)
		if !e.drafts {
			q = q.Where("status = ?", models.StatusPublished)
		}
		rows, err := scanAll(q.Order("id").Limit(exportBatch), func(rows *sql.Rows) (*models.Tactic, error) { return scanTactic(rows, 0) })
		if err != nil {
			return nil, fmt.Errorf("store: export tactics: %w", err)
		}
		if len(rows) == 0 {
			return rows, nil
		}
		ids := make([]int64, len(rows))
		for i, t := range rows {
			ids[i] = t.ID
		}
		return rows, attachTags(e.tx.Where("tt.tactic_id IN ?", ids), rows)
	}, func(t *models.Tactic) int64 { return t.ID }, func(t *models.Tactic) error {
		at := e.stageAt[t.StageID]
		in := tacticInput(t)
		in.StageID = nil
		in.Version = versionOf(t.Version)
		return e.object(BundleTactic{Chain: at[0], Stage: at[1], TacticInput: *in})
	})
}

func (e *exporter) relations() error {
	return batches(e, func(after int64) ([]relationState, error) {
		q := joinEnds(e.tx.Table("relations")).Select(relationColumns).Where("relations.id > ?", after)
		if !e.drafts {
			q = q.Where("f.status = ? AND t.status = ?", models.StatusPublished, models.StatusPublished)
		}
		rows, err := scanAll(q.Order("relations.id").Limit(exportBatch), scanRelation)
		if err != nil {
			return nil, fmt.Errorf("store: export relations: %w", err)
		}
		return rows, nil
	}, func(r *relationState) int64 { return r.ID }, func(r *relationState) error {
		return e.object(models.RelationInput{From: r.From, To: r.To, Type: r.Type, Note: r.Note, Version: versionOf(r.Version)})
	})
}

func (e *exporter) parameters() error {
	return batches(e, func(after int64) ([]parameterRow, error) {
		var rows []parameterRow
		err := e.tx.Table("parameters").Select(parameterColumns).Where("parameters.id > ?", after).
			Order("parameters.id").Limit(exportBatch).Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("store: export parameters: %w", err)
		}
		return rows, nil
	}, func(r *parameterRow) int64 { return r.ID }, func(r *parameterRow) error {
		p, err := r.parameter()
		if err != nil {
			return err
		}
		in, err := inputOfRow(parameterObject, &p)
		if err != nil {
			return err
		}
		in.Version = versionOf(p.Version)
		return e.object(in)
	})
}
