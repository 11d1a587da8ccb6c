package store

import (
	"context"

	"chainkb/models"
)

// FullTacticRanking ranks every tactic that matches f.Q and that f selects, as the caller of
// ctx sees them, best first and then by id, in one straightforward query: the full ranking
// that ranked pages and searches, which rank a bounded set of candidates, must agree with.
func (s *Store) FullTacticRanking(ctx context.Context, f models.TacticFilter) (ids []int64, scores []float64, err error) {
	sp := searchableOf(models.SearchTactic)
	pq, err := ParseQuery(f.Q)
	if err != nil {
		return nil, nil, err
	}
	db := s.read(ctx)
	q, score := sp.ranked(db, pq)
	q = whereTactics(q, tacticQuery{TacticFilter: f, hidden: canSeeHidden(ctx)})
	var rows []scoredID
	if err := db.Raw("SELECT id, score FROM (?) AS hits ORDER BY score DESC, id",
		q.Select("tactics.id AS id, ? AS score", score)).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		ids = append(ids, r.ID)
		scores = append(scores, r.Score)
	}
	return ids, scores, nil
}
