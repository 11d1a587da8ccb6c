package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"chainkb/models"
)

// The store's error mapping: the one place where a failure of the database becomes what a client
// is told. A constraint the database enforces becomes a *models.Error (translate); a failure that
// a concurrent write caused makes the transaction run again (retryRaces), and if it still fails
// after maxAttempts, a Conflict that says to retry. Every other database error stays internal,
// wrapped with what the store was doing, and the API answers it with a logged 500.

// translate turns a constraint violation into the error the client should see; every other
// error stays internal and is wrapped with what the store was doing. The cause stays in the
// chain (errors.Is and errors.As see it), so that retryRaces can tell a race from a rule.
func translate(err error, doing string) error {
	if err == nil {
		return nil
	}
	if _, ok := models.AsError(err); ok {
		return err
	}
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return fmt.Errorf("%w: %w", models.Conflictf("duplicate", "%s: an object with the same slug already exists", doing), err)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		// The store checks what a write names and what a delete leaves behind before it writes,
		// so this is a write that raced another (on PostgreSQL, retried before anyone sees it),
		// or a check that is missing.
		return fmt.Errorf("%w: %w", models.Conflictf("in_use", "%s: it is still referenced by other objects", doing), err)
	}
	return fmt.Errorf("store: %s: %w", doing, err)
}

// PostgreSQL's codes for the failures that running the transaction again resolves.
const (
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
	pgForeignKeyViolation  = "23503"
	pgUniqueViolation      = "23505"
)

// raced reports whether err is a failure that a concurrent transaction caused, which the
// transaction resolves by running again: it then sees what the other one did, and answers as if
// they had taken turns (the row it checked is gone: a 422; a citation has appeared: a 409).
// They are PostgreSQL's deadlocks and serialization failures, and the foreign keys that a row
// deleted after this transaction checked it breaks. A unique violation is not among them: it says
// what the client must change (a slug taken), and the store names it (duplicate_slug, ...).
func raced(err error) bool {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return false
	}
	switch pg.Code {
	case pgSerializationFailure, pgDeadlockDetected, pgForeignKeyViolation:
		return true
	}
	return false
}

// maxAttempts bounds how many times a raced transaction runs. Each retry sees the work of the
// transaction it raced, so a second attempt almost always settles it; more attempts cover several
// writers on the same objects.
const maxAttempts = 5

// retryRaces runs tx, a whole transaction, again while it fails by a race (raced), at most
// maxAttempts times, after a short random pause that lets the other transaction finish. A race
// that outlasts the attempts is a Conflict (write_conflict): the client retries, as after a 409
// of any other kind. Any other error is returned as it is.
func retryRaces(ctx context.Context, tx func() error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if err = tx(); !raced(err) {
			return err
		}
		pause := time.Duration(attempt) * time.Duration(1+rand.IntN(10)) * time.Millisecond
		select {
		case <-ctx.Done():
			attempt = maxAttempts
		case <-time.After(pause):
		}
	}
	return fmt.Errorf("%w: %w", models.Conflictf("write_conflict",
		"other changes to the same objects were made at the same moment, and this one could not be made after them; nothing was changed: send it again"), err)
}
