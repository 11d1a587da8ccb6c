package api

import (
	"maps"

	"chainkb/models"
)

// policy is who may call each route: the least role that may, keyed by method and route pattern.
// A route that is not here is refused to everyone (and a test fails): deny by default.
var policy = buildPolicy()

func buildPolicy() map[string]models.Role {
	p := map[string]models.Role{
		"GET /":               models.RoleAnonymous,
		"GET /swagger/*any":   models.RoleAnonymous,
		"GET /healthz":        models.RoleAnonymous,
		"GET /api/v1/changes": models.RoleReader,

		"GET /api/v1/keys":        models.RoleAdmin,
		"POST /api/v1/keys":       models.RoleAdmin,
		"GET /api/v1/keys/:id":    models.RoleAdmin,
		"DELETE /api/v1/keys/:id": models.RoleAdmin,

		"GET /api/v1/chains/:id/table": models.RoleAnonymous,
	}
	// The four content resources share one policy: anyone reads (tactics: only published ones
	// below editor); editors write and see the history.
	for _, res := range []string{"chains", "stages", "tactics", "tags"} {
		base := "/api/v1/" + res
		p["GET "+base] = models.RoleAnonymous
		p["GET "+base+"/:id"] = models.RoleAnonymous
		p["POST "+base] = models.RoleEditor
		p["PUT "+base+"/:id"] = models.RoleEditor
		p["PATCH "+base+"/:id"] = models.RoleEditor
		p["DELETE "+base+"/:id"] = models.RoleEditor
		p["GET "+base+"/:id/revisions"] = models.RoleEditor
		p["POST "+base+"/:id/revisions/:revision/restore"] = models.RoleEditor
	}
	return p
}

// Policy returns a copy of the route policy, for the tests.
func Policy() map[string]models.Role { return maps.Clone(policy) }
