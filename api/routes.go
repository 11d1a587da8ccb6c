package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
	ginSwagger "github.com/swaggo/gin-swagger"

	"chainkb/docs" // registers swag's spec (/swagger/doc.json) and embeds the OpenAPI 3 document
	"chainkb/handlers"
	"chainkb/internal/store"
)

// addRoutes maps the entire API surface. Who may call each route is in policy.go.
func addRoutes(r *gin.Engine, st *store.Store, metrics http.Handler) {
	v1 := r.Group("/api/v1")

	chains := handlers.NewChains(st)
	v1.GET("/chains", chains.List)
	v1.POST("/chains", chains.Create)
	v1.GET("/chains/:id", chains.Get)
	v1.PUT("/chains/:id", chains.Replace)
	v1.PATCH("/chains/:id", chains.Patch)
	v1.DELETE("/chains/:id", chains.Delete)
	v1.GET("/chains/:id/revisions", chains.Revisions)
	v1.POST("/chains/:id/revisions/:revision/restore", chains.Restore)
	v1.GET("/chains/:id/table", chains.Table)

	stages := handlers.NewStages(st)
	v1.GET("/stages", stages.List)
	v1.POST("/stages", stages.Create)
	v1.GET("/stages/:id", stages.Get)
	v1.PUT("/stages/:id", stages.Replace)
	v1.PATCH("/stages/:id", stages.Patch)
	v1.DELETE("/stages/:id", stages.Delete)
	v1.GET("/stages/:id/revisions", stages.Revisions)
	v1.POST("/stages/:id/revisions/:revision/restore", stages.Restore)

	tactics := handlers.NewTactics(st)
	v1.GET("/tactics", tactics.List)
	v1.POST("/tactics", tactics.Create)
	v1.GET("/tactics/:id", tactics.Get)
	v1.PUT("/tactics/:id", tactics.Replace)
	v1.PATCH("/tactics/:id", tactics.Patch)
	v1.DELETE("/tactics/:id", tactics.Delete)
	v1.GET("/tactics/:id/revisions", tactics.Revisions)
	v1.POST("/tactics/:id/revisions/:revision/restore", tactics.Restore)

	tags := handlers.NewTags(st)
	v1.GET("/tags", tags.List)
	v1.POST("/tags", tags.Create)
	v1.GET("/tags/:id", tags.Get)
	v1.PUT("/tags/:id", tags.Replace)
	v1.PATCH("/tags/:id", tags.Patch)
	v1.DELETE("/tags/:id", tags.Delete)
	v1.GET("/tags/:id/revisions", tags.Revisions)
	v1.POST("/tags/:id/revisions/:revision/restore", tags.Restore)

	v1.GET("/changes", handlers.NewChanges(st).List)

	keys := handlers.NewKeys(st)
	v1.GET("/keys", keys.List)
	v1.POST("/keys", keys.Create)
	v1.GET("/keys/:id", keys.Get)
	v1.DELETE("/keys/:id", keys.Revoke)

	health := handlers.NewHealth(st)
	r.GET("/healthz", health.Live)
	r.GET("/readyz", health.Ready)
	r.GET("/metrics", handlers.Metrics(metrics))

	// The OpenAPI 3 document, for client generators and for Swagger UI; swag's Swagger 2.0 original
	// stays at /swagger/doc.json. Both are made by "go generate" (see main.go) and embedded.
	r.GET("/openapi.json", serveDoc("application/json", docs.OpenAPIJSON))
	r.GET("/openapi.yaml", serveDoc("application/yaml", docs.OpenAPIYAML))
	r.GET("/swagger/*any", ginSwagger.WrapHandler(swaggerFiles.Handler,
		ginSwagger.URL("/openapi.json"), ginSwagger.PersistAuthorization(true)))
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusFound, "/swagger/index.html") })
}

// serveDoc answers with an embedded document.
func serveDoc(contentType string, body []byte) gin.HandlerFunc {
	return func(c *gin.Context) { c.Data(http.StatusOK, contentType, body) }
}
