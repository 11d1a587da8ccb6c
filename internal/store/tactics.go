package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"chainkb/internal/search"
	"chainkb/models"
)

// tacticQuery is a tactic filter and whether the caller may see hidden (draft and archived)
// tactics.
type tacticQuery struct {
	models.TacticFilter
	hidden bool
}

// tacticList is how tactics are listed: filtered by status, chain, stage, kind, tags, horizon and
// text, and below editor to published tactics; in id order unless asked otherwise. A page reads
// the tactics' documents (docs.go), with the columns its cursor needs.
var tacticList = listSpec[tacticRow, tacticQuery]{
	table:  "tactics",
	where:  whereTactics,
	search: searchableOf(models.SearchTactic),
	text:   func(f tacticQuery) string { return f.Q },
	parsed: func(f tacticQuery) *search.Query { return f.Parsed },
	// Only the sort field's column is read (a typed placeholder stands for the others), so that a
	// page in id order, filtered on columns an index holds, is read from the index and the
	// documents alone, not from the tactics' rows (issue 30).
	columns: func(_ tacticQuery, sort string) string {
		cols := [4]string{"''", "0", "NULL", "NULL"}
		switch sort {
		case "title":
			cols[0] = "tactics.title"
		case "position":
			cols[1] = "tactics.position"
		case "created_at":
			cols[2] = "tactics.created_at"
		case "updated_at":
			cols[3] = "tactics.updated_at"
		}
		return "tactics.id, " + strings.Join(cols[:], ", ") + ", " + tacticDocColumn
	},
	scan: func(rows *sql.Rows) (*tacticRow, error) {
		var r tacticRow
		if err := rows.Scan(&r.ID, &r.Title, &r.Position, &r.CreatedAt, &r.UpdatedAt, &r.Doc); err != nil {
			return nil, err
		}
		return &r, nil
	},
	// The cursor is tied to what the caller may see, so that an editor's cursor is no use to a reader.
	filterKey: func(f tacticQuery) string {
		tags := slices.Clone(f.Tags)
		slices.Sort(tags)
		due := ""
		if f.ReviewDueBefore != nil {
			due = f.ReviewDueBefore.String()
		}
		return fmt.Sprintf("chain=%q stage=%d kind=%q tags=%q horizon=%q status=%q q=%q hidden=%t attribution=%q evidence=%q due=%q",
			f.Chain, f.StageID, f.Kind, tags, f.Horizon, f.Status, f.Q, f.hidden, f.Attribution, f.EvidenceLevel, due)
	},
	defaultSort: "id",
	sorts: map[string]sortField[tacticRow]{
		"id":         {"id", intColumn, func(t *tacticRow) any { return t.ID }},
		"title":      {"title", textColumn, func(t *tacticRow) any { return t.Title }},
		"position":   {"position", intColumn, func(t *tacticRow) any { return t.Position }},
		"created_at": {"created_at", timeColumn, func(t *tacticRow) any { return t.CreatedAt.Time }},
		"updated_at": {"updated_at", timeColumn, func(t *tacticRow) any { return t.UpdatedAt.Time }},
	},
	id: func(t *tacticRow) int64 { return t.ID },
}

// tacticDocColumn is a listed tactic's document at its version (NULL if it has none).
const tacticDocColumn = "(SELECT d.doc FROM tactic_docs d WHERE d.tactic_id = tactics.id AND d.version = tactics.version)"

// tacticRow is a tactic in a list: its document (nil if it has none at its version) and the value
// of the sort field (the others are zero).
type tacticRow struct {
	ID                   int64
	Title                string
	Position             int
	CreatedAt, UpdatedAt sql.NullTime
	Doc                  []byte
}

// whereTactics narrows q to the tactics f selects, but for its text, which the list matches
// with the full-text index.
func whereTactics(q *gorm.DB, f tacticQuery) *gorm.DB {
	if !f.hidden {
		q = q.Where("tactics.status = ?", models.StatusPublished)
	}
	if f.Status != "" {
		q = q.Where("tactics.status = ?", f.Status)
	}
	if f.Chain != "" {
		q = whereChain(q, "tactics.chain_id", f.Chain)
	}
	if f.StageID != 0 {
		q = q.Where("tactics.stage_id = ?", f.StageID)
	}
	if f.Kind != "" {
		q = q.Where("tactics.kind = ?", f.Kind)
	}
	for _, slug := range f.Tags {
		q = q.Where(`EXISTS (SELECT 1 FROM tactic_tags tt JOIN tags t ON t.id = tt.tag_id
				WHERE tt.tactic_id = tactics.id AND t.slug = ?)`, slug)
	}
	if f.Horizon != "" {
		q = whereHorizon(q, f.Horizon)
	}
	if f.Attribution != "" {
		q = q.Where("tactics.attribution = ?", f.Attribution)
	}
	if f.EvidenceLevel != "" {
		q = q.Where("tactics.evidence_rank >= ?", models.EvidenceRank(f.EvidenceLevel))
	}
	if f.ReviewDueBefore != nil {
		q = q.Where("tactics.review_due < ?", f.ReviewDueBefore.String())
	}
	return q
}

// tacticObject is how tactics are written. A write sees hidden tactics too.
var tacticObject = &object[models.Tactic, models.TacticInput]{
	entity: models.EntityTactic,
	table:  "tactics",
	plural: "tactics",
	cites:  &citing{key: "code", title: "title", published: "x.status = 'published'"},
	get: func(ctx context.Context, s *Store, key string) (*models.Tactic, error) {
		return s.Tactic(ctx, tacticID(key))
	},
	find: func(db *gorm.DB, key string) (*models.Tactic, error) {
		return findTactic(db, tacticID(key), true)
	},
	// The row alone: its tags are about to be replaced, and the writer is the bottleneck.
	findRow: func(db *gorm.DB, key string) (*models.Tactic, error) {
		return findTacticRow(db, tacticID(key), true)
	},
	beforeDelete: func(tx *gorm.DB, cur *models.Tactic, rev int64) error { return deleteRelationsOf(tx, cur.ID, rev) },
	afterRestore: func(tx *gorm.DB, t *models.Tactic, deleteRev int64) error {
		// The tactic came back with the created_at it was first created with, set after its
		// insert: its document must show that one.
		if err := saveTacticDoc(tx, t); err != nil {
			return err
		}
		return restoreRelationsOf(tx, t.ID, deleteRev)
	},
	ref:     func(t *models.Tactic) (int64, int64) { return t.ID, t.Version },
	insert:  insertTacticDoc,
	update:  updateTacticDoc,
	inputOf: tacticInputOf,
	asInput: tacticInput,
	version: func(in *models.TacticInput) **int64 { return &in.Version },
	fill: func(cur *models.Tactic, in *models.TacticInput) {
		// Left out, position and status keep what the tactic has, as a replace does.
		if in.Position == nil {
			in.Position = &cur.Position
		}
		if in.Status == "" {
			in.Status = cur.Status
		}
	},
	change: tacticChange,
}

// tacticID reads a tactic's path key; a key that is not an id names no tactic (id 0).
func tacticID(key string) int64 {
	id, _ := strconv.ParseInt(key, 10, 64)
	return id
}

// TacticID returns the id of the tactic with the given code: NotFound if there is none (below
// editor, also if it is hidden).
func (s *Store) TacticID(ctx context.Context, code string) (int64, error) {
	q := s.read(ctx).Table("tactics").Where("code = ?", code)
	if !canSeeHidden(ctx) {
		q = q.Where("status = ?", models.StatusPublished)
	}
	var ids []int64
	if err := q.Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("store: find tactic by code: %w", err)
	}
	if len(ids) == 0 {
		return 0, models.NotFoundf("tactic %s not found", code)
	}
	return ids[0], nil
}

// canSeeHidden reports whether the request behind ctx may see draft and archived tactics. Every
// read of tactics asks it, so that hiding is the default for any caller that is not an editor.
func canSeeHidden(ctx context.Context) bool { return models.PrincipalFrom(ctx).CanSeeHidden() }

// Tactic returns the tactic with the given id, with its tags: NotFound if there is none. Below
// editor, a draft or archived tactic does not exist.
func (s *Store) Tactic(ctx context.Context, id int64) (*models.Tactic, error) {
	return s.tacticFast(ctx, id, canSeeHidden(ctx))
}

// TacticDocs returns one page of tactics as their representations: BadRequest for a bad sort or
// cursor. It runs one query (two with a total) whatever the page size, while the tactics'
// documents are current.
func (s *Store) TacticDocs(ctx context.Context, f models.TacticFilter) (models.List[json.RawMessage], error) {
	db := s.read(ctx)
	rows, err := tacticList.page(db, tacticQuery{TacticFilter: f, hidden: canSeeHidden(ctx)}, f.Page)
	out := models.List[json.RawMessage]{NextCursor: rows.NextCursor, Total: rows.Total, Items: make([]json.RawMessage, len(rows.Items))}
	if err != nil {
		return out, err
	}
	// Tactics written without a document at their version (see docs.go) are rendered afresh, all
	// of the page's in one read.
	var stale []int64
	for i, r := range rows.Items {
		out.Items[i] = r.Doc
		if r.Doc == nil {
			stale = append(stale, r.ID)
		}
	}
	if len(stale) == 0 {
		return out, nil
	}
	tactics, err := tacticsByID(db, stale)
	if err != nil {
		return out, err
	}
	rendered := make(map[int64][]byte, len(tactics))
	for i := range tactics {
		if rendered[tactics[i].ID], err = renderTactic(&tactics[i]); err != nil {
			return out, err
		}
	}
	// A tactic deleted since the page was read is left out, as a read a moment later would.
	kept := out.Items[:0]
	for i, r := range rows.Items {
		if r.Doc == nil {
			out.Items[i] = rendered[r.ID]
		}
		if out.Items[i] != nil {
			kept = append(kept, out.Items[i])
		}
	}
	out.Items = kept
	return out, nil
}

// AppendTacticDocs is TacticDocs for a list's body: it appends the page's documents to dst,
// separated by commas (the elements of a JSON array, the same bytes TacticDocs gives), and returns
// the page with its cursor and total but no items. Each document goes from the row SQLite returns
// to dst, with no copy of its own: a list page is 50 documents of 1-3 KB, and copying each and
// then the page was most of its allocations (issue 30).
//
// The query runs without the request's cancellation: with a context that can be cancelled, the
// SQLite driver starts a goroutine for every row it reads, and a page reads at most limit+1 rows
// (its cost is bounded by the filters' indexes, as a cached page's is).
func (s *Store) AppendTacticDocs(ctx context.Context, f models.TacticFilter, dst []byte) ([]byte, models.List[json.RawMessage], error) {
	general := func(dst []byte) ([]byte, models.List[json.RawMessage], error) {
		page, err := s.TacticDocs(ctx, f)
		if err != nil {
			return dst, page, err
		}
		for i, d := range page.Items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, d...)
		}
		page.Items = nil
		return dst, page, nil
	}
	tq := tacticQuery{TacticFilter: f, hidden: canSeeHidden(ctx)}
	if pq, err := tacticList.query(tq); err != nil || pq != nil {
		return general(dst) // ranked by relevance, or a bad query for TacticDocs to refuse
	}
	db := s.read(context.WithoutCancel(ctx))
	var out models.List[json.RawMessage]
	q, o, fp, err := tacticList.keysetQuery(db, tq, nil, f.Page)
	if err != nil {
		return dst, out, err
	}
	// In id order the cursor needs no other column: the id and the document alone, so that the
	// driver reads two columns of each row, not six.
	byID := o.field.column == "id"
	if byID {
		q = q.Select("tactics.id, " + tacticDocColumn)
	}
	rows, err := q.Rows()
	if err != nil {
		return dst, out, fmt.Errorf("store: list tactics: %w", err)
	}
	defer rows.Close()
	start := len(dst)
	var (
		last tacticRow
		doc  sql.RawBytes // SQLite's bytes, valid until the next row: appended at once
		n    int
	)
	for rows.Next() {
		if n == f.Page.Limit { // the row after the page: there is a next one
			if out.NextCursor, err = tacticList.cursorAfter(o, fp, &last); err != nil {
				return dst, out, err
			}
			break
		}
		if byID {
			err = rows.Scan(&last.ID, &doc)
		} else {
			err = rows.Scan(&last.ID, &last.Title, &last.Position, &last.CreatedAt, &last.UpdatedAt, &doc)
		}
		if err != nil {
			return dst, out, fmt.Errorf("store: list tactics: %w", err)
		}
		if doc == nil { // a document behind its tactic: TacticDocs renders it
			rows.Close()
			return general(dst[:start])
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, doc...)
		n++
	}
	if err := rows.Err(); err != nil {
		return dst, out, fmt.Errorf("store: list tactics: %w", err)
	}
	var counted models.List[tacticRow]
	err = tacticList.total(db, tq, nil, f.Page, &counted)
	out.Total = counted.Total
	return dst, out, err
}

// Tactics is TacticDocs, decoded.
func (s *Store) Tactics(ctx context.Context, f models.TacticFilter) (models.List[models.Tactic], error) {
	docs, err := s.TacticDocs(ctx, f)
	out := models.List[models.Tactic]{NextCursor: docs.NextCursor, Total: docs.Total, Items: make([]models.Tactic, len(docs.Items))}
	if err != nil {
		return out, err
	}
	for i, d := range docs.Items {
		if err := json.Unmarshal(d, &out.Items[i]); err != nil {
			return out, fmt.Errorf("store: decode tactic document: %w", err)
		}
	}
	return out, nil
}

// CreateTactic validates and stores a new tactic at an existing stage, with existing tags. A
// tactic is a draft unless the input says otherwise. Invalid for a bad field, a stage that does
// not exist, unknown tags or more than one horizon tag, all bad fields at once.
func (s *Store) CreateTactic(ctx context.Context, in *models.TacticInput) (*models.Tactic, error) {
	return tacticObject.createOne(ctx, s, in)
}

// ReplaceTactic replaces the tactic with the given id, its tags included, if pre holds: NotFound if
// there is no such tactic, PreconditionFailed if pre does not hold or the tactic changed meanwhile,
// Invalid as for CreateTactic.
func (s *Store) ReplaceTactic(ctx context.Context, id int64, in *models.TacticInput, pre models.Precondition) (*models.Tactic, error) {
	return tacticObject.replace(ctx, s, idKey(id), in, pre)
}

// DeleteTactic deletes the tactic with the given id, if pre holds. Its tag links go with it.
// NotFound if there is no such tactic, PreconditionFailed if pre does not hold.
func (s *Store) DeleteTactic(ctx context.Context, id int64, pre models.Precondition) error {
	return tacticObject.remove(ctx, s, idKey(id), pre)
}

// RestoreTactic brings the tactic with the given id (deleted or not) back to a revision. Its stage
// and tags must exist. NotFound if it has no history or no such revision, PreconditionFailed if
// pre does not hold, Conflict (not_restorable) if the revision records a delete or its stage or a
// tag has been deleted since.
func (s *Store) RestoreTactic(ctx context.Context, id int64, revision int64, pre models.Precondition) (*models.Tactic, error) {
	return tacticObject.restoreOne(ctx, s, idKey(id), revision, pre)
}

// tacticInputOf turns a recorded tactic back into an input. Tags are recorded with their ids,
// which outlive renames; a tag deleted since cannot come back with the tactic.
func tacticInputOf(tx *gorm.DB, t *models.Tactic) (*models.TacticInput, error) {
	ids := make([]int64, len(t.Tags))
	for i, tg := range t.Tags {
		ids[i] = tg.ID
	}
	var live []models.TagSummary
	if len(ids) > 0 {
		if err := tx.Table("tags").Select("id, slug, name, tag_group").Where("id IN ?", ids).Find(&live).Error; err != nil {
			return nil, fmt.Errorf("store: restore tactic tags: %w", err)
		}
	}
	in := tacticInput(t)
	in.Tags = nil
	var missing []string
	for _, tg := range t.Tags {
		i := slices.IndexFunc(live, func(l models.TagSummary) bool { return l.ID == tg.ID })
		if i < 0 {
			missing = append(missing, tg.Slug)
			continue
		}
		in.Tags = append(in.Tags, models.TagRef(live[i].Slug))
	}
	if len(missing) > 0 {
		return nil, models.Conflictf("not_restorable", "the tactic's tags %s have been deleted since; restore them first", strings.Join(missing, ", "))
	}
	// A cited source deleted since makes the recorded state unrestorable (409), as for the others.
	var cited []models.Citation
	for _, r := range in.CitationRefs() {
		cited = append(cited, models.Citation{Source: r.Source})
	}
	if err := checkCitedSources(tx, models.EntityTactic, t.ID, cited); err != nil {
		return nil, err
	}
	stages, err := countIn(tx, "stages", "id", t.StageID)
	if err != nil {
		return nil, err
	}
	if stages == 0 {
		return nil, models.Conflictf("not_restorable", "the tactic's stage %d has been deleted since; restore it first", t.StageID)
	}
	return in, nil
}

// tacticInput is the input that writes t as it is, its tags named by slug.
func tacticInput(t *models.Tactic) *models.TacticInput {
	ev, review, stageID, position := t.Evidence, t.Review, t.StageID, t.Position
	in := &models.TacticInput{StageID: &stageID, Code: t.Code, Kind: t.Kind, Status: t.Status, Title: t.Title,
		Summary: t.Summary, Description: t.Description, Position: &position,
		Attribution: t.Attribution, Evidence: &ev, Caveats: t.Caveats, Positions: t.Positions,
		Jurisdictions: t.Jurisdictions, Actors: t.Actors, Adoption: t.Adoption, Review: &review,
		Citations: t.Citations, ActsOn: t.ActsOn, AlsoAppliesTo: t.AlsoAppliesTo, Tags: []models.TagRef{}}
	for _, tg := range t.Tags {
		in.Tags = append(in.Tags, models.TagRef(tg.Slug))
	}
	return in
}

// tacticWrite is a TacticInput checked against the database: its stage, tags, cited sources and
// other stages exist; defaults filled in.
type tacticWrite struct {
	stage       *tacticStage
	tags        []models.TagSummary
	position    int
	attribution string
	detail      tacticDetail
	sourceIDs   []int64
}

// tacticDetail is what a tactic says beyond its plain columns, stored as one JSON column: it is
// only ever read and written with its tactic. Lists filter on the columns that summarise it
// (attribution, evidence_rank, review_due).
type tacticDetail struct {
	Evidence      models.Evidence   `json:"evidence"`
	Caveats       []models.Caveat   `json:"caveats"`
	Positions     []models.Position `json:"positions"`
	Jurisdictions []string          `json:"jurisdictions"`
	Actors        []string          `json:"actors"`
	Adoption      *models.Adoption  `json:"adoption"`
	Review        models.Review     `json:"review"`
	Citations     []models.Citation `json:"citations"`
	ActsOn        []models.ActsOn   `json:"acts_on"`
	AlsoAppliesTo []string          `json:"also_applies_to"`
}

// defaultEvidence is what is known of a tactic that says nothing: nothing.
var defaultEvidence = models.Evidence{Effect: models.Effect{Direction: "unknown"}, Level: "none", Evaluation: "unevaluated"}

// detailOf takes an input's detail, with the defaults of a tactic that says nothing: nothing is
// known of its effect, it is unevaluated, and its review is a draft.
func detailOf(in *models.TacticInput) tacticDetail {
	d := tacticDetail{Caveats: in.Caveats, Positions: in.Positions, Jurisdictions: in.Jurisdictions,
		Actors: in.Actors, Adoption: in.Adoption, Citations: in.Citations, ActsOn: in.ActsOn,
		AlsoAppliesTo: in.AlsoAppliesTo}
	for i := range d.ActsOn {
		d.ActsOn[i].Links = nonNil(d.ActsOn[i].Links)
	}
	if in.Evidence != nil {
		d.Evidence = *in.Evidence
	} else {
		d.Evidence = defaultEvidence
	}
	if in.Review != nil {
		d.Review = *in.Review
	} else {
		d.Review = models.Review{State: models.ReviewDraft}
	}
	return d
}

// setOn copies the detail onto t, with empty lists rather than nulls, and the defaults for a
// tactic stored before it had a detail.
func (d tacticDetail) setOn(t *models.Tactic) {
	if d.Evidence.Level == "" {
		d.Evidence = defaultEvidence
	}
	if d.Review.State == "" {
		d.Review.State = models.ReviewDraft
	}
	t.Evidence, t.Adoption, t.Review = d.Evidence, d.Adoption, d.Review
	t.Caveats = nonNil(d.Caveats)
	t.Positions = nonNil(d.Positions)
	t.Jurisdictions = nonNil(d.Jurisdictions)
	t.Actors = nonNil(d.Actors)
	t.Citations = nonNil(d.Citations)
	t.ActsOn = nonNil(d.ActsOn)
	for i := range t.ActsOn {
		t.ActsOn[i].Links = nonNil(t.ActsOn[i].Links)
	}
	t.AlsoAppliesTo = nonNil(d.AlsoAppliesTo)
}

// nonNil returns s, or an empty slice for nil, so that JSON says [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// reviewDue is the review_due column of a detail: the next review's date, or NULL.
func (d tacticDetail) reviewDue() *string {
	if d.Review.NextReviewDue == nil {
		return nil
	}
	v := d.Review.NextReviewDue.String()
	return &v
}

// prepareTactic checks a tactic input, the rules that need the database included, and reports
// every bad field at once.
func prepareTactic(tx *gorm.DB, in *models.TacticInput) (*tacticWrite, error) {
	var fields []models.FieldError
	if err := in.Validate(); err != nil {
		e, ok := models.AsError(err)
		if !ok {
			return nil, err
		}
		fields = append(fields, e.Fields...)
	}
	w := &tacticWrite{attribution: in.Attribution, detail: detailOf(in)}
	if w.attribution == "" {
		w.attribution = models.AttributionEditorial
	}
	ids, bad, err := resolveCitations(tx, in.CitationRefs())
	if err != nil {
		return nil, err
	}
	fields = append(fields, bad...)
	w.sourceIDs = ids
	if in.StageID != nil && *in.StageID > 0 {
		st, err := stageOfTactic(tx, *in.StageID)
		switch {
		case err != nil:
			return nil, err
		case st == nil:
			fields = append(fields, models.FieldError{Field: "stage_id", Message: fmt.Sprintf("stage %d does not exist", *in.StageID)})
		}
		w.stage = st
	}
	if w.stage != nil && len(in.AlsoAppliesTo) > 0 {
		bad, err := checkOtherStages(tx, w.stage, in.AlsoAppliesTo)
		if err != nil {
			return nil, err
		}
		fields = append(fields, bad...)
	}
	if w.stage != nil {
		bad, err := checkEffectLinks(tx, w.stage, in.ActsOn)
		if err != nil {
			return nil, err
		}
		fields = append(fields, bad...)
	}
	tags, bad, err := resolveTags(tx, in.Tags)
	if err != nil {
		return nil, err
	}
	fields = append(fields, bad...)
	w.tags = tags
	if len(fields) > 0 {
		return nil, models.Invalid(fields...)
	}
	if in.Position != nil {
		w.position = *in.Position
	} else {
		// A new tactic without a position goes last among its stage's published tactics of its
		// kind: counting drafts would leave gaps that tell readers drafts exist.
		var last sql.NullInt64
		err := tx.Raw("SELECT MAX(position) FROM tactics WHERE stage_id = ? AND kind = ? AND status = ?",
			w.stage.ID, in.Kind, models.StatusPublished).Row().Scan(&last)
		if err != nil {
			return nil, fmt.Errorf("store: last position: %w", err)
		}
		w.position = int(last.Int64) + 1 // 1 for the first
	}
	return w, nil
}

// tacticStage is what a tactic's write needs of its stage.
type tacticStage struct {
	ID, ChainID int64
	Slug        string
}

// stageOfTactic reads what a tactic's write needs of stage id, or nil if there is no such stage.
//
// The reads that check a tactic's input run on SQLite's single writer, so they are plain SQL
// scanned by hand, like the write's inserts: in a profile of creates at 100,000 tactics, GORM's
// building and reflective scanning were three quarters of these reads' time (issue 17).
func stageOfTactic(tx *gorm.DB, id int64) (*tacticStage, error) {
	st := &tacticStage{}
	err := tx.Raw("SELECT id, chain_id, slug FROM stages WHERE id = ?", id).Row().Scan(&st.ID, &st.ChainID, &st.Slug)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("store: find stage: %w", err)
	}
	return st, nil
}

// resolveTags looks tag slugs up. Unknown slugs and more than one horizon tag are field errors.
// Slugs that are malformed are left to Validate, which has already reported them.
func resolveTags(tx *gorm.DB, refs []models.TagRef) ([]models.TagSummary, []models.FieldError, error) {
	var slugs []string
	for _, r := range refs {
		s := string(r)
		if models.IsSlug(s) && !slices.Contains(slugs, s) {
			slugs = append(slugs, s)
		}
	}
	tags := []models.TagSummary{}
	if len(slugs) == 0 {
		return tags, nil, nil
	}
	// In the order a tactic shows its tags (attachTags): by group, then slug. Scanned by hand
	// (see stageOfTactic).
	rows, err := tx.Raw("SELECT id, slug, name, tag_group FROM tags WHERE slug IN ? ORDER BY tag_group, slug", slugs).Rows()
	if err != nil {
		return nil, nil, fmt.Errorf("store: resolve tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t models.TagSummary
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Group); err != nil {
			return nil, nil, fmt.Errorf("store: resolve tags: %w", err)
		}
		tags = append(tags, t)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: resolve tags: %w", err)
	}
	var bad []models.FieldError
	var unknown, horizons []string
	for _, s := range slugs {
		i := slices.IndexFunc(tags, func(t models.TagSummary) bool { return t.Slug == s })
		if i < 0 {
			unknown = append(unknown, s)
		} else if tags[i].Group == models.HorizonGroup {
			horizons = append(horizons, s)
		}
	}
	if len(unknown) > 0 {
		bad = append(bad, models.FieldError{Field: "tags", Message: "unknown tag(s): " + strings.Join(unknown, ", ") + "; create them first or use existing tag slugs"})
	}
	if len(horizons) > 1 {
		bad = append(bad, models.FieldError{Field: "tags", Message: "at most one horizon tag is allowed; got " + strings.Join(horizons, ", ")})
	}
	return tags, bad, nil
}

// checkOtherStages checks also_applies_to: slugs of other stages of the tactic's own chain.
func checkOtherStages(tx *gorm.DB, stage *tacticStage, slugs []string) ([]models.FieldError, error) {
	var known []string
	if err := tx.Table("stages").Where("chain_id = ? AND slug IN ?", stage.ChainID, slugs).Pluck("slug", &known).Error; err != nil {
		return nil, fmt.Errorf("store: check stages: %w", err)
	}
	var bad []models.FieldError
	for i, sl := range slugs {
		switch {
		case !models.IsSlug(sl):
			// Validate has reported it.
		case sl == stage.Slug:
			bad = append(bad, models.FieldError{Field: "also_applies_to/" + strconv.Itoa(i), Message: "is the tactic's own stage; name other stages only"})
		case !slices.Contains(known, sl):
			bad = append(bad, models.FieldError{Field: "also_applies_to/" + strconv.Itoa(i), Message: fmt.Sprintf("stage %q is not a stage of the tactic's chain", sl)})
		}
	}
	return bad, nil
}

// checkEffectLinks checks the links of the tactic's acts_on effects: slugs of stages of its own
// chain, its own stage included.
func checkEffectLinks(tx *gorm.DB, stage *tacticStage, effects []models.ActsOn) ([]models.FieldError, error) {
	var slugs []string
	for _, a := range effects {
		slugs = append(slugs, a.Links...)
	}
	if len(slugs) == 0 {
		return nil, nil
	}
	var known []string
	if err := tx.Table("stages").Where("chain_id = ? AND slug IN ?", stage.ChainID, slugs).Pluck("slug", &known).Error; err != nil {
		return nil, fmt.Errorf("store: check effect links: %w", err)
	}
	var bad []models.FieldError
	for i, a := range effects {
		for j, sl := range a.Links {
			if models.IsSlug(sl) && !slices.Contains(known, sl) {
				bad = append(bad, models.FieldError{Field: "acts_on/" + strconv.Itoa(i) + "/links/" + strconv.Itoa(j), Message: fmt.Sprintf("stage %q is not a stage of the tactic's chain", sl)})
			}
		}
	}
	return bad, nil
}

// kindLetter is the letter of a kind in a tactic's code.
var kindLetter = map[string]string{models.KindCurrent: "C", models.KindRecommended: "R", models.KindCondition: "K"}

// newCode makes a code for a tactic created without one: the initials of the chain's slug, the
// first letter of the stage's slug, the kind's letter and the next free number, e.g. ST-R-R08.
func newCode(tx *gorm.DB, stage *tacticStage, kind string) (string, error) {
	var chainSlug string
	if err := tx.Raw("SELECT slug FROM chains WHERE id = ?", stage.ChainID).Row().Scan(&chainSlug); err != nil {
		return "", fmt.Errorf("store: code for a tactic: chain %d: %w", stage.ChainID, err)
	}
	var initials strings.Builder
	for _, w := range strings.Split(chainSlug, "-") {
		if w != "" && initials.Len() < 6 {
			initials.WriteString(strings.ToUpper(w[:1]))
		}
	}
	prefix := fmt.Sprintf("%s-%s-%s", initials.String(), strings.ToUpper(stage.Slug[:1]), kindLetter[kind])
	// The highest number of the prefix, from the index on these expressions (migration 0012).
	var last sql.NullInt64
	err := tx.Raw(`SELECT MAX(`+codeNumber+`) FROM tactics WHERE `+codePrefix+` = ?`, prefix).Row().Scan(&last)
	if err != nil {
		return "", fmt.Errorf("store: code for a tactic: %w", err)
	}
	n := int(last.Int64)
	code := fmt.Sprintf("%s%02d", prefix, n+1)
	if !models.IsCode(code) {
		// A chain or stage slug that starts with a digit: fall back to a plain prefix.
		code = fmt.Sprintf("T-X-%s%02d", kindLetter[kind], n+1)
	}
	return code, nil
}

// codePrefix and codeNumber split a tactic's code where its trailing digits start: ST-R-R and 8
// for ST-R-R08. They are the expressions of the index tactics_code_number, word for word.
const (
	codePrefix = "rtrim(code, '0123456789')"
	codeNumber = "CAST(NULLIF(substr(code, length(rtrim(code, '0123456789')) + 1), '') AS BIGINT)"
)

// codeConflict turns a unique violation on a tactic's code into a Conflict that names it.
func codeConflict(err error, code string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return models.Conflictf("duplicate_code", "a tactic with code %q already exists; codes are unique and never change", code)
	}
	return translate(err, "write tactic")
}

// insertTactic stores a tactic: a new one (id 0), or a deleted one brought back under its id.
func insertTactic(tx *gorm.DB, id, version int64, in *models.TacticInput, action string) (*models.Tactic, error) {
	w, err := prepareTactic(tx, in)
	if err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = models.StatusDraft
	}
	code := in.Code
	if code == "" {
		if code, err = newCode(tx, w.stage, in.Kind); err != nil {
			return nil, err
		}
	}
	now := tx.Config.NowFunc()
	t := &models.Tactic{ID: id, StageID: w.stage.ID, ChainID: w.stage.ChainID, Code: code, Kind: in.Kind, Status: status,
		Title: in.Title, Summary: in.Summary, Description: in.Description, Attribution: w.attribution, Position: w.position, CreatedAt: now, UpdatedAt: now, Version: version}
	w.detail.setOn(t)
	cols := map[string]any{"stage_id": t.StageID, "chain_id": t.ChainID, "code": t.Code, "kind": t.Kind,
		"status": t.Status, "title": t.Title, "summary": t.Summary, "description": t.Description,
		"attribution": t.Attribution, "evidence_rank": models.EvidenceRank(t.Evidence.Level),
		"review_due": w.detail.reviewDue(), "detail": jsonText(w.detail), "position": t.Position}
	if t.ID, err = insertObject(tx, "tactics", id, version, now, cols); err != nil {
		return nil, codeConflict(err, code)
	}
	if err := insertTacticTags(tx, t.ID, w.tags); err != nil {
		return nil, err
	}
	if err := addCitations(tx, models.EntityTactic, t.ID, w.sourceIDs); err != nil {
		return nil, err
	}
	// The stored tactic is what was just written: no need to read it back.
	t.Tags = w.tags
	return t, record(tx, tacticChange(nil, t, action))
}

// updateTactic replaces cur with in, its tags included, moving it to its next version.
func updateTactic(tx *gorm.DB, cur *models.Tactic, in *models.TacticInput, action string) (*models.Tactic, error) {
	w, err := prepareTactic(tx, in)
	if err != nil {
		return nil, err
	}
	if in.Position == nil {
		// A replacement without a position keeps the tactic where it is.
		w.position = cur.Position
	}
	status := in.Status
	if status == "" {
		// ...and one without a status keeps its status: leaving it out must not unpublish.
		status = cur.Status
	}
	code := cur.Code
	if in.Code != "" && strings.HasPrefix(cur.Code, models.PlaceholderCodePrefix) {
		code = in.Code // a placeholder is replaced once
	} else if in.Code != "" && in.Code != cur.Code {
		return nil, models.Invalid(models.FieldError{Field: "code", Message: fmt.Sprintf("a tactic's code never changes; leave it out or send %q", cur.Code)})
	}
	if in.Kind != cur.Kind {
		if err := checkAddressesKind(tx, cur.ID, in.Kind); err != nil {
			return nil, err
		}
	}
	updated, err := bumpVersion(tx, "tactics", cur.ID, cur.Version, changedColumns(cur, w, in, status, code))
	if err != nil {
		return nil, codeConflict(err, code)
	}
	if err := syncCitations(tx, models.EntityTactic, cur.ID, w.sourceIDs); err != nil {
		return nil, err
	}
	if err := syncTacticTags(tx, cur.ID, w.tags); err != nil {
		return nil, err
	}
	if wasPublished, isPublished := cur.Status == models.StatusPublished, status == models.StatusPublished; wasPublished != isPublished {
		if err := followVisibility(tx, cur.ID, wasPublished); err != nil {
			return nil, err
		}
	}
	// The stored tactic is what was just written: no need to read it back.
	t := &models.Tactic{ID: cur.ID, StageID: w.stage.ID, ChainID: w.stage.ChainID, Code: code, Kind: in.Kind,
		Status: status, Title: in.Title, Summary: in.Summary, Description: in.Description, Tags: w.tags,
		Attribution: w.attribution, Position: w.position, CreatedAt: cur.CreatedAt,
		UpdatedAt: updated, Version: cur.Version + 1}
	w.detail.setOn(t)
	return t, record(tx, tacticChange(cur, t, action))
}

// changedColumns is what updateTactic sets: the detail, and those of the row's other columns
// whose value changes. SQLite rewrites the entry of every index whose columns an UPDATE names,
// changed or not, and the full-text entry when it names the text; naming every column, a patch of
// a summary at 100,000 tactics rewrote 17 index entries and cost about twice as much SQL
// (bench/results.md). The columns that summarise the detail for filters (evidence_rank,
// review_due) are always set with it, so that they can never drift from it.
func changedColumns(cur *models.Tactic, w *tacticWrite, in *models.TacticInput, status, code string) map[string]any {
	set := map[string]any{"detail": jsonText(w.detail), "evidence_rank": models.EvidenceRank(w.detail.Evidence.Level),
		"review_due": w.detail.reviewDue()}
	for _, c := range []struct {
		column  string
		changed bool
		value   any
	}{
		{"stage_id", w.stage.ID != cur.StageID, w.stage.ID},
		{"chain_id", w.stage.ChainID != cur.ChainID, w.stage.ChainID},
		{"kind", in.Kind != cur.Kind, in.Kind},
		{"status", status != cur.Status, status},
		{"title", in.Title != cur.Title, in.Title},
		{"summary", in.Summary != cur.Summary, in.Summary},
		{"description", in.Description != cur.Description, in.Description},
		{"position", w.position != cur.Position, w.position},
		{"attribution", w.attribution != cur.Attribution, w.attribution},
		{"code", code != cur.Code, code},
	} {
		if c.changed {
			set[c.column] = c.value
		}
	}
	return set
}

// tacticChange describes a change from before (nil for a create) to after (before, for a delete).
func tacticChange(before, after *models.Tactic, action string) change {
	return change{entity: models.EntityTactic, id: after.ID, version: after.Version, action: action,
		visible:    action != models.ActionDelete && after.Status == models.StatusPublished,
		wasVisible: before != nil && before.Status == models.StatusPublished,
		data:       after}
}

// syncTacticTags makes a tactic's tags exactly tags. An update mostly leaves them as they were:
// they are read, and rewritten only if they change (as syncCitations does).
func syncTacticTags(tx *gorm.DB, tacticID int64, tags []models.TagSummary) error {
	cur, err := linkedIDs(tx, "SELECT tag_id FROM tactic_tags WHERE tactic_id = ?", tacticID)
	if err != nil {
		return fmt.Errorf("store: read tactic tags: %w", err)
	}
	ids := make([]int64, len(tags))
	for i, t := range tags {
		ids[i] = t.ID
	}
	if sameIDs(cur, ids) {
		return nil
	}
	if err := tx.Exec("DELETE FROM tactic_tags WHERE tactic_id = ?", tacticID).Error; err != nil {
		return fmt.Errorf("store: untag tactic: %w", err)
	}
	return insertTacticTags(tx, tacticID, tags)
}

func insertTacticTags(tx *gorm.DB, tacticID int64, tags []models.TagSummary) error {
	if len(tags) == 0 {
		return nil
	}
	rows := make([][]any, len(tags))
	for i, t := range tags {
		rows[i] = []any{tacticID, t.ID}
	}
	return translate(insertRows(tx, "tactic_tags", []string{"tactic_id", "tag_id"}, rows), "tag tactic")
}

// findTactic finds a tactic with its tags; a hidden (draft or archived) one only if hidden.
func findTactic(db *gorm.DB, id int64, hidden bool) (*models.Tactic, error) {
	t, err := findTacticRow(db, id, hidden)
	if err != nil {
		return nil, err
	}
	one := []models.Tactic{*t}
	if err := attachTags(db.Where("tt.tactic_id = ?", id), one); err != nil {
		return nil, err
	}
	return &one[0], nil
}

// findTacticRow finds a tactic without its tags; a hidden one only if hidden. It reads the same
// columns as tacticFast, through the same scanner.
func findTacticRow(db *gorm.DB, id int64, hidden bool) (*models.Tactic, error) {
	q := db.Table("tactics").Select(tacticColumns).Where("id = ?", id)
	if !hidden {
		q = q.Where("status = ?", models.StatusPublished)
	}
	// Rows, not Row: GORM's prepared-statement pool hands back an unusable *sql.Row when the
	// statement cannot be prepared.
	rows, err := q.Rows()
	if err != nil {
		return nil, fmt.Errorf("store: find tactic: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: find tactic: %w", err)
		}
		return nil, models.NotFoundf("tactic %d not found", id)
	}
	return scanTactic(rows, id)
}

// The hottest read, a tactic by id, goes around GORM: the profile of GET /tactics/{id} showed
// GORM's statement building and reflective scanning costing as much as SQLite's own work
// (bench/README.md). It reads the same columns as findTacticRow, with the same scanner, through
// statements prepared once when the store opens (hotpath.go).

// tacticColumns are the columns of a tactic row, in the order scanTactic reads them.
var tacticColumns = tacticColumnsOf("")

// tacticColumnsOf is tacticColumns, each qualified by table when it is not empty.
func tacticColumnsOf(table string) string {
	cols := []string{"id", "stage_id", "chain_id", "code", "kind", "status", "title", "summary", "description",
		"attribution", "detail", "position", "created_at", "updated_at", "version"}
	if table != "" {
		for i, c := range cols {
			cols[i] = table + "." + c
		}
	}
	return strings.Join(cols, ", ")
}

// rowScanner is a *sql.Row, or *sql.Rows on a row.
type rowScanner interface{ Scan(dest ...any) error }

// scanTactic reads one row of tacticColumns: NotFound if there is none.
func scanTactic(row rowScanner, id int64) (*models.Tactic, error) {
	var t models.Tactic
	var detail string
	err := row.Scan(&t.ID, &t.StageID, &t.ChainID, &t.Code, &t.Kind, &t.Status, &t.Title, &t.Summary,
		&t.Description, &t.Attribution, &detail, &t.Position, &t.CreatedAt, &t.UpdatedAt, &t.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.NotFoundf("tactic %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find tactic: %w", err)
	}
	var d tacticDetail
	if err := scanJSON(detail, &d); err != nil {
		return nil, err
	}
	d.setOn(&t)
	return &t, nil
}

// tacticFast is Tactic through the prepared statements.
func (s *Store) tacticFast(ctx context.Context, id int64, hidden bool) (*models.Tactic, error) {
	st := s.hot.tacticPublished
	if hidden {
		st = s.hot.tactic
	}
	t, err := scanTactic(st.QueryRowContext(ctx, id), id)
	if err != nil {
		return nil, err
	}
	s.statements.Add(1)
	rows, err := s.hot.tacticTags.QueryContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("store: load tactic tags: %w", err)
	}
	defer rows.Close()
	s.statements.Add(1)
	t.Tags = []models.TagSummary{}
	for rows.Next() {
		var tg models.TagSummary
		if err := rows.Scan(&tg.ID, &tg.Slug, &tg.Name, &tg.Group); err != nil {
			return nil, fmt.Errorf("store: load tactic tags: %w", err)
		}
		t.Tags = append(t.Tags, tg)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: load tactic tags: %w", err)
	}
	return t, nil
}

// tagLink is one tag of one tactic.
type tagLink struct {
	TacticID int64
	models.TagSummary
}

// attachTags loads, in one query, the tags of the tactics that q's WHERE clause selects (by
// tt.tactic_id), and sets them on the matching tactics, ordered by group then slug.
func attachTags(q *gorm.DB, tactics []models.Tactic) error {
	for i := range tactics {
		tactics[i].Tags = []models.TagSummary{}
	}
	if len(tactics) == 0 {
		return nil
	}
	var links []tagLink
	err := q.Table("tactic_tags tt").Joins("JOIN tags t ON t.id = tt.tag_id").
		Select("tt.tactic_id, t.id, t.slug, t.name, t.tag_group").
		Order("tt.tactic_id, t.tag_group, t.slug").Find(&links).Error
	if err != nil {
		return fmt.Errorf("store: load tactic tags: %w", err)
	}
	at := make(map[int64]int, len(tactics))
	for i, t := range tactics {
		at[t.ID] = i
	}
	for _, l := range links {
		if i, ok := at[l.TacticID]; ok {
			tactics[i].Tags = append(tactics[i].Tags, l.TagSummary)
		}
	}
	return nil
}

// whereHorizon keeps tactics that carry the horizon tag with the given slug.
func whereHorizon(q *gorm.DB, slug string) *gorm.DB {
	return q.Where(`EXISTS (SELECT 1 FROM tactic_tags tt JOIN tags t ON t.id = tt.tag_id
		WHERE tt.tactic_id = tactics.id AND t.slug = ? AND t.tag_group = ?)`, slug, models.HorizonGroup)
}

// Required names what the import requires of a bundle's tactic besides a tactic input's rules:
// its code, by which the import finds it.
func (BundleTactic) Required() []string { return []string{"code"} }

// BundleTactic is a tactic whose chain and stage are named by slug.
//
//	@Description	A tactic, found by its code, its chain and stage named by slug (no stage_id).
type BundleTactic struct {
	// Slug of the tactic's chain.
	Chain string `json:"chain" validate:"required,slug" example:"sex-trafficking"`
	// Slug of the tactic's stage within its chain.
	Stage string `json:"stage" validate:"required,slug" example:"retailer"`
	models.TacticInput
	// A bundle names no database ids: this shadows the input's stage_id, so that one sent is
	// refused rather than read.
	StageID *int64 `json:"stage_id,omitempty" swaggerignore:"true"`
}

// tacticKind is tactics in the registry: a bundle names a tactic's chain and stage by slug, and
// finds the tactic by its code, which it must carry.
var tacticKind = &kind[models.Tactic, models.TacticInput, BundleTactic]{
	object: tacticObject,
	items:  func(b *Bundle) *[]BundleTactic { return &b.Tactics },
	key:    func(bt *BundleTactic) string { return bt.Code }, keyField: "code",
	needsKey: "is required in a bundle: a tactic is found by its code",
	batch: func(tx *gorm.DB, after int64, drafts bool) ([]models.Tactic, error) {
		q := tx.Table("tactics").Select(tacticColumns).Where("id > ?", after)
		if !drafts {
			q = q.Where("status = ?", models.StatusPublished)
		}
		rows, err := scanAll(q.Order("id").Limit(exportBatch), func(rows *sql.Rows) (*models.Tactic, error) { return scanTactic(rows, 0) })
		if err != nil || len(rows) == 0 {
			return rows, err
		}
		ids := make([]int64, len(rows))
		for i, t := range rows {
			ids[i] = t.ID
		}
		return rows, attachTags(tx.Where("tt.tactic_id IN ?", ids), rows)
	},
	toBundle: func(e *exporter, t *models.Tactic, in *models.TacticInput) (BundleTactic, error) {
		chain, stage, err := e.stageSlugs(t.StageID)
		in.StageID = nil
		return BundleTactic{Chain: chain, Stage: stage, TacticInput: *in}, err
	},
	fromBundle: func(im *importer, at string, bt *BundleTactic) (*models.TacticInput, string, bool, error) {
		if bt.StageID != nil {
			im.fault(at+"/stage_id", "a bundle names no database ids: name the tactic's stage by its chain and slug, in chain and stage")
			return nil, "", false, nil
		}
		id, ok, err := im.stageID(bt.Chain, bt.Stage)
		if err != nil || !ok {
			im.policy.unresolved(im, at+"/stage", fmt.Sprintf("stage %q of chain %q is neither in the bundle nor in the database", bt.Stage, bt.Chain),
				fmt.Sprintf("tactic %s: its stage %s/%s is not there", bt.Code, bt.Chain, bt.Stage))
			return nil, "", false, err
		}
		in := bt.TacticInput
		in.StageID = &id
		var tid int64
		if in.Code != "" {
			if tid, err = tacticIDByCode(im.tx, in.Code); err != nil {
				return nil, "", false, err
			}
		}
		done, err := im.policy.tactic(im, &in, tid == 0)
		if err != nil || done {
			return nil, "", false, err
		}
		return &in, idKey(tid), true, nil
	},
}

// tacticIDByCode returns the id of the live tactic with this code, hidden or not, or 0.
func tacticIDByCode(tx *gorm.DB, code string) (int64, error) {
	var ids []int64
	if err := tx.Table("tactics").Where("code = ?", code).Limit(1).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("store: find tactic %s: %w", code, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

// TacticObjects is tactics for the API's shared endpoint code: the methods above, by path key.
func (s *Store) TacticObjects() *Resource[models.Tactic, models.TacticInput] {
	return sameResource(s, tacticObject)
}
