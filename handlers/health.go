package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
)

// Health serves the liveness probe.
type Health struct{ store *store.Store }

// NewHealth returns the health handlers.
func NewHealth(st *store.Store) *Health { return &Health{store: st} }

// HealthStatus is the body of a health probe.
type HealthStatus struct {
	Status string `json:"status" example:"ok"`
}

// Live handles GET /healthz: the process is up and serving.
//
//	@Summary	Liveness probe
//	@Tags		operations
//	@Produce	json
//	@Success	200	{object}	HealthStatus
//	@Router		/healthz [get]
func (h *Health) Live(c *gin.Context) {
	c.JSON(http.StatusOK, HealthStatus{Status: "ok"})
}
