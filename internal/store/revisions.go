package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// revisionRow is a row of the revisions table.
type revisionRow struct {
	ID         int64
	Entity     string
	EntityID   int64
	Slug       *string
	Version    int64
	Action     string
	Actor      string
	ActorKeyID *int64
	RequestID  string
	At         time.Time
	Visible    bool
	WasVisible bool
	Data       string
	CascadeOf  *int64 // the delete that took this object along (a tactic's relations)
}

func (r *revisionRow) model() models.Revision {
	return models.Revision{ID: r.ID, Entity: r.Entity, EntityID: r.EntityID, Version: r.Version, Action: r.Action,
		Actor: r.Actor, RequestID: r.RequestID, At: r.At, Data: json.RawMessage(r.Data)}
}

// change describes one change to record.
type change struct {
	entity     string
	id         int64
	slug       string // chains and tags
	version    int64
	action     string
	visible    bool  // readers below editor can see the object after the change
	wasVisible bool  // ... and could before it
	data       any   // the object after the change (before it, for a delete)
	cascadeOf  int64 // the revision of the delete that took this object along, or 0
}

// record writes the revision of a change, in the change's transaction: the change and its
// history commit together or not at all. The actor and request id come from the context.
func record(tx *gorm.DB, c change) error {
	_, err := recordID(tx, c)
	return err
}

// recordID is record, returning the revision's id.
func recordID(tx *gorm.DB, c change) (int64, error) {
	ctx := tx.Statement.Context
	p := models.PrincipalFrom(ctx)
	data, err := json.Marshal(c.data)
	if err != nil {
		return 0, fmt.Errorf("store: record %s %d: %w", c.entity, c.id, err)
	}
	row := revisionRow{Entity: c.entity, EntityID: c.id, Version: c.version, Action: c.action,
		Actor: actorName(p), RequestID: models.RequestIDFrom(ctx), At: tx.Config.NowFunc(),
		Visible: c.visible, WasVisible: c.wasVisible, Data: string(data)}
	if c.slug != "" {
		row.Slug = &c.slug
	}
	if p.KeyID != 0 {
		row.ActorKeyID = &p.KeyID
	}
	if c.cascadeOf != 0 {
		row.CascadeOf = &c.cascadeOf
	}
	// The revision's id is the next generation: taking it locks the generation row until this
	// transaction commits, so ids are handed out in commit order and the feed never skips one.
	if err := tx.Raw("UPDATE kb_generation SET n = n + 1 WHERE id = 1 RETURNING n").Scan(&row.ID).Error; err != nil {
		return 0, fmt.Errorf("store: record %s %d: %w", c.entity, c.id, err)
	}
	// Raw SQL, not GORM's Create of the struct: every write records a revision, and GORM's
	// reflection over the row showed in the profile of a create.
	err = tx.Exec(`INSERT INTO revisions (id, entity, entity_id, slug, version, action, actor, actor_key_id,
		request_id, at, visible, was_visible, data, cascade_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		row.ID, row.Entity, row.EntityID, row.Slug, row.Version, row.Action, row.Actor, row.ActorKeyID,
		row.RequestID, row.At, row.Visible, row.WasVisible, row.Data, row.CascadeOf).Error
	if err != nil {
		return 0, fmt.Errorf("store: record %s %d: %w", c.entity, c.id, err)
	}
	// The webhook deliveries the change owes, in the same transaction (webhooks.go): a committed
	// change is a delivery owed, a rolled-back one never is.
	if err := owe(tx, row.ID, c, row.At); err != nil {
		return 0, err
	}
	return row.ID, nil
}

// actorName names a principal in the history: the key's holder and the key, so that two keys of
// one person can be told apart.
func actorName(p models.Principal) string {
	if p.KeyID == 0 {
		return p.Name
	}
	return fmt.Sprintf("%s (key %d)", p.Name, p.KeyID)
}

// Revisions returns one page of an object's history, newest first. entity is one of the
// models.Entity constants; key is an id, or a slug for chains and tags, which finds deleted
// objects too. NotFound if the object has no history, BadRequest for a bad sort or cursor.
func (s *Store) Revisions(ctx context.Context, entity, key string, p models.Page) (models.List[models.Revision], error) {
	db := s.read(ctx)
	id, err := historyID(db, entity, key)
	if err != nil {
		return models.List[models.Revision]{}, err
	}
	page, err := revisionList.page(db, historyOf{entity, id}, p)
	return revisionPage(page), err
}

// historyOf names one object's history.
type historyOf struct {
	entity string
	id     int64
}

// revisionList is how an object's history is listed: newest first unless asked otherwise.
var revisionList = listSpec[revisionRow, historyOf]{
	table: "revisions",
	where: func(q *gorm.DB, h historyOf) *gorm.DB {
		return q.Where("entity = ? AND entity_id = ?", h.entity, h.id)
	},
	filterKey:   func(h historyOf) string { return fmt.Sprintf("entity=%s id=%d", h.entity, h.id) },
	defaultSort: "-id",
	sorts:       map[string]sortField[revisionRow]{"id": {"id", intColumn, func(r *revisionRow) any { return r.ID }}},
	id:          func(r *revisionRow) int64 { return r.ID },
}

func revisionPage(page models.List[revisionRow]) models.List[models.Revision] {
	out := models.List[models.Revision]{NextCursor: page.NextCursor, Total: page.Total, Items: make([]models.Revision, len(page.Items))}
	for i := range page.Items {
		out.Items[i] = page.Items[i].model()
	}
	return out
}

// historyID finds the id whose history to show: the object's id, or for a slug the id of the
// object that last had it, deleted or not.
func historyID(db *gorm.DB, entity, key string) (int64, error) {
	id, slug := idOrSlug(key)
	if slug != "" {
		var ids []int64
		err := db.Table("revisions").Where("entity = ? AND slug = ?", entity, slug).Order("id DESC").Limit(1).Pluck("entity_id", &ids).Error
		if err != nil {
			return 0, fmt.Errorf("store: history of %s: %w", entity, err)
		}
		if len(ids) == 0 {
			return 0, models.NotFoundf("%s %q has no history", entity, key)
		}
		return ids[0], nil
	}
	var n int64
	if err := db.Table("revisions").Where("entity = ? AND entity_id = ?", entity, id).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: history of %s: %w", entity, err)
	}
	if n == 0 {
		return 0, models.NotFoundf("%s %d has no history", entity, id)
	}
	return id, nil
}

// Generation returns the knowledge base's generation: a number that every change of content, on
// any instance, moves on when it commits. Equal generations mean equal content. Any error is
// internal.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	var n int64
	if s.hot == nil {
		if err := s.read(ctx).Raw("SELECT n FROM kb_generation WHERE id = 1").Scan(&n).Error; err != nil {
			return 0, fmt.Errorf("store: generation: %w", err)
		}
		return n, nil
	}
	// Through a prepared statement, around GORM (whose statement building was most of this
	// read's cost), and without the request's cancellation, for which the SQLite driver would
	// start a goroutine: one row read by its key.
	s.statements.Add(1)
	if err := s.hot.generation.QueryRowContext(context.WithoutCancel(ctx)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: generation: %w", err)
	}
	return n, nil
}

// Changes returns the change feed: every revision after the given revision id, in order, at most
// limit of them. Below editor, hidden tactics are left out, and a tactic that becomes hidden shows
// as a delete, so that a reader's mirror drops it. Any error is internal.
func (s *Store) Changes(ctx context.Context, after int64, limit int) (models.List[models.Revision], error) {
	hidden := models.PrincipalFrom(ctx).CanSeeHidden()
	q := s.read(ctx).Table("revisions").Where("id > ?", after)
	if !hidden {
		q = q.Where("visible OR was_visible")
	}
	var rows []revisionRow
	if err := q.Order("id").Limit(limit + 1).Find(&rows).Error; err != nil {
		return models.List[models.Revision]{}, fmt.Errorf("store: changes: %w", err)
	}
	var out models.List[models.Revision]
	if len(rows) > limit {
		rows = rows[:limit]
		out.NextCursor = strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	out.Items = make([]models.Revision, len(rows))
	for i := range rows {
		out.Items[i] = feedEntry(&rows[i], hidden)
	}
	return out, nil
}

// feedEntry is a revision as the change feed shows it, to someone who sees hidden tactics or not;
// the feed, its stream and the webhook deliveries all show it so.
func feedEntry(row *revisionRow, hidden bool) models.Revision {
	r := row.model()
	if !hidden && !row.Visible {
		// The object left what readers see: to this reader it is gone.
		r.Action = models.ActionDelete
		r.Data = json.RawMessage(fmt.Sprintf(`{"id":%d}`, r.EntityID))
	}
	return r
}

// revisionAt loads one revision of an object.
func revisionAt(db *gorm.DB, entity string, id, revision int64) (*revisionRow, error) {
	var r revisionRow
	err := db.Table("revisions").Where("id = ? AND entity = ? AND entity_id = ?", revision, entity, id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, models.NotFoundf("%s %d has no revision %d", entity, id, revision)
	}
	if err != nil {
		return nil, fmt.Errorf("store: revision: %w", err)
	}
	return &r, nil
}

// lastVersion is the version an object had at its latest revision (0 if it has none).
func lastVersion(db *gorm.DB, entity string, id int64) (int64, error) {
	var v []int64
	err := db.Table("revisions").Where("entity = ? AND entity_id = ?", entity, id).Order("id DESC").Limit(1).Pluck("version", &v).Error
	if err != nil {
		return 0, fmt.Errorf("store: last version of %s %d: %w", entity, id, err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	return v[0], nil
}
