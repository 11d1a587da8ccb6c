package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"chainkb/internal/search"
	"chainkb/models"
)

// Full-text search. Each searchable table has an index of its text (migrations 0007 and 0028): an FTS5
// table on SQLite, ranked by BM25; a generated tsvector column on PostgreSQL, ranked by
// ts_rank_cd. The query language is parsed by internal/search and rendered for the engine, so
// the user's text never reaches the engine as syntax.

// searchable is one table that search finds things in.
type searchable struct {
	typ   string // the result type, models.Search*
	table string
	key   string // the column of the result's key
	title string // the column of its title
	// bm25 weighs the FTS5 table's columns, in their order: the title first and heaviest.
	bm25 string
	// headline is the text PostgreSQL's snippet is cut from; SQLite's comes from the best column.
	headline string
	// where narrows the table by the filter f; keep is false when f excludes the type.
	where func(q *gorm.DB, f searchQuery) (_ *gorm.DB, keep bool)
	// bare, on SQLite, says whether f needs nothing of the table's rows, and what condition on
	// the FTS5 table's rowid then takes where's place: the search need not read the rows, which
	// for tactics are long (their status is the last column, after the text and the detail).
	bare func(f searchQuery) (cond string, ok bool)
}

// searchQuery is a search filter and whether the caller may see hidden tactics and countries.
type searchQuery struct {
	models.SearchFilter
	hidden bool
}

// tacticOnly reports whether f filters on something only tactics have.
func (f searchQuery) tacticOnly() bool {
	return f.Kind != "" || f.Horizon != "" || len(f.Tags) > 0 || f.EvidenceLevel != ""
}

// searchables are the tables search finds things in, by type. Adding a resource is a row here
// (with its index in a migration) and its type in models.SearchTypes.
var searchables = []searchable{
	{typ: models.SearchTactic, table: "tactics", key: "code", title: "title", bm25: "10.0, 4.0, 1.0",
		headline: "tactics.title || ' — ' || tactics.summary || ' ' || tactics.description",
		where: func(q *gorm.DB, f searchQuery) (*gorm.DB, bool) {
			return whereTactics(q, tacticQuery{hidden: f.hidden, TacticFilter: models.TacticFilter{
				Chain: f.Chain, StageID: f.StageID, Kind: f.Kind, Tags: f.Tags, Horizon: f.Horizon, EvidenceLevel: f.EvidenceLevel,
			}}), true
		},
		bare: func(f searchQuery) (string, bool) {
			if f.Chain != "" || f.StageID != 0 || f.tacticOnly() {
				return "", false
			}
			if f.hidden {
				return "", true
			}
			// The index on (status, id) answers it without reading the row.
			return "EXISTS (SELECT 1 FROM tactics INDEXED BY tactics_status WHERE tactics.status = 'published' AND tactics.id = tactics_fts.rowid)", true
		}},
	{typ: models.SearchSource, table: "sources", key: "slug", title: "title", bm25: "10.0, 4.0, 2.0, 1.0",
		headline: "sources.title || ' — ' || sources.container || ' ' || sources.note",
		where: func(q *gorm.DB, f searchQuery) (*gorm.DB, bool) {
			return q, f.Chain == "" && f.StageID == 0 && !f.tacticOnly()
		}},
	{typ: models.SearchStage, table: "stages", key: "slug", title: "name", bm25: "10.0, 4.0, 1.0",
		headline: "stages.name || ' — ' || stages.actor || ' ' || stages.description",
		where: func(q *gorm.DB, f searchQuery) (*gorm.DB, bool) {
			if f.Chain != "" {
				q = whereChain(q, "stages.chain_id", f.Chain)
			}
			if f.StageID != 0 {
				q = q.Where("stages.id = ?", f.StageID)
			}
			return q, !f.tacticOnly()
		}},
	{typ: models.SearchChain, table: "chains", key: "slug", title: "name", bm25: "10.0, 1.0",
		headline: "chains.name || ' — ' || chains.description",
		where: func(q *gorm.DB, f searchQuery) (*gorm.DB, bool) {
			if f.Chain != "" {
				q = whereChain(q, "chains.id", f.Chain)
			}
			return q, f.StageID == 0 && !f.tacticOnly()
		}},
	// A country's name is derived from its code and kept in a column for the index (migration
	// 0028); its statutes are its penalties' instruments and offences.
	{typ: models.SearchCountry, table: "countries", key: "iso", title: "name", bm25: "10.0, 4.0, 1.0",
		headline: "countries.name || ' — ' || countries.summary || ' ' || countries.statutes",
		where: func(q *gorm.DB, f searchQuery) (*gorm.DB, bool) {
			return wherePublishedCountries(q, f.hidden), f.Chain == "" && f.StageID == 0 && !f.tacticOnly()
		}},
}

func searchableOf(typ string) *searchable {
	for i := range searchables {
		if searchables[i].typ == typ {
			return &searchables[i]
		}
	}
	return nil
}

// bareOn reports whether, on db, sp's matches can be ranked from the FTS5 table alone, and with
// what condition (see searchable.bare).
func (sp *searchable) bareOn(db *gorm.DB, f searchQuery) (string, bool) {
	if onPostgres(db) || sp.bare == nil {
		return "", false
	}
	return sp.bare(f)
}

// onPostgres reports whether q runs on PostgreSQL.
func onPostgres(q *gorm.DB) bool { return q.Dialector.Name() == "postgres" }

// badQuery turns a parse error into the 400 (bad_query) that names q and says what is wrong.
func badQuery(err error) error {
	var e *search.Error
	if errors.As(err, &e) {
		be := models.BadRequestf("bad_query", "q is not a valid search: it %s", e.Message)
		be.Fields = []models.FieldError{{Field: "q", Message: e.Message}}
		return be
	}
	return err
}

// errCursorMismatch reports a cursor made for other parameters.
func errCursorMismatch() error {
	return models.BadRequestf("cursor_mismatch", "cursor was made for other filters or another sort; repeat the first request's parameters with the cursor, or drop the cursor to start again")
}

// ParseQuery parses a search query: BadRequest (field q) saying what is wrong with a malformed one.
func ParseQuery(text string) (*search.Query, error) {
	q, err := search.Parse(text)
	return q, badQuery(err)
}

// parsedQuery is a filter's query: as its caller parsed it (the handler, which had to, to check
// it), or else parsed from its text.
func parsedQuery(text string, parsed *search.Query) (*search.Query, error) {
	if parsed != nil {
		return parsed, nil
	}
	return ParseQuery(text)
}

// match narrows q, a query on sp's table, to the rows that match the parsed query.
func (sp *searchable) match(q *gorm.DB, pq *search.Query) *gorm.DB {
	if onPostgres(q) {
		return q.Where(sp.table+".search @@ to_tsquery('chainkb', ?)", pq.TSQuery())
	}
	return q.Where(sp.table+".id IN (SELECT rowid FROM "+sp.table+"_fts WHERE "+sp.table+"_fts MATCH ?)", pq.FTS5())
}

// ranked returns a query over sp's matching rows (joined, on SQLite, to the FTS5 table) and the
// expression of each row's relevance, higher is better, with its arguments.
func (sp *searchable) ranked(db *gorm.DB, pq *search.Query) (q *gorm.DB, score clause.Expr) {
	if onPostgres(db) {
		tsq := pq.TSQuery()
		return db.Table(sp.table).Where(sp.table+".search @@ to_tsquery('chainkb', ?)", tsq),
			clause.Expr{SQL: "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}'::real[], " + sp.table + ".search, to_tsquery('chainkb', ?), 1)", Vars: []any{tsq}, WithoutParentheses: true}
	}
	fts := sp.table + "_fts"
	return db.Table(fts).Joins("JOIN "+sp.table+" ON "+sp.table+".id = "+fts+".rowid").Where(fts+" MATCH ?", pq.FTS5()),
		clause.Expr{SQL: "-bm25(" + fts + ", " + sp.bm25 + ")", WithoutParentheses: true}
}

// Search finds objects of every type (or of f.Types) that match f.Q, best first: BadRequest for
// a malformed query (field q) or a bad cursor. Below editor, hidden tactics and countries are not
// found.
func (s *Store) Search(ctx context.Context, f models.SearchFilter) (models.List[models.SearchHit], error) {
	var out models.List[models.SearchHit]
	pq, err := parsedQuery(f.Q, f.Parsed)
	if err != nil {
		return out, err
	}
	if f.Limit < 1 {
		f.Limit = 50
	}
	sq := searchQuery{SearchFilter: f, hidden: canSeeHidden(ctx)}
	types := slices.Clone(f.Types)
	slices.Sort(types)
	types = slices.Compact(types)
	fp := fingerprint(fmt.Sprintf("search q=%q types=%q chain=%q stage=%d kind=%q horizon=%q tags=%q evidence=%q hidden=%t",
		pq.String(), types, f.Chain, f.StageID, f.Kind, f.Horizon, sortedCopy(f.Tags), f.EvidenceLevel, sq.hidden), ordering[models.SearchHit]{name: "score", desc: true})
	offset, err := offsetOf(f.Cursor, fp)
	if err != nil {
		return out, err
	}

	db := s.read(ctx)
	// Each type is ranked on its own and the best need of each are merged here: the page and
	// one more result, to know whether there is a next page.
	need := offset + f.Limit + 1
	var hits []searchHit
	for i := range searchables {
		sp := &searchables[i]
		if len(types) > 0 && !slices.Contains(types, sp.typ) {
			continue
		}
		var rows []searchHit
		if cond, ok := sp.bareOn(db, sq); ok {
			rows, err := sp.topFromIndex(db, pq, cond, need)
			if err != nil {
				return out, fmt.Errorf("store: search: %w", err)
			}
			hits = append(hits, rows...)
			continue
		}
		if _, keep := sp.where(db, sq); !keep {
			continue
		}
		best, err := sp.best(db, pq, func(q *gorm.DB) *gorm.DB { q, _ = sp.where(q, sq); return q }, need)
		if err != nil {
			return out, fmt.Errorf("store: search: %w", err)
		}
		for _, b := range best {
			rows = append(rows, searchHit{Type: sp.typ, ID: b.ID, Score: b.Score})
		}
		hits = append(hits, rows...)
	}
	// The order of the single query this replaces: best first, then by type and id.
	slices.SortFunc(hits, func(a, b searchHit) int {
		switch {
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		case a.Type != b.Type:
			return strings.Compare(a.Type, b.Type)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	hits = hits[min(offset, len(hits)):]
	if len(hits) > f.Limit {
		hits = hits[:f.Limit]
		last := hits[len(hits)-1]
		raw, _ := json.Marshal(offset + f.Limit)
		out.NextCursor = encodeCursor(cursor{Fingerprint: fp, Value: raw, ID: last.ID})
	}

	// The page's titles and snippets, a query per type on the page: snippets cost, so only the
	// page's rows get one (those ranked from the index alone have theirs already).
	byType := map[string][]int64{}
	snipped := map[string]bool{}
	for _, h := range hits {
		byType[h.Type] = append(byType[h.Type], h.ID)
		snipped[h.Type] = h.Snippet != nil
	}
	type detail struct {
		ID         int64
		Key, Title string
		Snippet    string
	}
	details := map[string]map[int64]detail{}
	for typ, ids := range byType {
		sp := searchableOf(typ)
		var rows []detail
		var q *gorm.DB
		cols := sp.table + ".id AS id, " + sp.table + "." + sp.key + " AS key, " + sp.table + "." + sp.title + " AS title"
		switch {
		case snipped[typ]:
			q = db.Table(sp.table).Select(cols).Where(sp.table+".id IN ?", ids)
		case onPostgres(db):
			q = db.Table(sp.table).Select(cols+", ts_headline('chainkb', "+sp.headline+", to_tsquery('chainkb', ?), ?) AS snippet",
				pq.TSQuery(), headlineOptions).Where(sp.table+".id IN ?", ids)
		default:
			fts := sp.table + "_fts"
			q = db.Table(fts).Select(cols+", snippet("+fts+", -1, '«', '»', '…', 16) AS snippet").
				Joins("JOIN "+sp.table+" ON "+sp.table+".id = "+fts+".rowid").
				Where(fts+" MATCH ? AND "+fts+".rowid IN ?", pq.FTS5(), ids)
		}
		if err := q.Scan(&rows).Error; err != nil {
			return out, fmt.Errorf("store: search %s snippets: %w", typ, err)
		}
		details[typ] = map[int64]detail{}
		for _, r := range rows {
			details[typ][r.ID] = r
		}
	}
	out.Items = make([]models.SearchHit, 0, len(hits))
	for _, h := range hits {
		d := details[h.Type][h.ID]
		if h.Snippet != nil {
			d.Snippet = *h.Snippet
		}
		out.Items = append(out.Items, models.SearchHit{Type: h.Type, ID: h.ID, Key: d.Key, Title: d.Title, Snippet: d.Snippet, Score: h.Score})
	}
	return out, nil
}

// searchHit is one ranked result: its snippet is set when the ranking query cut it.
type searchHit struct {
	Type    string
	ID      int64
	Score   float64
	Snippet *string
}

// topFromIndex ranks sp's matches on SQLite from the FTS5 table alone (see searchable.bare),
// under the condition cond, and returns the best need of them with their snippets, best first
// and then by id. It asks FTS5 to order by its rank (the same BM25 as ranked's), which FTS5 does
// itself: the condition and the snippets are then computed for the rows returned only, not for
// every match. FTS5 orders equal scores as it likes, so it asks for tiePad rows more than need,
// and for more again while the last row it got scores the same as the need-th, and sorts the
// ties by id here.
func (sp *searchable) topFromIndex(db *gorm.DB, pq *search.Query, cond string, need int) ([]searchHit, error) {
	fts := sp.table + "_fts"
	q := db.Table(fts).Select("'"+sp.typ+"' AS type, "+fts+".rowid AS id, -"+fts+".rank AS score, snippet("+fts+", -1, '«', '»', '…', 16) AS snippet").
		Where(fts+" MATCH ? AND "+fts+".rank MATCH 'bm25("+sp.bm25+")'", pq.FTS5())
	if cond != "" {
		q = q.Where(cond)
	}
	var rows []searchHit
	for limit := need + tiePad; ; limit *= 2 {
		rows = nil
		if err := q.Session(&gorm.Session{}).Order(fts + ".rank").Limit(limit).Scan(&rows).Error; err != nil {
			return nil, err
		}
		if len(rows) < limit || rows[len(rows)-1].Score != rows[need-1].Score {
			break
		}
	}
	if len(rows) > need {
		slices.SortStableFunc(rows, func(a, b searchHit) int {
			if a.Score != b.Score {
				return cmp.Compare(b.Score, a.Score)
			}
			return cmp.Compare(a.ID, b.ID)
		})
		rows = rows[:need]
	}
	return rows, nil
}

// scoredID is a matching row's id and relevance, higher is better.
type scoredID struct {
	ID    int64
	Score float64
}

// best returns the ids and scores of the best need rows of sp's table that match pq and pass
// filter, best first and then by id: the order and the scores of ranked's full ranking.
//
// On PostgreSQL that is one query, ranked and cut by the database. On SQLite, FTS5 ranks the
// matches from its index alone (ORDER BY rank LIMIT k, a sort of rowids and scores, where a join
// to the table ranks every match with its row); then only those k rows are read, to keep the ones
// that pass filter. It asks for tiePad more than need at first, and for four times more while the
// rows kept are too few, or the need-th ties with the worst row fetched (FTS5 orders equal scores
// as it likes, and a row not fetched could tie it with a smaller id). A filter so narrow that
// maxOverfetch candidates are not enough is ranked by the join, with the filter, in one query.
func (sp *searchable) best(db *gorm.DB, pq *search.Query, filter func(*gorm.DB) *gorm.DB, need int) ([]scoredID, error) {
	if need < 1 {
		return nil, nil
	}
	if !onPostgres(db) {
		fts := sp.table + "_fts"
		top := "SELECT rowid AS id, -rank AS score FROM " + fts + " WHERE " + fts + " MATCH ? AND rank MATCH 'bm25(" + sp.bm25 + ")' ORDER BY rank LIMIT ?"
		for limit := need + tiePad; ; limit *= 4 {
			var cands []scoredID
			if err := db.Raw(top, pq.FTS5(), limit).Scan(&cands).Error; err != nil {
				return nil, err
			}
			kept := cands
			if filter != nil && len(cands) > 0 {
				ids := make([]int64, len(cands))
				for i, c := range cands {
					ids[i] = c.ID
				}
				var ok []int64
				if err := filter(db.Table(sp.table).Where(sp.table+".id IN ?", ids)).Pluck(sp.table+".id", &ok).Error; err != nil {
					return nil, err
				}
				pass := make(map[int64]bool, len(ok))
				for _, id := range ok {
					pass[id] = true
				}
				kept = make([]scoredID, 0, len(ok))
				for _, c := range cands {
					if pass[c.ID] {
						kept = append(kept, c)
					}
				}
			}
			slices.SortStableFunc(kept, func(a, b scoredID) int {
				if a.Score != b.Score {
					return cmp.Compare(b.Score, a.Score)
				}
				return cmp.Compare(a.ID, b.ID)
			})
			if len(cands) < limit || (len(kept) >= need && kept[need-1].Score > cands[len(cands)-1].Score) {
				return kept[:min(need, len(kept))], nil
			}
			if limit >= maxOverfetch {
				break
			}
		}
	}
	q, score := sp.ranked(db, pq)
	if filter != nil {
		q = filter(q)
	}
	var rows []scoredID
	err := db.Raw("SELECT id, score FROM (?) AS hits ORDER BY score DESC, id LIMIT ?",
		q.Select(sp.table+".id AS id, ? AS score", score), need).Scan(&rows).Error
	return rows, err
}

// maxOverfetch is the most candidates best takes from FTS5's own ranking before it ranks with
// the filter in the join instead. Each round ranks every match again (a few ms for thousands of
// matches), so a filter that keeps few of the best matches is better ranked once, with it.
const maxOverfetch = 1024

// tiePad is how many rows past the need-th topFromIndex asks for at first, with their snippets.
// Each time the rows asked for end in a tie FTS5 ranks every match again, which costs more than a
// few more snippets; in the bench's synthetic text up to 17 tactics score the same, and a page
// cut in a group of 8 made the adversarial search cost 1.7 times as much with no pad.
const tiePad = 16

// headlineOptions make PostgreSQL's snippets look like SQLite's: matched words between « and »,
// about 16 words, elisions shown as ….
const headlineOptions = `StartSel=«, StopSel=», MaxWords=16, MinWords=8, MaxFragments=1, FragmentDelimiter=" … "`

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// offsetOf reads a ranked page's cursor: the number of results already served. Ranked pages
// page by offset, as a relevance score is no key to step past: the cursor is tied to its query
// and filters like every other.
func offsetOf(s, fp string) (int, error) {
	if s == "" {
		return 0, nil
	}
	c, err := decodeCursor(s)
	if err != nil {
		return 0, err
	}
	if c.Fingerprint != fp {
		return 0, errCursorMismatch()
	}
	var n int
	if err := json.Unmarshal(c.Value, &n); err != nil || n < 1 {
		return 0, errBadCursor()
	}
	return n, nil
}
