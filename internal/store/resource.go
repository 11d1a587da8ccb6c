package store

import (
	"context"

	"chainkb/models"
)

// Resource is one resource's objects as the API's shared endpoint code reads and writes them (A is
// the object as the API shows it, In what a client writes), by the key a path names them by: an
// id, or where the resource has one a slug (chains, tags, sources, parameters). A tactic's code is
// looked up first (TacticID): its key is its id. Each method returns the error kinds of the
// resource's own methods (CreateChain, ReplaceChain...).
type Resource[A, In any] struct {
	entity, plural string
	ref            func(*A) (id, version int64)
	version        func(*In) **int64
	get            func(ctx context.Context, key string) (*A, error)
	create         func(ctx context.Context, in *In) (*A, error)
	replace        func(ctx context.Context, key string, in *In, pre models.Precondition) (*A, error)
	remove         func(ctx context.Context, key string, pre models.Precondition) error
	restore        func(ctx context.Context, key string, revision int64, pre models.Precondition) (*A, error)
	revisions      func(ctx context.Context, key string, p models.Page) (models.List[models.Revision], error)
}

// resourceOf is the resource whose object o writes, on s, as the API shows it: view turns what the
// store holds (T) into what the API shows (A), ref reads the latter's id and version.
func resourceOf[T, A, In any](s *Store, o *object[T, In], view func(*T) *A, ref func(*A) (int64, int64)) *Resource[A, In] {
	viewed := func(obj *T, err error) (*A, error) {
		if obj == nil {
			return nil, err
		}
		return view(obj), err
	}
	return &Resource[A, In]{
		entity: o.entity, plural: o.plural, ref: ref, version: o.version,
		get:    func(ctx context.Context, key string) (*A, error) { return viewed(o.get(ctx, s, key)) },
		create: func(ctx context.Context, in *In) (*A, error) { return viewed(o.createOne(ctx, s, in)) },
		replace: func(ctx context.Context, key string, in *In, pre models.Precondition) (*A, error) {
			return viewed(o.replace(ctx, s, key, in, pre))
		},
		remove: func(ctx context.Context, key string, pre models.Precondition) error {
			return o.remove(ctx, s, key, pre)
		},
		restore: func(ctx context.Context, key string, revision int64, pre models.Precondition) (*A, error) {
			return viewed(o.restoreOne(ctx, s, key, revision, pre))
		},
		revisions: func(ctx context.Context, key string, p models.Page) (models.List[models.Revision], error) {
			return s.Revisions(ctx, o.entity, key, p)
		},
	}
}

// sameResource is resourceOf for a resource that the API shows as the store holds it.
func sameResource[T, In any](s *Store, o *object[T, In]) *Resource[T, In] {
	return resourceOf(s, o, func(obj *T) *T { return obj }, o.ref)
}

// Entity names the resource as revisions and the change feed do.
func (r *Resource[A, In]) Entity() string { return r.entity }

// Collection is the resource's path under /api/v1 (its plural: "chains").
func (r *Resource[A, In]) Collection() string { return r.plural }

// Ref returns an object's id and version.
func (r *Resource[A, In]) Ref(obj *A) (id, version int64) { return r.ref(obj) }

// Version is the version field of an input: a PUT's precondition when no If-Match is sent.
func (r *Resource[A, In]) Version(in *In) **int64 { return r.version(in) }

// Get returns the object that key names, as the context's principal may see it.
func (r *Resource[A, In]) Get(ctx context.Context, key string) (*A, error) { return r.get(ctx, key) }

// Create validates and stores a new object.
func (r *Resource[A, In]) Create(ctx context.Context, in *In) (*A, error) { return r.create(ctx, in) }

// Replace replaces the object that key names with in, if pre holds.
func (r *Resource[A, In]) Replace(ctx context.Context, key string, in *In, pre models.Precondition) (*A, error) {
	return r.replace(ctx, key, in, pre)
}

// Delete deletes the object that key names, if pre holds and nothing still needs it.
func (r *Resource[A, In]) Delete(ctx context.Context, key string, pre models.Precondition) error {
	return r.remove(ctx, key, pre)
}

// Restore brings the object that key names (deleted or not) back to a revision, if pre holds.
func (r *Resource[A, In]) Restore(ctx context.Context, key string, revision int64, pre models.Precondition) (*A, error) {
	return r.restore(ctx, key, revision, pre)
}

// Revisions returns one page of the object's history, newest first (Store.Revisions).
func (r *Resource[A, In]) Revisions(ctx context.Context, key string, p models.Page) (models.List[models.Revision], error) {
	return r.revisions(ctx, key, p)
}
