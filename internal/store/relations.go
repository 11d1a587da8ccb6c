package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// Relations link two tactics by id in the table; the API names the tactics by code, and a code
// never changes. Below editor a relation exists only while both its tactics are published: the
// same rule as for tactics, applied to both ends, in reads and in the change feed.

// relationState is a relation as the store reads it: as the API shows it, plus what writing and
// hiding it needs, the ids of its tactics and whether each is published. Only the relation is
// recorded in revisions (change.data), so a revision holds what a GET returned.
type relationState struct {
	models.Relation
	fromID, toID               int64
	fromPublished, toPublished bool
}

// visible reports whether readers below editor may see the relation: both tactics are published.
func (r *relationState) visible() bool { return r.fromPublished && r.toPublished }

// relationColumns are what a relation read selects, in the order scanRelation reads them; the
// query joins the tactics at both ends as f and t (joinEnds).
const relationColumns = "relations.id, f.code, t.code, relations.type, relations.note, relations.created_at, " +
	"relations.updated_at, relations.version, relations.from_id, relations.to_id, f.status, t.status"

// joinEnds joins a query on relations to the tactics at both ends, as f (from) and t (to).
func joinEnds(q *gorm.DB) *gorm.DB {
	return q.Joins("JOIN tactics f ON f.id = relations.from_id").Joins("JOIN tactics t ON t.id = relations.to_id")
}

// scanRelation reads one row of relationColumns.
func scanRelation(rows *sql.Rows) (*relationState, error) {
	var r relationState
	var fromStatus, toStatus string
	err := rows.Scan(&r.ID, &r.From, &r.To, &r.Type, &r.Note, &r.CreatedAt, &r.UpdatedAt, &r.Version,
		&r.fromID, &r.toID, &fromStatus, &toStatus)
	if err != nil {
		return nil, fmt.Errorf("store: read relation: %w", err)
	}
	r.fromPublished, r.toPublished = fromStatus == models.StatusPublished, toStatus == models.StatusPublished
	return &r, nil
}

// relationQuery is a relation filter and whether the caller may see relations of hidden tactics.
type relationQuery struct {
	models.RelationFilter
	hidden bool
}

// relationList is how relations are listed: filtered by a tactic at either end, type and text in
// the note, and below editor to relations between published tactics; in id order unless asked
// otherwise.
var relationList = listSpec[relationState, relationQuery]{
	table:   "relations",
	columns: func(relationQuery, string) string { return relationColumns },
	where: func(q *gorm.DB, f relationQuery) *gorm.DB {
		q = joinEnds(q)
		if !f.hidden {
			q = q.Where("f.status = ? AND t.status = ?", models.StatusPublished, models.StatusPublished)
		}
		if f.Tactic != "" {
			// A code, or an id; one that names no tactic matches nothing.
			if id, code := idOrSlug(f.Tactic); code != "" {
				q = q.Where("(f.code = ? OR t.code = ?)", code, code)
			} else {
				q = q.Where("(relations.from_id = ? OR relations.to_id = ?)", id, id)
			}
		}
		if f.Type != "" {
			q = q.Where("relations.type = ?", f.Type)
		}
		return whereText(q, f.Q, "relations.note")
	},
	scan: scanRelation,
	// The cursor is tied to what the caller may see, so that an editor's cursor is no use to a reader.
	filterKey: func(f relationQuery) string {
		return fmt.Sprintf("tactic=%q type=%q q=%q hidden=%t", f.Tactic, f.Type, f.Q, f.hidden)
	},
	defaultSort: "id",
	sorts: map[string]sortField[relationState]{
		"id":         {"id", intColumn, func(r *relationState) any { return r.ID }},
		"type":       {"type", textColumn, func(r *relationState) any { return r.Type }},
		"created_at": {"created_at", timeColumn, func(r *relationState) any { return r.CreatedAt }},
		"updated_at": {"updated_at", timeColumn, func(r *relationState) any { return r.UpdatedAt }},
	},
	id: func(r *relationState) int64 { return r.ID },
}

// relationObject is how relations are written. A write sees relations of hidden tactics too.
var relationObject = &object[relationState, models.RelationInput]{
	entity: models.EntityRelation,
	table:  "relations",
	plural: "relations",
	get: func(ctx context.Context, s *Store, key string) (*relationState, error) {
		return findRelation(s.read(ctx), tacticID(key), canSeeHidden(ctx))
	},
	find: func(db *gorm.DB, key string) (*relationState, error) {
		return findRelation(db, tacticID(key), true)
	},
	ref:     func(r *relationState) (int64, int64) { return r.ID, r.Version },
	insert:  insertRelation,
	update:  updateRelation,
	inputOf: relationInputOf,
	asInput: func(r *relationState) *models.RelationInput {
		return &models.RelationInput{From: r.From, To: r.To, Type: r.Type, Note: r.Note}
	},
	version: func(in *models.RelationInput) **int64 { return &in.Version },
	change:  relationChange,
}

// relationKind is relations in the registry: a bundle holds their inputs, which name the tactics
// at both ends by code, and finds a relation by its ends and type. Its prerequisites are checked
// for loops all at once, before any is written (checkImportLoops).
var relationKind = &kind[relationState, models.RelationInput, models.RelationInput]{
	object: relationObject,
	items:  func(b *Bundle) *[]models.RelationInput { return &b.Relations },
	key:    func(in *models.RelationInput) string { return in.From + " " + in.Type + " " + in.To }, keyField: "to",
	prepare: checkImportLoops,
	batch: func(tx *gorm.DB, after int64, drafts bool) ([]relationState, error) {
		q := joinEnds(tx.Table("relations")).Select(relationColumns).Where("relations.id > ?", after)
		if !drafts {
			q = q.Where("f.status = ? AND t.status = ?", models.StatusPublished, models.StatusPublished)
		}
		return scanAll(q.Order("relations.id").Limit(exportBatch), scanRelation)
	},
	toBundle:   asIs[relationState, models.RelationInput],
	fromBundle: relationFromBundle,
}

// relationFromBundle finds the tactics at a relation's ends by code (a bundle never names them by
// id: an id means another tactic in another database), and the relation by its ends and type.
func relationFromBundle(im *importer, at string, in *models.RelationInput) (*models.RelationInput, string, bool, error) {
	for _, end := range []struct{ field, code string }{{"from", in.From}, {"to", in.To}} {
		switch id, _ := idOrSlug(end.code); {
		case end.code == "":
			// Validate reports it.
		case id != 0:
			im.fault(at+"/"+end.field, "names tactic %s by database id; a bundle names tactics by code, as the export writes them", end.code)
			return nil, "", false, nil
		default:
			tid, err := tacticIDByCode(im.tx, end.code)
			if err != nil {
				return nil, "", false, err
			}
			if tid == 0 {
				im.policy.unresolved(im, at+"/"+end.field, fmt.Sprintf("tactic %s is neither in the bundle nor in the database", end.code),
					fmt.Sprintf("relation %s %s %s: a tactic at its ends is not there", in.From, in.Type, in.To))
				return nil, "", false, nil
			}
		}
	}
	var ids []int64
	err := im.tx.Table("relations r").Joins("JOIN tactics f ON f.id = r.from_id").Joins("JOIN tactics t ON t.id = r.to_id").
		Where("f.code = ? AND t.code = ? AND r.type = ?", in.From, in.To, in.Type).Limit(1).Pluck("r.id", &ids).Error
	if err != nil {
		return nil, "", false, fmt.Errorf("store: import relation: %w", err)
	}
	key := "0"
	if len(ids) > 0 {
		key = idKey(ids[0])
	}
	return in, key, true, nil
}

// Relation returns the relation with the given id: NotFound if there is none. Below editor, a
// relation whose either tactic is a draft or archived does not exist.
func (s *Store) Relation(ctx context.Context, id int64) (*models.Relation, error) {
	r, err := findRelation(s.read(ctx), id, canSeeHidden(ctx))
	if err != nil {
		return nil, err
	}
	return &r.Relation, nil
}

// Relations returns one page of relations: BadRequest for a bad sort or cursor.
func (s *Store) Relations(ctx context.Context, f models.RelationFilter) (models.List[models.Relation], error) {
	page, err := relationList.page(s.read(ctx), relationQuery{RelationFilter: f, hidden: canSeeHidden(ctx)}, f.Page)
	if err != nil {
		return models.List[models.Relation]{}, err
	}
	return mapList(page, func(r *relationState) (models.Relation, error) { return r.Relation, nil })
}

// TacticRelations returns one page of the relations of the tactic with the given id or code, in
// both directions, each saying which way it points from the tactic: NotFound if there is no such
// tactic (below editor, also if it is hidden), BadRequest for a bad sort or cursor. f.Tactic is
// ignored.
func (s *Store) TacticRelations(ctx context.Context, key string, f models.RelationFilter) (models.List[models.TacticRelation], error) {
	db := s.read(ctx)
	hidden := canSeeHidden(ctx)
	var out models.List[models.TacticRelation]
	q := db.Table("tactics").Select("id")
	if id, code := idOrSlug(key); code != "" {
		q = q.Where("code = ?", code)
	} else {
		q = q.Where("id = ?", id)
	}
	if !hidden {
		q = q.Where("status = ?", models.StatusPublished)
	}
	var ids []int64
	if err := q.Limit(1).Pluck("id", &ids).Error; err != nil {
		return out, fmt.Errorf("store: find tactic %s: %w", key, err)
	}
	if len(ids) == 0 {
		return out, models.NotFoundf("tactic %s not found", key)
	}
	f.Tactic = idKey(ids[0])
	page, err := relationList.page(db, relationQuery{RelationFilter: f, hidden: hidden}, f.Page)
	out.NextCursor, out.Total, out.Items = page.NextCursor, page.Total, make([]models.TacticRelation, len(page.Items))
	for i, r := range page.Items {
		tr := models.TacticRelation{Relation: r.Relation, Direction: models.DirectionOutgoing, Other: r.To}
		if r.toID == ids[0] {
			tr.Direction, tr.Other = models.DirectionIncoming, r.From
		}
		out.Items[i] = tr
	}
	return out, err
}

// CreateRelation validates and stores a new relation: Invalid for a bad field, a tactic that does
// not exist, a relation of a tactic to itself or a prerequisite-of that would close a loop;
// Conflict (duplicate_relation) if the same relation exists already.
func (s *Store) CreateRelation(ctx context.Context, in *models.RelationInput) (*models.Relation, error) {
	r, err := relationObject.createOne(ctx, s, in)
	return relationOf(r), err
}

// ReplaceRelation replaces the relation with the given id, if pre holds: NotFound if there is no
// such relation, PreconditionFailed if pre does not hold or the relation changed meanwhile,
// Invalid and Conflict as for CreateRelation.
func (s *Store) ReplaceRelation(ctx context.Context, id int64, in *models.RelationInput, pre models.Precondition) (*models.Relation, error) {
	r, err := relationObject.replace(ctx, s, idKey(id), in, pre)
	return relationOf(r), err
}

// DeleteRelation deletes the relation with the given id, if pre holds: NotFound if there is no
// such relation, PreconditionFailed if pre does not hold.
func (s *Store) DeleteRelation(ctx context.Context, id int64, pre models.Precondition) error {
	return relationObject.remove(ctx, s, idKey(id), pre)
}

// RestoreRelation brings the relation with the given id (deleted or not) back to a revision:
// NotFound if it has no history or no such revision, PreconditionFailed if pre does not hold,
// Conflict if the revision records a delete or a tactic it links has been deleted since
// (not_restorable), or the same relation exists again (duplicate_relation); a prerequisite-of
// that would close a loop is Invalid for a live relation and not_restorable for a deleted one.
func (s *Store) RestoreRelation(ctx context.Context, id int64, revision int64, pre models.Precondition) (*models.Relation, error) {
	r, err := relationObject.restoreOne(ctx, s, idKey(id), revision, pre)
	return relationOf(r), err
}

func relationOf(r *relationState) *models.Relation {
	if r == nil {
		return nil
	}
	return &r.Relation
}

// findRelation finds a relation; one whose either tactic is hidden only if hidden.
func findRelation(db *gorm.DB, id int64, hidden bool) (*relationState, error) {
	q := joinEnds(db.Table("relations")).Select(relationColumns).Where("relations.id = ?", id)
	if !hidden {
		q = q.Where("f.status = ? AND t.status = ?", models.StatusPublished, models.StatusPublished)
	}
	rows, err := scanAll(q, scanRelation)
	if err != nil {
		return nil, fmt.Errorf("store: find relation: %w", err)
	}
	if len(rows) == 0 {
		return nil, models.NotFoundf("relation %d not found", id)
	}
	return &rows[0], nil
}

// relationChange describes a change from before (nil for a create) to after (before, for a
// delete). Readers see it in the feed while both of the relation's tactics are published.
func relationChange(before, after *relationState, action string) change {
	return change{entity: models.EntityRelation, id: after.ID, version: after.Version, action: action,
		visible:    action != models.ActionDelete && after.visible(),
		wasVisible: before != nil && before.visible(),
		data:       &after.Relation}
}

// relationInputOf turns a recorded relation back into an input. Its tactics, named by code, must
// still exist.
func relationInputOf(tx *gorm.DB, r *relationState) (*models.RelationInput, error) {
	var live []string
	if err := tx.Table("tactics").Where("code IN ?", []string{r.From, r.To}).Pluck("code", &live).Error; err != nil {
		return nil, fmt.Errorf("store: restore relation %d: %w", r.ID, err)
	}
	var missing []string
	for _, code := range []string{r.From, r.To} {
		if !slices.Contains(live, code) {
			missing = append(missing, code)
		}
	}
	if len(missing) > 0 {
		return nil, models.Conflictf("not_restorable", "the relation's tactic(s) %s have been deleted since; restore them first", strings.Join(missing, ", "))
	}
	return &models.RelationInput{From: r.From, To: r.To, Type: r.Type, Note: r.Note}, nil
}

// tacticEnd is a tactic at one end of a relation being written.
type tacticEnd struct {
	ID     int64
	Code   string
	Status string
	Kind   string
}

// relationWrite is a RelationInput checked against the database: both tactics exist and differ,
// the relation is not there already and closes no loop.
type relationWrite struct {
	from, to tacticEnd
}

// columns is the row that w writes for in.
func (w *relationWrite) columns(in *models.RelationInput) map[string]any {
	return map[string]any{"from_id": w.from.ID, "to_id": w.to.ID, "type": in.Type, "note": in.Note}
}

// state is the relation that w writes for in, with its id, times and version.
func (w *relationWrite) state(in *models.RelationInput, id int64, created, updated time.Time, version int64) *relationState {
	return &relationState{Relation: models.Relation{ID: id, From: w.from.Code, To: w.to.Code, Type: in.Type, Note: in.Note,
		CreatedAt: created, UpdatedAt: updated, Version: version}, fromID: w.from.ID, toID: w.to.ID,
		fromPublished: w.from.Status == models.StatusPublished, toPublished: w.to.Status == models.StatusPublished}
}

// prepareRelation checks a relation input, the rules that need the database included; self is the
// id of the relation being replaced or restored (0 for a new one), which the duplicate and loop
// checks leave out. Field errors are reported all at once.
func prepareRelation(tx *gorm.DB, in *models.RelationInput, self int64) (*relationWrite, error) {
	fields, err := invalidFields(in.Validate())
	if err != nil {
		return nil, err
	}
	named := func(field string) bool {
		return slices.ContainsFunc(fields, func(f models.FieldError) bool { return f.Field == field })
	}
	var w relationWrite
	for _, end := range []struct {
		field, key string
		dst        *tacticEnd
	}{{"from", in.From, &w.from}, {"to", in.To, &w.to}} {
		if named(end.field) {
			continue
		}
		t, err := findEnd(tx, end.key)
		switch {
		case models.IsKind(err, models.KindNotFound):
			fields = append(fields, models.FieldError{Field: end.field, Message: fmt.Sprintf("tactic %s does not exist; name an existing tactic by code or id", end.key)})
		case err != nil:
			return nil, err
		default:
			*end.dst = *t
		}
	}
	if w.from.ID != 0 && w.from.ID == w.to.ID && !named("to") {
		fields = append(fields, models.FieldError{Field: "to", Message: fmt.Sprintf("names the same tactic as from (%s); a tactic cannot relate to itself", w.from.Code)})
	}
	if in.Type == models.RelationAddresses {
		fields = append(fields, addressesEnds(w)...)
	}
	if len(fields) > 0 {
		return nil, models.Invalid(fields...)
	}
	var same []int64
	err = tx.Table("relations").Where("from_id = ? AND to_id = ? AND type = ? AND id <> ?", w.from.ID, w.to.ID, in.Type, self).
		Limit(1).Pluck("id", &same).Error
	if err != nil {
		return nil, fmt.Errorf("store: check relation: %w", err)
	}
	if len(same) > 0 {
		return nil, duplicateRelation(w.from.Code, in.Type, w.to.Code, same[0])
	}
	if in.Type == models.RelationPrerequisiteOf {
		// Two prerequisites written at once could each find no loop and close one together
		// (A → B and B → A): they take turns from here to their commit. (SQLite's writes always do.)
		if err := serialize(tx, "prerequisites"); err != nil {
			return nil, err
		}
		loop := ""
		if !loopsChecked(tx) {
			var err error
			if loop, err = prerequisiteLoop(tx, w.from, w.to, self); err != nil {
				return nil, err
			}
		}
		if loop != "" {
			return nil, models.Invalid(models.FieldError{Field: "to", Message: fmt.Sprintf(
				"%s prerequisite-of %s would close a loop of prerequisites: %s; a tactic cannot be, through others, a prerequisite of itself",
				w.from.Code, w.to.Code, loop)})
		}
	}
	return &w, nil
}

func duplicateRelation(from, typ, to string, id int64) error {
	detail := fmt.Sprintf("%s %s %s is already relation %d; change that one instead", from, typ, to, id)
	if id == 0 {
		detail = fmt.Sprintf("%s %s %s exists already; change that relation instead", from, typ, to)
	}
	return models.Conflictf("duplicate_relation", "%s", detail)
}

// addressesEnds checks the kinds at the ends of an addresses relation: a current or recommended
// tactic answers a condition. An end that was not found (ID 0) is reported already.
func addressesEnds(w relationWrite) []models.FieldError {
	var fields []models.FieldError
	if w.from.ID != 0 && w.from.Kind == models.KindCondition {
		fields = append(fields, models.FieldError{Field: "from", Message: fmt.Sprintf(
			"%s is a condition; addresses runs from a current or recommended tactic to the condition it answers", w.from.Code)})
	}
	if w.to.ID != 0 && w.to.Kind != models.KindCondition {
		fields = append(fields, models.FieldError{Field: "to", Message: fmt.Sprintf(
			"%s is a %s tactic, not a condition; addresses points to the condition a tactic answers", w.to.Code, w.to.Kind)})
	}
	return fields
}

// checkAddressesKind refuses a new kind for tactic id that its addresses relations no longer
// allow: a condition cannot address, and what is addressed stays a condition. The error names
// the relations to change first.
func checkAddressesKind(tx *gorm.DB, id int64, kind string) error {
	var ids []int64
	q := tx.Table("relations").Where("type = ?", models.RelationAddresses)
	if kind == models.KindCondition {
		q = q.Where("from_id = ?", id)
	} else {
		q = q.Where("to_id = ?", id)
	}
	if err := q.Order("id").Pluck("id", &ids).Error; err != nil {
		return fmt.Errorf("store: check relations of tactic %d: %w", id, err)
	}
	if len(ids) == 0 {
		return nil
	}
	return models.Invalid(models.FieldError{Field: "kind", Message: fmt.Sprintf(
		"cannot become %s while addresses relation(s) %v need it as it is (a current or recommended tactic addresses a condition); change or delete them first",
		kind, ids)})
}

// findEnd finds the tactic that key (a code or an id) names, hidden or not.
func findEnd(tx *gorm.DB, key string) (*tacticEnd, error) {
	q := tx.Table("tactics").Select("id, code, status, kind")
	if id, code := idOrSlug(key); code != "" {
		q = q.Where("code = ?", code)
	} else {
		q = q.Where("id = ?", id)
	}
	var ends []tacticEnd
	if err := q.Limit(1).Find(&ends).Error; err != nil {
		return nil, fmt.Errorf("store: find tactic %s: %w", key, err)
	}
	if len(ends) == 0 {
		return nil, models.NotFoundf("tactic %s not found", key)
	}
	return &ends[0], nil
}

// prerequisiteLoop looks for a chain of prerequisite-of relations from to back to from, leaving out
// relation self, which a new from prerequisite-of to would close into a loop. It returns the loop
// as codes ("A → B → C → A"), or "" if there is none. It searches breadth first, one query per
// step, so the loop it reports is a shortest one.
func prerequisiteLoop(tx *gorm.DB, from, to tacticEnd, self int64) (string, error) {
	parent := map[int64]int64{to.ID: 0}
	frontier := []int64{to.ID}
	found := false
	for len(frontier) > 0 && !found {
		var edges []struct{ FromID, ToID int64 }
		err := tx.Table("relations").Select("from_id, to_id").
			Where("type = ? AND from_id IN ? AND id <> ?", models.RelationPrerequisiteOf, frontier, self).
			Order("from_id, to_id").Find(&edges).Error
		if err != nil {
			return "", fmt.Errorf("store: check prerequisites: %w", err)
		}
		frontier = nil
		for _, e := range edges {
			if _, seen := parent[e.ToID]; seen {
				continue
			}
			parent[e.ToID] = e.FromID
			if e.ToID == from.ID {
				found = true
				break
			}
			frontier = append(frontier, e.ToID)
		}
	}
	if !found {
		return "", nil
	}
	// The path from to back to from, then from in front: from → to → ... → from.
	path := []int64{from.ID}
	for id := parent[from.ID]; id != 0; id = parent[id] {
		path = append(path, id)
	}
	path = append(path, from.ID)
	slices.Reverse(path)
	var ends []tacticEnd
	if err := tx.Table("tactics").Select("id, code").Where("id IN ?", path).Find(&ends).Error; err != nil {
		return "", fmt.Errorf("store: check prerequisites: %w", err)
	}
	codes := make([]string, len(path))
	for i, id := range path {
		for _, e := range ends {
			if e.ID == id {
				codes[i] = e.Code
			}
		}
	}
	return strings.Join(codes, " → "), nil
}

// insertRelation stores a relation: a new one (id 0), or a deleted one brought back under its id.
func insertRelation(tx *gorm.DB, id, version int64, in *models.RelationInput, action string) (*relationState, error) {
	w, err := prepareRelation(tx, in, id)
	if err != nil {
		return nil, err
	}
	now := tx.Config.NowFunc()
	r := w.state(in, id, now, now, version)
	if r.ID, err = insertObject(tx, "relations", id, version, now, w.columns(in)); err != nil {
		return nil, relationConflict(err, w, in.Type)
	}
	return r, record(tx, relationChange(nil, r, action))
}

// updateRelation replaces cur with in, moving it to its next version.
func updateRelation(tx *gorm.DB, cur *relationState, in *models.RelationInput, action string) (*relationState, error) {
	w, err := prepareRelation(tx, in, cur.ID)
	if err != nil {
		return nil, err
	}
	updated, err := bumpVersion(tx, "relations", cur.ID, cur.Version, w.columns(in))
	if err != nil {
		return nil, relationConflict(err, w, in.Type)
	}
	r := w.state(in, cur.ID, cur.CreatedAt, updated, cur.Version+1)
	return r, record(tx, relationChange(cur, r, action))
}

// relationConflict names a unique violation: the same relation, written at the same moment.
func relationConflict(err error, w *relationWrite, typ string) error {
	if _, ok := models.AsError(err); !ok && errors.Is(err, gorm.ErrDuplicatedKey) {
		return duplicateRelation(w.from.Code, typ, w.to.Code, 0)
	}
	return translate(err, "write relation")
}

// relationsOf loads the relations from or to a tactic, hidden or not.
func relationsOf(tx *gorm.DB, tacticID int64) ([]relationState, error) {
	q := joinEnds(tx.Table("relations")).Select(relationColumns).
		Where("relations.from_id = ? OR relations.to_id = ?", tacticID, tacticID).Order("relations.id")
	rels, err := scanAll(q, scanRelation)
	if err != nil {
		return nil, fmt.Errorf("store: relations of tactic %d: %w", tacticID, err)
	}
	return rels, nil
}

// deleteRelationsOf deletes a tactic's relations along with it: each gets a delete revision that
// names the tactic's delete (rev), so that restoring the tactic brings them back.
func deleteRelationsOf(tx *gorm.DB, tacticID, rev int64) error {
	rels, err := relationsOf(tx, tacticID)
	if err != nil {
		return err
	}
	for i := range rels {
		r := &rels[i]
		c := relationChange(r, r, models.ActionDelete)
		c.cascadeOf = rev
		if err := record(tx, c); err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM relations WHERE id = ?", r.ID).Error; err != nil {
			return fmt.Errorf("store: delete relation %d: %w", r.ID, err)
		}
	}
	return nil
}

// restoreRelationsOf brings back, when a deleted tactic is restored, the relations that went with
// a tactic's delete and name it at either end: those that went with its own delete, and those
// that went with the other tactic's while this one was gone too (restoring that tactic could not
// bring them back then). A relation comes back under its id only if both its tactics exist, the
// same relation has not been made again, and it closes no loop of prerequisites; otherwise it
// stays deleted, and can still be restored from its history once what it needs is there.
// deleteRev is the tactic's delete; any relation it took along names the tactic, so the search
// below finds them all.
func restoreRelationsOf(tx *gorm.DB, tacticID, deleteRev int64) error {
	if deleteRev == 0 {
		return nil
	}
	var codes []string
	if err := tx.Table("tactics").Where("id = ?", tacticID).Pluck("code", &codes).Error; err != nil {
		return fmt.Errorf("store: restore relations of tactic %d: %w", tacticID, err)
	}
	if len(codes) == 0 {
		return fmt.Errorf("store: restore relations of tactic %d: the tactic is not there", tacticID)
	}
	code := codes[0]
	// Relations whose latest revision is a delete that went with a tactic.
	var revs []revisionRow
	err := tx.Table("revisions r").Select("r.*").
		Where("r.entity = ? AND r.action = ? AND r.cascade_of IS NOT NULL", models.EntityRelation, models.ActionDelete).
		Where("NOT EXISTS (SELECT 1 FROM revisions l WHERE l.entity = r.entity AND l.entity_id = r.entity_id AND l.id > r.id)").
		Order("r.id").Find(&revs).Error
	if err != nil {
		return fmt.Errorf("store: relations deleted with tactic %d: %w", tacticID, err)
	}
	for _, rev := range revs {
		var r models.Relation
		if err := json.Unmarshal([]byte(rev.Data), &r); err != nil {
			return fmt.Errorf("store: revision %d: %w", rev.ID, err)
		}
		if r.From != code && r.To != code {
			continue
		}
		in := &models.RelationInput{From: r.From, To: r.To, Type: r.Type, Note: r.Note}
		_, err := insertRelation(tx, rev.EntityID, rev.Version+1, in, models.ActionRestore)
		if models.IsKind(err, models.KindInvalid) || models.IsKind(err, models.KindConflict) {
			continue // the other tactic is gone, or the relation is there again, or it would loop
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// followVisibility records, when a tactic becomes published or stops being published, a revision of
// each of its relations, so that readers' mirrors learn of relations that come into view (shown to
// them as the relation's state) and drop those that leave it (shown to them as a delete). The
// relations themselves do not change: the revision carries their current version. visibleBefore
// says whether the tactic was published before the change.
func followVisibility(tx *gorm.DB, tacticID int64, visibleBefore bool) error {
	rels, err := relationsOf(tx, tacticID)
	if err != nil {
		return err
	}
	for i := range rels {
		r := &rels[i]
		before := *r
		if r.fromID == tacticID {
			before.fromPublished = visibleBefore
		}
		if r.toID == tacticID {
			before.toPublished = visibleBefore
		}
		if before.visible() == r.visible() {
			continue // the other end is hidden: readers saw it neither before nor after
		}
		if err := record(tx, relationChange(&before, r, models.ActionUpdate)); err != nil {
			return err
		}
	}
	return nil
}

// RelationObjects is relations for the API's shared endpoint code: the methods above, by path key.
func (s *Store) RelationObjects() *Resource[models.Relation, models.RelationInput] {
	return resourceOf(s, relationObject, func(r *relationState) *models.Relation { return &r.Relation },
		func(r *models.Relation) (int64, int64) { return r.ID, r.Version })
}
