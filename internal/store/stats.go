package store

import "database/sql"

// PoolStats returns the statistics of the store's connection pools by name, for metrics: on
// SQLite "writer" (one connection) and "reader"; on PostgreSQL, where reads and writes share one
// pool, "main".
func (s *Store) PoolStats() map[string]sql.DBStats {
	stats := map[string]sql.DBStats{}
	switch {
	case s.wSQL != nil && s.wSQL == s.rSQL:
		stats["main"] = s.wSQL.Stats()
	default:
		if s.wSQL != nil {
			stats["writer"] = s.wSQL.Stats()
		}
		if s.rSQL != nil {
			stats["reader"] = s.rSQL.Stats()
		}
	}
	return stats
}
