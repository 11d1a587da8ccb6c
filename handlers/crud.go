package handlers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// crud is the endpoint code that the four content resources (chains, stages, tactics, tags) share.
// Each resource's file keeps its own handlers and the description of its operations, and calls
// these: the resources differ only in how a path names an object and in the store methods they call.
//
// K is what a path names an object by: an id (stages, tactics) or an id or slug (chains, tags).
// T is the object, In what a client writes.
type crud[K any, T any, In any] struct {
	store  *store.Store
	entity string // as the history names it, e.g. "chain"
	path   string // the collection's path, e.g. "/api/v1/chains"

	key         func(*gin.Context) (K, error) // reads the {id} path parameter
	keyOfID     func(int64) K
	identity    func(*T) (id, version int64)
	bodyVersion func(*In) **int64 // the version field of an input, a PUT's precondition

	get     func(context.Context, K) (*T, error)
	create  func(context.Context, *In) (*T, error)
	replace func(context.Context, K, *In, models.Precondition) (*T, error)
	remove  func(context.Context, K, models.Precondition) error
	restore func(context.Context, K, int64, models.Precondition) (*T, error)
}

// handleGet answers GET /{resources}/{id}: the object with its ETag, or 304.
func (r *crud[K, T, In]) handleGet(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	obj, err := r.get(c.Request.Context(), k)
	if err != nil {
		c.Error(err)
		return
	}
	r.write(c, http.StatusOK, obj)
}

// handleCreate answers POST /{resources}: 201 with Location and ETag.
func (r *crud[K, T, In]) handleCreate(c *gin.Context) {
	var in In
	if err := decodeCreate(c, &in); err != nil {
		c.Error(err)
		return
	}
	obj, err := r.create(c.Request.Context(), &in)
	if err != nil {
		c.Error(err)
		return
	}
	id, _ := r.identity(obj)
	c.Header("Location", fmt.Sprintf("%s/%d", r.path, id))
	r.write(c, http.StatusCreated, obj)
}

// handleReplace answers PUT /{resources}/{id}, which needs a precondition (If-Match or version).
func (r *crud[K, T, In]) handleReplace(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	var in In
	pre, err := decodeReplace(c, &in, r.bodyVersion(&in))
	if err != nil {
		c.Error(err)
		return
	}
	obj, err := r.replace(c.Request.Context(), k, &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	r.write(c, http.StatusOK, obj)
}

// handlePatch answers PATCH /{resources}/{id}: a JSON Merge Patch applied to the object as a GET
// returns it, written only if the object is still at the version it was merged onto.
func (r *crud[K, T, In]) handlePatch(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	cur, err := r.get(c.Request.Context(), k)
	if err != nil {
		c.Error(err)
		return
	}
	id, version := r.identity(cur)
	var in In
	pre, err := decodeMergePatch(c, cur, id, version, &in)
	if err != nil {
		c.Error(err)
		return
	}
	obj, err := r.replace(c.Request.Context(), r.keyOfID(id), &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	r.write(c, http.StatusOK, obj)
}

// handleDelete answers DELETE /{resources}/{id}, honouring If-Match when sent.
func (r *crud[K, T, In]) handleDelete(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	pre := ifMatch(c)
	if err := r.remove(c.Request.Context(), k, pre); err != nil {
		c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}

// handleRevisions answers GET /{resources}/{id}/revisions.
func (r *crud[K, T, In]) handleRevisions(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	writeRevisions(c, r.store, r.entity, fmt.Sprint(k))
}

// handleRestore answers POST /{resources}/{id}/revisions/{revision}/restore.
func (r *crud[K, T, In]) handleRestore(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	rev, err := pathRevision(c)
	if err != nil {
		c.Error(err)
		return
	}
	pre := ifMatch(c)
	obj, err := r.restore(c.Request.Context(), k, rev, pre)
	if err != nil {
		c.Error(err)
		return
	}
	r.write(c, http.StatusOK, obj)
}

func (r *crud[K, T, In]) write(c *gin.Context, status int, obj *T) {
	id, version := r.identity(obj)
	writeObject(c, status, id, version, obj)
}

// idKey names an object by its id where a path takes an id or a slug.
func idKey(id int64) string { return fmt.Sprint(id) }

// sameID names an object by its id where a path takes an id.
func sameID(id int64) int64 { return id }
