package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"chainkb/internal/economics"
	"chainkb/models"
)

// parameterRow is a row of parameters, with the slugs of its chain and stage.
type parameterRow struct {
	ID        int64
	Slug      string
	Symbol    string
	InputSet  string
	Low       *float64
	Central   *float64
	High      *float64
	Currency  string
	PriceYear *int
	Basis     string
	PerVictim bool
	Geography string
	Period    string
	ChainID   *int64
	ChainSlug *string
	StageID   *int64
	StageSlug *string
	Estimate  string
	Citations string
	Note      string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// parameterColumns selects a parameter with the slugs of its chain and stage.
const parameterColumns = "parameters.*, " +
	"(SELECT c.slug FROM chains c WHERE c.id = parameters.chain_id) AS chain_slug, " +
	"(SELECT s.slug FROM stages s WHERE s.id = parameters.stage_id) AS stage_slug"

func (r *parameterRow) parameter() (models.Parameter, error) {
	p := models.Parameter{ID: r.ID, Slug: r.Slug, Symbol: r.Symbol, InputSet: r.InputSet, Low: r.Low, Central: r.Central,
		High: r.High, Unit: economics.Symbol(r.Symbol).Unit(r.Currency, r.PerVictim), Currency: r.Currency,
		PriceYear: r.PriceYear, Basis: r.Basis, PerVictim: r.PerVictim, Geography: r.Geography, Period: r.Period,
		ChainID: r.ChainID, Chain: r.ChainSlug, StageID: r.StageID, Stage: r.StageSlug, Estimate: r.Estimate,
		Note: r.Note, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), Version: r.Version}
	if err := scanJSON(r.Citations, &p.Citations); err != nil {
		return p, err
	}
	p.Citations = nonNil(p.Citations)
	return p, nil
}

// parameterList is how parameters are listed: filtered by chain, stage, symbol, geography,
// estimate and text, sorted by slug unless asked otherwise.
var parameterList = listSpec[parameterRow, models.ParameterFilter]{
	table:   "parameters",
	columns: func(models.ParameterFilter, string) string { return parameterColumns },
	where: func(q *gorm.DB, f models.ParameterFilter) *gorm.DB {
		if f.Chain != "" {
			q = whereChain(q, "parameters.chain_id", f.Chain)
		}
		if f.Stage != "" {
			q = q.Where("parameters.stage_id IN (SELECT id FROM stages WHERE slug = ?)", f.Stage)
		}
		if f.Symbol != "" {
			q = q.Where("parameters.symbol = ?", f.Symbol)
		}
		if f.Geography != "" {
			q = q.Where("parameters.geography = ?", f.Geography)
		}
		if f.Estimate != "" {
			q = q.Where("parameters.estimate = ?", f.Estimate)
		}
		if f.InputSet != "" {
			q = q.Where("parameters.input_set = ?", f.InputSet)
		}
		return whereText(q, f.Q, "parameters.slug", "parameters.input_set", "parameters.note")
	},
	filterKey: func(f models.ParameterFilter) string {
		return fmt.Sprintf("chain=%q stage=%q symbol=%q geography=%q estimate=%q input_set=%q q=%q", f.Chain, f.Stage, f.Symbol, f.Geography, f.Estimate, f.InputSet, f.Q)
	},
	defaultSort: "slug",
	sorts: map[string]sortField[parameterRow]{
		"id":         {"id", intColumn, func(p *parameterRow) any { return p.ID }},
		"slug":       {"slug", textColumn, func(p *parameterRow) any { return p.Slug }},
		"symbol":     {"symbol", textColumn, func(p *parameterRow) any { return p.Symbol }},
		"input_set":  {"input_set", textColumn, func(p *parameterRow) any { return p.InputSet }},
		"geography":  {"geography", textColumn, func(p *parameterRow) any { return p.Geography }},
		"period":     {"period", textColumn, func(p *parameterRow) any { return p.Period }},
		"created_at": {"created_at", timeColumn, func(p *parameterRow) any { return p.CreatedAt }},
		"updated_at": {"updated_at", timeColumn, func(p *parameterRow) any { return p.UpdatedAt }},
	},
	id: func(p *parameterRow) int64 { return p.ID },
}

// parameterObject is how parameters are written.
var parameterObject = &object[models.Parameter, models.ParameterInput]{
	entity: models.EntityParameter,
	table:  "parameters",
	plural: "parameters",
	cites:  &citing{key: "slug", title: "symbol"},
	get: func(ctx context.Context, s *Store, key string) (*models.Parameter, error) {
		return s.Parameter(ctx, key)
	},
	find:    findParameter,
	ref:     func(p *models.Parameter) (int64, int64) { return p.ID, p.Version },
	insert:  insertParameter,
	update:  updateParameter,
	inputOf: parameterInputOf,
	asInput: func(p *models.Parameter) *models.ParameterInput {
		return &models.ParameterInput{Slug: p.Slug, Symbol: p.Symbol, InputSet: p.InputSet, Low: p.Low, Central: p.Central,
			High: p.High, Unit: p.Unit, Currency: p.Currency, PriceYear: p.PriceYear, Basis: p.Basis, PerVictim: p.PerVictim,
			Geography: p.Geography, Period: p.Period, Chain: p.Chain, Stage: p.Stage, Estimate: p.Estimate,
			Citations: p.Citations, Note: p.Note}
	},
	version: func(in *models.ParameterInput) **int64 { return &in.Version },
	change:  parameterChange,
}

// parameterKind is parameters in the registry: a bundle holds their inputs, which name their chain
// and stage by slug, found by slug.
var parameterKind = &kind[models.Parameter, models.ParameterInput, models.ParameterInput]{
	object: parameterObject,
	items:  func(b *Bundle) *[]models.ParameterInput { return &b.Parameters },
	key:    func(in *models.ParameterInput) string { return in.Slug }, keyField: "slug",
	batch: func(tx *gorm.DB, after int64, _ bool) ([]models.Parameter, error) {
		var rows []parameterRow
		err := tx.Table("parameters").Select(parameterColumns).Where("parameters.id > ?", after).
			Order("parameters.id").Limit(exportBatch).Find(&rows).Error
		if err != nil {
			return nil, err
		}
		return mapRows(rows, (*parameterRow).parameter)
	},
	toBundle:   asIs[models.Parameter, models.ParameterInput],
	fromBundle: bySlug(func(in *models.ParameterInput) string { return in.Slug }),
}

func parameterChange(_, p *models.Parameter, action string) change {
	return plainChange(models.EntityParameter, p.ID, p.Slug, p.Version, action, p)
}

// Parameter returns the parameter with the given id or slug: NotFound if there is none.
func (s *Store) Parameter(ctx context.Context, key string) (*models.Parameter, error) {
	return findParameter(s.read(ctx), key)
}

// Parameters returns one page of parameters: BadRequest for a bad sort or cursor.
func (s *Store) Parameters(ctx context.Context, f models.ParameterFilter) (models.List[models.Parameter], error) {
	page, err := parameterList.page(s.read(ctx), f, f.Page)
	if err != nil {
		return models.List[models.Parameter]{}, err
	}
	return mapList(page, (*parameterRow).parameter)
}

// ChainParameters returns every parameter of a chain, stage-wide and chain-wide, in id order:
// what the risk-reward model chooses its inputs from.
func (s *Store) ChainParameters(ctx context.Context, chainID int64) ([]models.Parameter, error) {
	var rows []parameterRow
	err := s.read(ctx).Table("parameters").Select(parameterColumns).Where("parameters.chain_id = ?", chainID).
		Order("parameters.id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: parameters of chain %d: %w", chainID, err)
	}
	return mapRows(rows, (*parameterRow).parameter)
}

// CreateParameter validates and stores a new parameter: Invalid for a bad field, a chain or stage
// that does not exist or a cited source that does not exist, Conflict (duplicate_slug) if the slug
// is taken.
func (s *Store) CreateParameter(ctx context.Context, in *models.ParameterInput) (*models.Parameter, error) {
	return parameterObject.createOne(ctx, s, in)
}

// ReplaceParameter replaces the parameter with the given id or slug, if pre holds: NotFound if
// there is no such parameter, PreconditionFailed if pre does not hold or it changed meanwhile,
// Invalid as for CreateParameter, Conflict (duplicate_slug) if the new slug is taken.
func (s *Store) ReplaceParameter(ctx context.Context, key string, in *models.ParameterInput, pre models.Precondition) (*models.Parameter, error) {
	return parameterObject.replace(ctx, s, key, in, pre)
}

// DeleteParameter deletes the parameter with the given id or slug, if pre holds: NotFound if there
// is no such parameter, PreconditionFailed if pre does not hold.
func (s *Store) DeleteParameter(ctx context.Context, key string, pre models.Precondition) error {
	return parameterObject.remove(ctx, s, key, pre)
}

// RestoreParameter brings the parameter named by key (id or slug, deleted or not) back to a
// revision: NotFound if it has no history or no such revision, PreconditionFailed if pre does not
// hold, Conflict if the revision records a delete (not_restorable), its chain or stage has gone
// since (not_restorable) or the slug is taken meanwhile (duplicate_slug).
func (s *Store) RestoreParameter(ctx context.Context, key string, revision int64, pre models.Precondition) (*models.Parameter, error) {
	return parameterObject.restoreOne(ctx, s, key, revision, pre)
}

// parameterInputOf turns a recorded parameter back into an input. Its chain and stage are
// recorded with their ids, which outlive renames.
func parameterInputOf(tx *gorm.DB, p *models.Parameter) (*models.ParameterInput, error) {
	in := &models.ParameterInput{Slug: p.Slug, Symbol: p.Symbol, InputSet: p.InputSet, Low: p.Low, Central: p.Central,
		High: p.High, Currency: p.Currency, PriceYear: p.PriceYear, Basis: p.Basis, PerVictim: p.PerVictim,
		Geography: p.Geography, Period: p.Period, Estimate: p.Estimate, Citations: p.Citations, Note: p.Note}
	if p.ChainID == nil {
		return in, nil // an exchange rate or price index: no chain
	}
	var chains []string
	if err := tx.Table("chains").Where("id = ?", *p.ChainID).Pluck("slug", &chains).Error; err != nil {
		return nil, fmt.Errorf("store: restore parameter: %w", err)
	}
	if len(chains) == 0 {
		return nil, models.Conflictf("not_restorable", "the parameter's chain %d has been deleted since; restore it first", *p.ChainID)
	}
	in.Chain = &chains[0]
	if p.StageID != nil {
		var stages []string
		if err := tx.Table("stages").Where("id = ? AND chain_id = ?", *p.StageID, *p.ChainID).Pluck("slug", &stages).Error; err != nil {
			return nil, fmt.Errorf("store: restore parameter: %w", err)
		}
		if len(stages) == 0 {
			return nil, models.Conflictf("not_restorable", "the parameter's stage %d has been deleted since; restore it first", *p.StageID)
		}
		in.Stage = &stages[0]
	}
	return in, nil
}

// parameterWrite is a ParameterInput checked against the database.
type parameterWrite struct {
	chainID   *int64
	stageID   *int64
	periodEnd int
	sourceIDs []int64
}

// prepareParameter checks an input, the rules that need the database included (its chain, stage
// and cited sources exist; an input set covers one area), and reports every bad field at once.
// self is the parameter's id when it is being updated, 0 when it is new.
func prepareParameter(tx *gorm.DB, in *models.ParameterInput, self int64) (*parameterWrite, error) {
	fields, err := invalidFields(in.Validate())
	if err != nil {
		return nil, err
	}
	w := &parameterWrite{}
	_, w.periodEnd, _ = models.ParsePeriod(in.Period)
	ids, bad, err := resolveCitations(tx, in.CitationRefs())
	if err != nil {
		return nil, err
	}
	fields = append(fields, bad...)
	w.sourceIDs = ids
	if in.Chain != nil && models.IsSlug(*in.Chain) {
		var chains []int64
		if err := tx.Table("chains").Where("slug = ?", *in.Chain).Pluck("id", &chains).Error; err != nil {
			return nil, fmt.Errorf("store: parameter chain: %w", err)
		}
		if len(chains) == 0 {
			fields = append(fields, models.FieldError{Field: "chain", Message: fmt.Sprintf("chain %q does not exist", *in.Chain)})
		} else {
			w.chainID = &chains[0]
		}
	}
	if w.chainID != nil && in.Stage != nil && models.IsSlug(*in.Stage) {
		var stages []int64
		if err := tx.Table("stages").Where("chain_id = ? AND slug = ?", *w.chainID, *in.Stage).Pluck("id", &stages).Error; err != nil {
			return nil, fmt.Errorf("store: parameter stage: %w", err)
		}
		if len(stages) == 0 {
			fields = append(fields, models.FieldError{Field: "stage", Message: fmt.Sprintf("chain %q has no stage %q; give one of its stages, or null for the whole chain", *in.Chain, *in.Stage)})
		} else {
			w.stageID = &stages[0]
		}
	}
	if w.chainID != nil && in.InputSet != "" && in.Geography != "" {
		// An input set is one source family, place and period: its figures share one area.
		var areas []string
		err := tx.Table("parameters").Where("chain_id = ? AND input_set = ? AND id <> ? AND geography <> ?", *w.chainID, in.InputSet, self, in.Geography).
			Limit(1).Pluck("geography", &areas).Error
		if err != nil {
			return nil, fmt.Errorf("store: parameter input set: %w", err)
		}
		if len(areas) > 0 {
			fields = append(fields, models.FieldError{Field: "input_set", Message: fmt.Sprintf("input set %q holds figures for %s: a set covers one area; name another set for %s", in.InputSet, areas[0], in.Geography)})
		}
	}
	if len(fields) > 0 {
		return nil, models.Invalid(fields...)
	}
	return w, nil
}

func parameterColumnsOf(in *models.ParameterInput, w *parameterWrite) map[string]any {
	return map[string]any{"slug": in.Slug, "symbol": in.Symbol, "input_set": in.InputSet, "low": in.Low,
		"central": in.Central, "high": in.High, "currency": in.Currency, "price_year": in.PriceYear,
		"basis": in.Basis, "per_victim": in.PerVictim, "geography": in.Geography, "period": in.Period,
		"period_end": w.periodEnd, "chain_id": w.chainID, "stage_id": w.stageID, "estimate": in.Estimate,
		"citations": jsonText(nonNil(in.Citations)), "note": in.Note}
}

// insertParameter stores a parameter: a new one (id 0), or a deleted one brought back under its id.
func insertParameter(tx *gorm.DB, id, version int64, in *models.ParameterInput, action string) (*models.Parameter, error) {
	w, err := prepareParameter(tx, in, id)
	if err != nil {
		return nil, err
	}
	if id, err = insertObject(tx, "parameters", id, version, tx.Config.NowFunc(), parameterColumnsOf(in, w)); err != nil {
		return nil, slugConflict(err, models.EntityParameter, in.Slug, "")
	}
	if err := addCitations(tx, models.EntityParameter, id, w.sourceIDs); err != nil {
		return nil, err
	}
	p, err := findParameter(tx, idKey(id))
	if err != nil {
		return nil, err
	}
	return p, record(tx, parameterChange(nil, p, action))
}

// updateParameter replaces cur with in, moving it to its next version.
func updateParameter(tx *gorm.DB, cur *models.Parameter, in *models.ParameterInput, action string) (*models.Parameter, error) {
	w, err := prepareParameter(tx, in, cur.ID)
	if err != nil {
		return nil, err
	}
	if _, err := bumpVersion(tx, "parameters", cur.ID, cur.Version, parameterColumnsOf(in, w)); err != nil {
		return nil, slugConflict(err, models.EntityParameter, in.Slug, "")
	}
	if err := syncCitations(tx, models.EntityParameter, cur.ID, w.sourceIDs); err != nil {
		return nil, err
	}
	p, err := findParameter(tx, idKey(cur.ID))
	if err != nil {
		return nil, err
	}
	return p, record(tx, parameterChange(cur, p, action))
}

func findParameter(db *gorm.DB, key string) (*models.Parameter, error) {
	row, err := findByKey[parameterRow](db.Table("parameters").Select(parameterColumns), "parameters", models.EntityParameter, key)
	if err != nil {
		return nil, err
	}
	p, err := row.parameter()
	return &p, err
}

// parametersIn refuses the delete of a chain or stage (what) that parameters still belong to.
func parametersIn(tx *gorm.DB, column string, id int64, what string) error {
	n, err := countIn(tx, "parameters", column, id)
	if err == nil && n > 0 {
		err = models.Conflictf("in_use", "%s still has %d parameter(s); delete or move them first", what, n)
	}
	return err
}

// ChainModel is what the risk-reward model of a chain is computed from: the chain, its stages in
// order and every parameter of the chain.
type ChainModel struct {
	Chain      models.Chain
	Stages     []models.Stage
	Parameters []models.Parameter
	// Reference holds the exchange rates and price indices, which belong to no chain.
	Reference []models.Parameter
}

// ChainModel returns the chain named by key (id or slug) with its stages in position order, all
// its parameters and the reference data (exchange rates, price indices), read in one transaction
// so that they see the same state. NotFound if there is no such chain.
func (s *Store) ChainModel(ctx context.Context, key string) (*ChainModel, error) {
	var m *ChainModel
	err := inTx(s.read(ctx), func(tx *gorm.DB) error {
		chain, err := findChain(tx, key)
		if err != nil {
			return err
		}
		m = &ChainModel{Chain: *chain}
		if err := tx.Table("stages").Where("chain_id = ?", chain.ID).Order("position, id").Find(&m.Stages).Error; err != nil {
			return fmt.Errorf("store: model stages: %w", err)
		}
		var rows []parameterRow
		err = tx.Table("parameters").Select(parameterColumns).Where("parameters.chain_id = ? OR parameters.chain_id IS NULL", chain.ID).
			Order("parameters.id").Find(&rows).Error
		if err != nil {
			return fmt.Errorf("store: model parameters: %w", err)
		}
		for i := range rows {
			p, err := rows[i].parameter()
			if err != nil {
				return err
			}
			if p.ChainID == nil {
				m.Reference = append(m.Reference, p)
			} else {
				m.Parameters = append(m.Parameters, p)
			}
		}
		return nil
	}, s.snapshotTx())
	return m, err
}

// ParameterObjects is parameters for the API's shared endpoint code: the methods above, by path key.
func (s *Store) ParameterObjects() *Resource[models.Parameter, models.ParameterInput] {
	return sameResource(s, parameterObject)
}
