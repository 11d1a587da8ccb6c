package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// An API key is "ckb_" and 52 base32 characters: 256 random bits. The prefix lets secret scanners
// recognise a leaked key; base32 in lower case keeps it one word that a double-click selects.
const keyPrefix = "ckb_"

var keyPattern = regexp.MustCompile(`^ckb_[a-z2-7]{52}$`)

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// IsKeyFormat reports whether s looks like a chainkb API key.
func IsKeyFormat(s string) bool { return keyPattern.MatchString(s) }

// GenerateKey returns a new random API key. Any error is internal.
func GenerateKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: generate key: %w", err)
	}
	return keyPrefix + strings.ToLower(keyEncoding.EncodeToString(b)), nil
}

// hashKey is what the database keeps of a key. A fast hash is enough: the key has 256 bits of
// entropy, so there is nothing for a slow password hash to protect.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// keyRow is a row of api_keys.
type keyRow struct {
	ID         int64
	Name       string
	Role       string
	Prefix     string
	Hash       string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (k *keyRow) model() models.APIKey {
	return models.APIKey{ID: k.ID, Name: k.Name, Role: k.Role, Prefix: k.Prefix, CreatedAt: k.CreatedAt,
		ExpiresAt: k.ExpiresAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}

// CreateKey makes a new API key and returns it, the key itself included, for the only time:
// Invalid for a bad field.
func (s *Store) CreateKey(ctx context.Context, in *models.KeyInput) (*models.NewAPIKey, error) {
	if err := in.Validate(s.now()); err != nil {
		return nil, err
	}
	key, err := GenerateKey()
	if err != nil {
		return nil, err
	}
	row, err := s.insertKey(ctx, in, key)
	if err != nil {
		return nil, err
	}
	return &models.NewAPIKey{APIKey: row.model(), Key: key}, nil
}

// EnsureKey makes sure that key, given from outside (the environment of a container), is a
// valid key with the given name and role. It is stored hashed, like any key; if it is already
// there it is left as it is, revocation included. Its errors are internal (a key that is not in
// the chainkb format is a plain error too: it is configuration, not a client's request).
func (s *Store) EnsureKey(ctx context.Context, name string, role models.Role, key string) error {
	if !IsKeyFormat(key) {
		return errors.New("store: the key is not a chainkb key (ckb_ and 52 characters a-z, 2-7); make one with 'chainkb keys generate'")
	}
	var n int64
	if err := s.read(ctx).Table("api_keys").Where("hash = ?", hashKey(key)).Count(&n).Error; err != nil {
		return fmt.Errorf("store: ensure key: %w", err)
	}
	if n > 0 {
		return nil
	}
	_, err := s.insertKey(ctx, &models.KeyInput{Name: name, Role: role.String()}, key)
	return err
}

func (s *Store) insertKey(ctx context.Context, in *models.KeyInput, key string) (*keyRow, error) {
	row := &keyRow{Name: in.Name, Role: in.Role, Prefix: key[:len(keyPrefix)+8], Hash: hashKey(key), ExpiresAt: in.ExpiresAt}
	if row.ExpiresAt != nil {
		t := row.ExpiresAt.UTC()
		row.ExpiresAt = &t
	}
	err := s.write(ctx, func(tx *gorm.DB) error { return tx.Table("api_keys").Create(row).Error })
	if err != nil {
		return nil, translate(err, "create key")
	}
	return row, nil
}

// Keys returns one page of API keys, newest first: BadRequest for a bad sort or cursor.
func (s *Store) Keys(ctx context.Context, p models.Page) (models.List[models.APIKey], error) {
	page, err := keyList.page(s.read(ctx), struct{}{}, p)
	if err != nil {
		return models.List[models.APIKey]{}, err
	}
	return mapList(page, func(k *keyRow) (models.APIKey, error) { return k.model(), nil })
}

// keyList is how keys are listed: all of them, newest first.
var keyList = listSpec[keyRow, struct{}]{
	table:       "api_keys",
	where:       func(q *gorm.DB, _ struct{}) *gorm.DB { return q },
	filterKey:   func(struct{}) string { return "" },
	defaultSort: "-id",
	sorts:       map[string]sortField[keyRow]{"id": {"id", intColumn, func(k *keyRow) any { return k.ID }}},
	id:          func(k *keyRow) int64 { return k.ID },
}

// Key returns the API key with the given id: NotFound if there is none.
func (s *Store) Key(ctx context.Context, id int64) (*models.APIKey, error) {
	var k keyRow
	err := s.read(ctx).Table("api_keys").Where("id = ?", id).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, models.NotFoundf("key %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: find key: %w", err)
	}
	m := k.model()
	return &m, nil
}

// RevokeKey revokes the API key with the given id; from the next request on, it is refused.
// Revoking a revoked key changes nothing. NotFound if there is no such key.
func (s *Store) RevokeKey(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		res := tx.Table("api_keys").Where("id = ?", id).
			Update("revoked_at", gorm.Expr("COALESCE(revoked_at, ?)", tx.Config.NowFunc()))
		if res.Error != nil {
			return fmt.Errorf("store: revoke key: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return models.NotFoundf("key %d not found", id)
		}
		return nil
	})
}

// Authenticate returns the principal of a key. Unknown, revoked and expired keys are refused; the
// check runs on every request, so a revocation takes effect on the very next one. Unauthorized for
// a key that is malformed, unknown, revoked or expired; any other error is internal.
func (s *Store) Authenticate(ctx context.Context, key string) (models.Principal, error) {
	if !IsKeyFormat(key) {
		return models.Anonymous, models.Unauthorizedf("the key is not in the chainkb format; send Authorization: Bearer ckb_...")
	}
	var k keyRow
	err := s.read(ctx).Table("api_keys").Where("hash = ?", hashKey(key)).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Anonymous, models.Unauthorizedf("the key is not known")
	}
	if err != nil {
		return models.Anonymous, fmt.Errorf("store: authenticate: %w", err)
	}
	now := s.now()
	if k.RevokedAt != nil {
		return models.Anonymous, models.Unauthorizedf("the key %s was revoked", k.Prefix)
	}
	if k.ExpiresAt != nil && !now.Before(*k.ExpiresAt) {
		return models.Anonymous, models.Unauthorizedf("the key %s expired at %s", k.Prefix, k.ExpiresAt.Format(time.RFC3339))
	}
	role, ok := models.ParseRole(k.Role)
	if !ok {
		return models.Anonymous, fmt.Errorf("store: key %d has role %q", k.ID, k.Role)
	}
	// Last use is kept to the minute: a write per request would queue every read behind the writer.
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute {
		err := s.write(ctx, func(tx *gorm.DB) error {
			return tx.Table("api_keys").Where("id = ?", k.ID).Update("last_used_at", now).Error
		})
		if err != nil {
			return models.Anonymous, fmt.Errorf("store: note key use: %w", err)
		}
	}
	return models.Principal{KeyID: k.ID, Name: k.Name, Role: role}, nil
}

// KeyValid reports whether the key with the given id may still be used: Unauthorized once it is
// revoked or expired. It serves requests that outlive their authentication (a stream of the change
// feed), so that a revocation ends them too. Any other error is internal.
func (s *Store) KeyValid(ctx context.Context, id int64) error {
	var k keyRow
	err := s.read(ctx).Table("api_keys").Where("id = ?", id).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Unauthorizedf("the key is not known")
	}
	if err != nil {
		return fmt.Errorf("store: key valid: %w", err)
	}
	if k.RevokedAt != nil {
		return models.Unauthorizedf("the key %s was revoked", k.Prefix)
	}
	if k.ExpiresAt != nil && !s.now().Before(*k.ExpiresAt) {
		return models.Unauthorizedf("the key %s expired at %s", k.Prefix, k.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}
