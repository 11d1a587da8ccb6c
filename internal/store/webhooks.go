package store

// Webhook subscriptions and their deliveries (issue 29). A subscription is operational
// configuration, like an API key: it has no history, is not in the change feed and is not
// exported. Its deliveries are an outbox: owe writes one row per change owed to each matching
// subscription in the change's own transaction, and the delivery worker (internal/webhooks)
// claims, sends and settles them.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// webhookRow is a row of webhook_subscriptions.
type webhookRow struct {
	ID             int64
	OwnerKeyID     int64
	URL            string
	Description    string
	Entities       string // ",tactic,stage," or "" for all
	Chains         string // ",1,2," chain ids, or "" for all
	IncludeDrafts  bool
	Secret         string
	Enabled        bool
	DisabledReason *string
	DisabledAt     *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64
}

// model is the subscription as the API shows it, its chains by slug (slugs names the chains by id).
func (w *webhookRow) model(slugs map[int64]string) models.Webhook {
	m := models.Webhook{ID: w.ID, URL: w.URL, Description: w.Description, Entities: splitList(w.Entities),
		Chains: []string{}, IncludeDrafts: w.IncludeDrafts, Enabled: w.Enabled, DisabledReason: w.DisabledReason,
		DisabledAt: w.DisabledAt, OwnerKeyID: w.OwnerKeyID, SecretPrefix: secretPrefix(w.Secret),
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt, Version: w.Version}
	for _, s := range splitList(w.Chains) {
		id, _ := strconv.ParseInt(s, 10, 64)
		if slug, ok := slugs[id]; ok { // a chain deleted since is no longer named
			m.Chains = append(m.Chains, slug)
		}
	}
	return m
}

// secretPrefix is enough of a secret to recognise it by: "whsec_" and four characters.
func secretPrefix(secret string) string {
	if len(secret) < 10 {
		return secret
	}
	return secret[:10]
}

// joinList writes a list as ",a,b," (or "" for none), so that LIKE '%,a,%' finds an item.
func joinList(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return "," + strings.Join(items, ",") + ","
}

func splitList(s string) []string {
	out := []string{}
	for _, item := range strings.Split(strings.Trim(s, ","), ",") {
		if item != "" {
			out = append(out, item)
		}
	}
	return out
}

// owe writes the outbox rows of a change, in the change's transaction: one delivery for each
// enabled subscription that asked for the change's entity and chain, may see the change (drafts
// only for subscriptions that include them) and whose key is still valid. One statement, whatever
// the number of subscriptions, and none of them read into Go.
func owe(tx *gorm.DB, revision int64, c change, at time.Time) error {
	chain := chainOf(c.data)
	err := tx.Exec(`INSERT INTO webhook_deliveries (subscription_id, revision_id, next_attempt_at, retry_from, created_at)
		SELECT s.id, ?, ?, ?, ? FROM webhook_subscriptions s JOIN api_keys k ON k.id = s.owner_key_id
		WHERE s.enabled AND (s.entities = '' OR s.entities LIKE ?) AND (s.chains = '' OR ? = 0 OR s.chains LIKE ?)
		AND (s.include_drafts OR ?) AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)`,
		revision, at, at, at, "%,"+c.entity+",%", chain, "%,"+strconv.FormatInt(chain, 10)+",%",
		c.visible || c.wasVisible, at).Error
	if err != nil {
		return fmt.Errorf("store: webhook outbox of %s %d: %w", c.entity, c.id, err)
	}
	return nil
}

// chainOf is the chain an object of the change feed belongs to, or 0 for those that belong to no
// single chain (tags, sources, relations, and the parameters that are exchange rates or price
// indices).
func chainOf(data any) int64 {
	switch d := data.(type) {
	case *models.Chain:
		return d.ID
	case *models.Stage:
		return d.ChainID
	case *models.Tactic:
		return d.ChainID
	case *models.Parameter:
		if d.ChainID != nil {
			return *d.ChainID
		}
	}
	return 0
}

// webhookOwner narrows webhooks to those the principal manages: all for an admin, else its own.
func webhookOwner(ctx context.Context) int64 {
	p := models.PrincipalFrom(ctx)
	if p.Role >= models.RoleAdmin {
		return 0
	}
	return p.KeyID
}

// webhookList is how subscriptions are listed: those the principal manages, newest first.
var webhookList = listSpec[webhookRow, int64]{
	table: "webhook_subscriptions",
	where: func(q *gorm.DB, owner int64) *gorm.DB {
		if owner != 0 {
			return q.Where("owner_key_id = ?", owner)
		}
		return q
	},
	filterKey:   func(owner int64) string { return "owner=" + strconv.FormatInt(owner, 10) },
	defaultSort: "-id",
	sorts:       map[string]sortField[webhookRow]{"id": {"id", intColumn, func(w *webhookRow) any { return w.ID }}},
	id:          func(w *webhookRow) int64 { return w.ID },
}

// chainSlugs names every chain by id.
func chainSlugs(db *gorm.DB) (map[int64]string, error) {
	var rows []struct {
		ID   int64
		Slug string
	}
	if err := db.Table("chains").Select("id, slug").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: chain slugs: %w", err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Slug
	}
	return out, nil
}

// Webhooks returns one page of the webhook subscriptions the principal manages (an admin: all),
// newest first: BadRequest for a bad cursor.
func (s *Store) Webhooks(ctx context.Context, p models.Page) (models.List[models.Webhook], error) {
	db := s.read(ctx)
	page, err := webhookList.page(db, webhookOwner(ctx), p)
	out := models.List[models.Webhook]{NextCursor: page.NextCursor, Total: page.Total, Items: make([]models.Webhook, len(page.Items))}
	if err != nil {
		return out, err
	}
	slugs, err := chainSlugs(db)
	if err != nil {
		return out, err
	}
	for i := range page.Items {
		out.Items[i] = page.Items[i].model(slugs)
	}
	return out, nil
}

// findWebhook loads a subscription the principal manages: NotFound for any other, so that ids
// of others' subscriptions cannot be told from ids that name nothing.
func findWebhook(db *gorm.DB, ctx context.Context, id int64) (*webhookRow, error) {
	q := db.Table("webhook_subscriptions").Where("id = ?", id)
	if owner := webhookOwner(ctx); owner != 0 {
		q = q.Where("owner_key_id = ?", owner)
	}
	var w webhookRow
	err := q.Take(&w).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, models.NotFoundf("webhook %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find webhook: %w", err)
	}
	return &w, nil
}

// Webhook returns a subscription the principal manages: NotFound if there is none.
func (s *Store) Webhook(ctx context.Context, id int64) (*models.Webhook, error) {
	db := s.read(ctx)
	w, err := findWebhook(db, ctx, id)
	if err != nil {
		return nil, err
	}
	slugs, err := chainSlugs(db)
	if err != nil {
		return nil, err
	}
	m := w.model(slugs)
	return &m, nil
}

// webhookFilters checks what a subscription asks for against the database: its chains must exist
// (they are kept by id), and only a key that sees drafts may ask for them. owner is the
// subscription's key. It returns the chains as ids.
func webhookFilters(tx *gorm.DB, in *models.WebhookInput, owner int64) ([]string, error) {
	var fields []models.FieldError
	ids := make([]string, 0, len(in.Chains))
	for i, key := range in.Chains {
		c, err := findChain(tx, key)
		if models.IsKind(err, models.KindNotFound) {
			fields = append(fields, models.FieldError{Field: fmt.Sprintf("chains/%d", i), Message: fmt.Sprintf("no chain %q", key)})
			continue
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, strconv.FormatInt(c.ID, 10))
	}
	if in.IncludeDrafts {
		var role string
		if err := tx.Raw("SELECT role FROM api_keys WHERE id = ?", owner).Scan(&role).Error; err != nil {
			return nil, fmt.Errorf("store: webhook owner: %w", err)
		}
		if r, _ := models.ParseRole(role); !(models.Principal{Role: r}).CanSeeHidden() {
			fields = append(fields, models.FieldError{Field: "include_drafts",
				Message: "only a subscription made with an editor or admin key may include drafts: a reader key does not see them"})
		}
	}
	if len(fields) > 0 {
		return nil, models.Invalid(fields...)
	}
	return ids, nil
}

// CreateWebhook makes a subscription owned by the principal's key, signing with secret, and
// returns it with the secret, for the only time: Invalid for a bad field, an unknown chain or
// drafts asked for by a key that does not see them.
func (s *Store) CreateWebhook(ctx context.Context, in *models.WebhookInput, secret string) (*models.NewWebhook, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	owner := models.PrincipalFrom(ctx).KeyID
	if owner == 0 {
		return nil, models.Unauthorizedf("a webhook subscription belongs to a key: send one")
	}
	var row webhookRow
	err := s.write(ctx, func(tx *gorm.DB) error {
		chains, err := webhookFilters(tx, in, owner)
		if err != nil {
			return err
		}
		now := tx.Config.NowFunc()
		row = webhookRow{OwnerKeyID: owner, URL: in.URL, Description: in.Description, Entities: joinList(in.Entities),
			Chains: joinList(chains), IncludeDrafts: in.IncludeDrafts, Secret: secret, Enabled: in.Enabled == nil || *in.Enabled,
			CreatedAt: now, UpdatedAt: now, Version: 1}
		if !row.Enabled {
			reason := "made disabled"
			row.DisabledReason, row.DisabledAt = &reason, &now
		}
		return tx.Table("webhook_subscriptions").Create(&row).Error
	})
	if err != nil {
		return nil, translate(err, "create webhook")
	}
	slugs, err := chainSlugs(s.read(ctx))
	if err != nil {
		return nil, err
	}
	return &models.NewWebhook{Webhook: row.model(slugs), Secret: secret}, nil
}

// UpdateWebhook replaces a subscription's URL, filters and state with in, if pre holds: NotFound,
// PreconditionFailed, or Invalid as CreateWebhook. Its secret and owner never change. Enabling it
// clears the reason it was disabled for; disabling it records who did.
func (s *Store) UpdateWebhook(ctx context.Context, id int64, in *models.WebhookInput, pre models.Precondition) (*models.Webhook, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var row *webhookRow
	err := s.write(ctx, func(tx *gorm.DB) error {
		var err error
		if row, err = findWebhook(tx, ctx, id); err != nil {
			return err
		}
		if !pre.Holds(row.ID, row.Version) {
			return models.PreconditionFailedf("the webhook has changed since you read it (it is now at version %d); GET it again and reapply your change", row.Version)
		}
		chains, err := webhookFilters(tx, in, row.OwnerKeyID)
		if err != nil {
			return err
		}
		now := tx.Config.NowFunc()
		enabled := in.Enabled == nil || *in.Enabled
		switch {
		case enabled && !row.Enabled:
			row.DisabledReason, row.DisabledAt = nil, nil
		case !enabled && row.Enabled:
			reason := "disabled by " + actorName(models.PrincipalFrom(ctx))
			row.DisabledReason, row.DisabledAt = &reason, &now
		}
		row.URL, row.Description, row.Entities, row.Chains = in.URL, in.Description, joinList(in.Entities), joinList(chains)
		row.IncludeDrafts, row.Enabled, row.UpdatedAt, row.Version = in.IncludeDrafts, enabled, now, row.Version+1
		return tx.Table("webhook_subscriptions").Where("id = ?", row.ID).Updates(map[string]any{
			"url": row.URL, "description": row.Description, "entities": row.Entities, "chains": row.Chains,
			"include_drafts": row.IncludeDrafts, "enabled": row.Enabled, "disabled_reason": row.DisabledReason,
			"disabled_at": row.DisabledAt, "updated_at": row.UpdatedAt, "version": row.Version}).Error
	})
	if err != nil {
		return nil, translate(err, "update webhook")
	}
	slugs, err := chainSlugs(s.read(ctx))
	if err != nil {
		return nil, err
	}
	m := row.model(slugs)
	return &m, nil
}

// DeleteWebhook deletes a subscription and its delivery log; what it was owed is no longer sent:
// NotFound, or PreconditionFailed if pre is given and does not hold.
func (s *Store) DeleteWebhook(ctx context.Context, id int64, pre models.Precondition) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		row, err := findWebhook(tx, ctx, id)
		if err != nil {
			return err
		}
		if !pre.Holds(row.ID, row.Version) {
			return models.PreconditionFailedf("the webhook has changed since you read it (it is now at version %d)", row.Version)
		}
		// The log goes first: SQLite's foreign keys cascade, but only where they are on.
		if err := tx.Exec("DELETE FROM webhook_deliveries WHERE subscription_id = ?", id).Error; err != nil {
			return fmt.Errorf("store: delete webhook deliveries: %w", err)
		}
		if err := tx.Exec("DELETE FROM webhook_subscriptions WHERE id = ?", id).Error; err != nil {
			return fmt.Errorf("store: delete webhook: %w", err)
		}
		return nil
	})
}

// deliveryRow is a row of webhook_deliveries.
type deliveryRow struct {
	ID             int64
	SubscriptionID int64
	RevisionID     int64
	State          string
	Attempts       int
	NextAttemptAt  time.Time
	RetryFrom      time.Time
	CreatedAt      time.Time
	LastAttemptAt  *time.Time
	LastStatus     *int
	LastError      *string
	FinishedAt     *time.Time
}

func (d *deliveryRow) model() models.WebhookDelivery {
	m := models.WebhookDelivery{ID: d.ID, WebhookID: d.SubscriptionID, ChangeID: d.RevisionID,
		MessageID: models.WebhookMessageID(d.RevisionID, d.SubscriptionID), State: d.State, Attempts: d.Attempts,
		LastAttemptAt: d.LastAttemptAt, LastStatus: d.LastStatus, LastError: d.LastError, CreatedAt: d.CreatedAt,
		FinishedAt: d.FinishedAt}
	if d.State == models.DeliveryPending {
		next := d.NextAttemptAt
		m.NextAttemptAt = &next
	}
	return m
}

// deliveryFilter narrows one subscription's delivery log.
type deliveryFilter struct {
	webhook int64
	state   string
}

// deliveryList is how a subscription's deliveries are listed: newest first.
var deliveryList = listSpec[deliveryRow, deliveryFilter]{
	table: "webhook_deliveries",
	where: func(q *gorm.DB, f deliveryFilter) *gorm.DB {
		q = q.Where("subscription_id = ?", f.webhook)
		if f.state != "" {
			q = q.Where("state = ?", f.state)
		}
		return q
	},
	filterKey:   func(f deliveryFilter) string { return fmt.Sprintf("webhook=%d state=%s", f.webhook, f.state) },
	defaultSort: "-id",
	sorts:       map[string]sortField[deliveryRow]{"id": {"id", intColumn, func(d *deliveryRow) any { return d.ID }}},
	id:          func(d *deliveryRow) int64 { return d.ID },
}

// WebhookDeliveries returns one page of a subscription's delivery log, newest first, optionally
// of one state only: NotFound if the principal manages no such subscription, BadRequest for a bad
// cursor.
func (s *Store) WebhookDeliveries(ctx context.Context, webhook int64, state string, p models.Page) (models.List[models.WebhookDelivery], error) {
	db := s.read(ctx)
	if _, err := findWebhook(db, ctx, webhook); err != nil {
		return models.List[models.WebhookDelivery]{}, err
	}
	page, err := deliveryList.page(db, deliveryFilter{webhook, state}, p)
	if err != nil {
		return models.List[models.WebhookDelivery]{}, err
	}
	return mapList(page, func(d *deliveryRow) (models.WebhookDelivery, error) { return d.model(), nil })
}

// Redeliver sends a delivered or failed delivery again, as soon as a worker is free, with a fresh
// retry window and the same webhook-id: NotFound; Conflict (webhook_disabled) while the
// subscription is disabled, (delivery_pending) while the delivery is still owed.
func (s *Store) Redeliver(ctx context.Context, webhook, delivery int64) (*models.WebhookDelivery, error) {
	var d deliveryRow
	err := s.write(ctx, func(tx *gorm.DB) error {
		w, err := findWebhook(tx, ctx, webhook)
		if err != nil {
			return err
		}
		err = tx.Table("webhook_deliveries").Where("id = ? AND subscription_id = ?", delivery, webhook).Take(&d).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return models.NotFoundf("webhook %d has no delivery %d", webhook, delivery)
		}
		if err != nil {
			return fmt.Errorf("store: find delivery: %w", err)
		}
		if !w.Enabled {
			return models.Conflictf("webhook_disabled", "webhook %d is disabled; enable it (PATCH it with \"enabled\": true) before redelivering", webhook)
		}
		if d.State == models.DeliveryPending {
			return models.Conflictf("delivery_pending", "delivery %d is still owed: it is tried again at %s without being asked", delivery, d.NextAttemptAt.Format(time.RFC3339))
		}
		now := tx.Config.NowFunc()
		d.State, d.NextAttemptAt, d.RetryFrom, d.FinishedAt = models.DeliveryPending, now, now, nil
		return tx.Exec("UPDATE webhook_deliveries SET state = ?, next_attempt_at = ?, retry_from = ?, finished_at = NULL WHERE id = ?",
			d.State, now, now, d.ID).Error
	})
	if err != nil {
		return nil, translate(err, "redeliver")
	}
	m := d.model()
	return &m, nil
}

// DeliveryJob is a delivery a worker has claimed: where to send which change, signed how.
type DeliveryJob struct {
	ID, WebhookID, ChangeID int64
	// Attempt is this attempt's number, from 1.
	Attempt int
	// RetryFrom is when the delivery's retry window began.
	RetryFrom time.Time
	URL       string
	Secret    string
	// Entry is the change feed's entry as the subscription's key sees it.
	Entry models.Revision
	// OwnerGone says that the subscription's key was revoked or expired since the change was owed:
	// nothing more may be sent to it.
	OwnerGone bool
}

// NextDeliveryDue returns when the earliest pending delivery of an enabled subscription is due,
// and false if none is owed. Any error is internal.
func (s *Store) NextDeliveryDue(ctx context.Context) (time.Time, bool, error) {
	var next []time.Time
	err := s.read(ctx).Raw(`SELECT d.next_attempt_at FROM webhook_deliveries d
		WHERE d.state = 'pending' AND d.subscription_id IN (SELECT id FROM webhook_subscriptions WHERE enabled)
		ORDER BY d.next_attempt_at LIMIT 1`).Scan(&next).Error
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next delivery due: %w", err)
	}
	if len(next) == 0 {
		return time.Time{}, false, nil
	}
	return next[0], true, nil
}

// ClaimDeliveries takes up to n due deliveries of enabled subscriptions for one attempt each: it
// counts the attempt and leases the delivery until now+lease, so that no other worker, in this
// process or another instance, takes it meanwhile; a worker that dies with it leaves it to be
// taken again when the lease ends. On PostgreSQL rows another instance is claiming are skipped
// (FOR UPDATE SKIP LOCKED); SQLite has one writer. Any error is internal.
func (s *Store) ClaimDeliveries(ctx context.Context, n int, lease time.Duration) ([]DeliveryJob, error) {
	skipLocked := ""
	if s.dialect == dialectPostgres {
		skipLocked = " FOR UPDATE SKIP LOCKED"
	}
	var jobs []DeliveryJob
	err := s.write(ctx, func(tx *gorm.DB) error {
		jobs = nil
		now := tx.Config.NowFunc()
		ids, err := linkedIDs(tx, `UPDATE webhook_deliveries SET next_attempt_at = ?, attempts = attempts + 1, last_attempt_at = ?
			WHERE id IN (SELECT d.id FROM webhook_deliveries d WHERE d.state = 'pending' AND d.next_attempt_at <= ?
				AND d.subscription_id IN (SELECT id FROM webhook_subscriptions WHERE enabled)
				ORDER BY d.next_attempt_at, d.id LIMIT ?`+skipLocked+`)
			RETURNING id`, now.Add(lease), now, now, n)
		if err != nil {
			return fmt.Errorf("store: claim deliveries: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		rows, err := tx.Raw(`SELECT d.id, d.subscription_id, d.revision_id, d.attempts, d.retry_from, s.url, s.secret,
				s.include_drafts, (k.revoked_at IS NOT NULL OR (k.expires_at IS NOT NULL AND k.expires_at <= ?)),
				r.id, r.entity, r.entity_id, r.version, r.action, r.actor, r.request_id, r.at, r.visible, r.data
			FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
			JOIN api_keys k ON k.id = s.owner_key_id JOIN revisions r ON r.id = d.revision_id
			WHERE d.id IN ? ORDER BY d.id`, now, ids).Rows()
		if err != nil {
			return fmt.Errorf("store: read claimed deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var j DeliveryJob
			var drafts bool
			var r revisionRow
			if err := rows.Scan(&j.ID, &j.WebhookID, &j.ChangeID, &j.Attempt, &j.RetryFrom, &j.URL, &j.Secret, &drafts, &j.OwnerGone,
				&r.ID, &r.Entity, &r.EntityID, &r.Version, &r.Action, &r.Actor, &r.RequestID, &r.At, &r.Visible, &r.Data); err != nil {
				return fmt.Errorf("store: read claimed deliveries: %w", err)
			}
			j.Entry = feedEntry(&r, drafts)
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	return jobs, err
}

// DeliveryOutcome is what became of one attempt.
type DeliveryOutcome struct {
	// State is delivered, failed (given up), or pending (to be tried again at Next).
	State string
	Next  time.Time
	// Status is the HTTP status the endpoint answered, or 0 if none came.
	Status int
	// Error says what went wrong; empty when delivered.
	Error string
	// Disable, if not empty, disables the subscription for this reason.
	Disable string
}

// FinishDelivery records the outcome of a claimed attempt. If the lease ran out and another
// worker took the delivery meanwhile, this attempt's outcome is dropped: the later attempt's
// counts. Any error is internal.
func (s *Store) FinishDelivery(ctx context.Context, j DeliveryJob, o DeliveryOutcome) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		now := tx.Config.NowFunc()
		var status *int
		if o.Status != 0 {
			status = &o.Status
		}
		var lastErr, finished any
		if o.Error != "" {
			lastErr = o.Error
		}
		next := o.Next
		if o.State != models.DeliveryPending {
			next, finished = now, now
		}
		res := tx.Exec(`UPDATE webhook_deliveries SET state = ?, next_attempt_at = ?, last_status = ?, last_error = ?, finished_at = ?
			WHERE id = ? AND attempts = ? AND state = 'pending'`, o.State, next, status, lastErr, finished, j.ID, j.Attempt)
		if res.Error != nil {
			return fmt.Errorf("store: finish delivery %d: %w", j.ID, res.Error)
		}
		if o.Disable == "" || res.RowsAffected == 0 {
			return nil
		}
		err := tx.Exec(`UPDATE webhook_subscriptions SET enabled = ?, disabled_reason = ?, disabled_at = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND enabled`, false, o.Disable, now, now, j.WebhookID).Error
		if err != nil {
			return fmt.Errorf("store: disable webhook %d: %w", j.WebhookID, err)
		}
		return nil
	})
}

// DeliveryQueue says how many deliveries enabled subscriptions are owed, and since when the oldest
// is owed (zero when none is). Any error is internal.
func (s *Store) DeliveryQueue(ctx context.Context) (int64, time.Time, error) {
	const owed = `FROM webhook_deliveries d WHERE d.state = 'pending'
		AND d.subscription_id IN (SELECT id FROM webhook_subscriptions WHERE enabled)`
	db := s.read(ctx)
	var depth int64
	if err := db.Raw("SELECT COUNT(*) " + owed).Scan(&depth).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("store: delivery queue: %w", err)
	}
	// The column itself, not MIN() of it: SQLite returns an aggregate of a DATETIME as text.
	var oldest []time.Time
	if err := db.Raw("SELECT d.created_at " + owed + " ORDER BY d.created_at LIMIT 1").Scan(&oldest).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("store: delivery queue: %w", err)
	}
	if len(oldest) == 0 {
		return depth, time.Time{}, nil
	}
	return depth, oldest[0], nil
}

// PruneDeliveries deletes the log of deliveries that were delivered or given up before cutoff,
// and returns how many. Any error is internal.
func (s *Store) PruneDeliveries(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("DELETE FROM webhook_deliveries WHERE state <> 'pending' AND finished_at < ?", cutoff)
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune deliveries: %w", err)
	}
	return n, nil
}
