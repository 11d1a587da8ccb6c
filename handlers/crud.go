package handlers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"chainkb/internal/store"
	"chainkb/models"
)

// crud is the endpoint code that every content resource shares: get, create, replace, patch,
// delete, history and restore. Each resource's handler type embeds it, so that these methods are
// its handlers of those routes (a method of its own, such as Tactics.Get, takes a route over);
// the resource's file keeps its list, whatever else it serves and the description of its
// operations (apidoc). They call the resource's methods in the store (store.Resource), and differ
// only in how a path names an object (key).
//
// T is the object, In what a client writes.
type crud[T any, In any] struct {
	objects *store.Resource[T, In]
	// key reads the {id} path parameter as the store's key of the object: its id, or its slug
	// where the resource has one; a tactic's code is looked up, to its id.
	key func(*gin.Context) (string, error)
}

// newCrud is the shared endpoint code of a resource whose paths name its objects by key.
func newCrud[T, In any](objects *store.Resource[T, In], key func(*gin.Context) (string, error)) *crud[T, In] {
	return &crud[T, In]{objects: objects, key: key}
}

// Get answers GET /{resources}/{id}: the object with its ETag, or 304.
func (r *crud[T, In]) Get(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	obj, err := r.objects.Get(c.Request.Context(), k)
	if err != nil {
		c.Error(err)
		return
	}
	r.write(c, http.StatusOK, obj)
}

// Create answers POST /{resources}: 201 with Location and ETag.
func (r *crud[T, In]) Create(c *gin.Context) {
	var in In
	if err := decodeCreate(c, &in); err != nil {
		c.Error(err)
		return
	}
	obj, err := r.objects.Create(c.Request.Context(), &in)
	if err != nil {
		c.Error(err)
		return
	}
	id, _ := r.objects.Ref(obj)
	c.Header("Location", fmt.Sprintf("/api/v1/%s/%d", r.objects.Collection(), id))
	r.write(c, http.StatusCreated, obj)
}

// Replace answers PUT /{resources}/{id}, which needs a precondition (If-Match or version).
func (r *crud[T, In]) Replace(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	var in In
	pre, err := decodeReplace(c, &in, r.objects.Version(&in))
	if err != nil {
		c.Error(err)
		return
	}
	obj, err := r.objects.Replace(c.Request.Context(), k, &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	r.write(c, http.StatusOK, obj)
}

// Patch answers PATCH /{resources}/{id}: a JSON Merge Patch applied to the object as a GET
// returns it, written only if the object is still at the version it was merged onto.
func (r *crud[T, In]) Patch(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	cur, err := r.objects.Get(c.Request.Context(), k)
	if err != nil {
		c.Error(err)
		return
	}
	id, version := r.objects.Ref(cur)
	var in In
	pre, err := decodeMergePatch(c, cur, id, version, &in)
	if err != nil {
		c.Error(err)
		return
	}
	obj, err := r.objects.Replace(c.Request.Context(), fmt.Sprint(id), &in, pre)
	if err != nil {
		c.Error(err)
		return
	}
	r.write(c, http.StatusOK, obj)
}

// Delete answers DELETE /{resources}/{id}, honouring If-Match when sent.
func (r *crud[T, In]) Delete(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	if err := r.objects.Delete(c.Request.Context(), k, ifMatch(c)); err != nil {
		c.Error(err)
		return
	}
	c.Status(http.StatusNoContent)
}

// Revisions answers GET /{resources}/{id}/revisions.
func (r *crud[T, In]) Revisions(c *gin.Context) {
	k, err := r.key(c)
	if err != nil {
		c.Error(err)
		return
	}
	q := parseQuery(c, "limit", "cursor", "include_total")
	answerList(c, q, q.page(), func(ctx context.Context, page models.Page) (models.List[models.Revision], error) {
		return r.objects.Revisions(ctx, k, page)
	})
}

// Restore answers POST /{resources}/{id}/revisions/{revision}/restore.
func (r *crud[T, In]) Restore(c *gin.Context) {
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
	obj, err := r.objects.Restore(c.Request.Context(), k, rev, ifMatch(c))
	if err != nil {
		c.Error(err)
		return
	}
	r.write(c, http.StatusOK, obj)
}

func (r *crud[T, In]) write(c *gin.Context, status int, obj *T) {
	id, version := r.objects.Ref(obj)
	writeObject(c, status, id, version, obj)
}

// idKey reads the {id} path parameter of a resource addressed by id only, as a store key.
func idKey(c *gin.Context) (string, error) {
	id, err := pathID(c)
	return fmt.Sprint(id), err
}
