package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"chainkb/models"
)

// How long a response to an Idempotency-Key is kept, and how long a first request may be in
// flight before a retry may take its place (its server may have died).
const (
	idempotencyTTL      = 24 * time.Hour
	idempotencyInFlight = time.Minute
)

// StoredResponse is the first response to a request sent with an Idempotency-Key.
type StoredResponse struct {
	Status  int
	Headers map[string]string
	Body    []byte
}

type idempotencyRow struct {
	KeyID       int64
	IdemKey     string
	RequestHash string
	Status      int
	Headers     string
	Body        []byte
	CreatedAt   time.Time
}

// ReserveIdempotencyKey claims idemKey for the API key keyID and a request whose hash is
// requestHash. It returns the stored response when the same request was answered before; nil when
// the caller should go on and then Complete or Release the key. The same key with another request
// is Invalid (idempotency_key_reused); the same key while its first request is still in flight is
// Conflict (idempotency_in_progress). Any other error is internal.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, keyID int64, idemKey, requestHash string) (*StoredResponse, error) {
	var stored *StoredResponse
	err := s.write(ctx, func(tx *gorm.DB) error {
		now := tx.Config.NowFunc()
		// Forget expired keys, and first requests that never finished.
		err := tx.Exec("DELETE FROM idempotency_keys WHERE created_at < ? OR (status = 0 AND created_at < ?)",
			now.Add(-idempotencyTTL), now.Add(-idempotencyInFlight)).Error
		if err != nil {
			return err
		}
		var row idempotencyRow
		err = tx.Table("idempotency_keys").Where("key_id = ? AND idem_key = ?", keyID, idemKey).Take(&row).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			return tx.Table("idempotency_keys").Create(&idempotencyRow{KeyID: keyID, IdemKey: idemKey,
				RequestHash: requestHash, Headers: "{}", CreatedAt: now}).Error
		case err != nil:
			return err
		case row.RequestHash != requestHash:
			return &models.Error{Kind: models.KindInvalid, Code: "idempotency_key_reused",
				Detail: "this Idempotency-Key was used for a different request; use a new key for a new request",
				Fields: []models.FieldError{{Field: "Idempotency-Key", Message: "was used with another request"}}}
		case row.Status == 0:
			return models.Conflictf("idempotency_in_progress", "the first request with this Idempotency-Key is still being processed; retry in a moment")
		}
		stored = &StoredResponse{Status: row.Status, Body: row.Body}
		return json.Unmarshal([]byte(row.Headers), &stored.Headers)
	})
	if err != nil {
		return nil, translate(err, "reserve idempotency key")
	}
	return stored, nil
}

// CompleteIdempotencyKey stores the response to the request that reserved idemKey. Any error is
// internal.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, keyID int64, idemKey string, r StoredResponse) error {
	headers, err := json.Marshal(r.Headers)
	if err != nil {
		return fmt.Errorf("store: complete idempotency key: %w", err)
	}
	err = s.write(ctx, func(tx *gorm.DB) error {
		return tx.Table("idempotency_keys").Where("key_id = ? AND idem_key = ?", keyID, idemKey).
			Updates(map[string]any{"status": r.Status, "headers": string(headers), "body": r.Body}).Error
	})
	if err != nil {
		return fmt.Errorf("store: complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a reservation whose request failed, so that a retry runs afresh.
// Any error is internal.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, keyID int64, idemKey string) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		return tx.Exec("DELETE FROM idempotency_keys WHERE key_id = ? AND idem_key = ? AND status = 0", keyID, idemKey).Error
	})
	if err != nil {
		return fmt.Errorf("store: release idempotency key: %w", err)
	}
	return nil
}
