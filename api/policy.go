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
		"GET /openapi.json":   models.RoleAnonymous,
		"GET /openapi.yaml":   models.RoleAnonymous,
		"GET /healthz":        models.RoleAnonymous,
		"GET /api/v1/changes": models.RoleReader,

		// Load balancers and orchestrators probe readiness without credentials; the answer says
		// only ready or not.
		"GET /readyz": models.RoleAnonymous,
		// Metrics need a key: they tell traffic by route, error rates and the pools' saturation,
		// which helps whoever times an attack, and the API listens where anyone reaches it.
		// Prometheus sends a reader key ("authorization: {credentials_file: ...}" in its config).
		"GET /metrics": models.RoleReader,

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
