package models

import "context"

// Role is what an API key may do. Roles are ordered: each may do everything the one before may.
type Role int

// The roles, from least to most trusted.
const (
	RoleAnonymous Role = iota // no key: reads published content
	RoleReader                // partner apps: also the change feed, with higher rate limits
	RoleEditor                // curators: also writes, drafts and history
	RoleAdmin                 // also manages keys
)

var roleNames = [...]string{"anonymous", "reader", "editor", "admin"}

func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return "unknown"
	}
	return roleNames[r]
}

// ParseRole reads a key role by name; anonymous is not a role a key can have.
func ParseRole(s string) (Role, bool) {
	for i, n := range roleNames {
		if n == s && Role(i) != RoleAnonymous {
			return Role(i), true
		}
	}
	return RoleAnonymous, false
}

// Principal is who sends a request: the key and its role, or nobody.
type Principal struct {
	KeyID int64 // 0 for anonymous and for work the service does itself
	Name  string
	Role  Role
}

// CanSeeHidden reports whether the principal may see draft and archived tactics.
func (p Principal) CanSeeHidden() bool { return p.Role >= RoleEditor }

// Anonymous is the principal of a request without a key.
var Anonymous = Principal{Name: "anonymous", Role: RoleAnonymous}

type contextKey int

const (
	principalKey contextKey = iota
	requestIDKey
)

// WithPrincipal returns a context that carries who sends the request.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFrom returns who sends the request, or Anonymous.
func PrincipalFrom(ctx context.Context) Principal {
	if p, ok := ctx.Value(principalKey).(Principal); ok {
		return p
	}
	return Anonymous
}

// WithRequestID returns a context that carries the request's id, which revisions record.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestIDFrom returns the request's id, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}
