// Package webhooks sends the change feed to webhook subscriptions after the Standard Webhooks
// specification (https://www.standardwebhooks.com): deliveries signed with each subscription's
// secret (sign.go), sent only to the network targets the operator allows (targets.go), by a
// worker that claims them from the store's outbox, retries them with backoff and settles them
// (worker.go), with Prometheus metrics (metrics.go).
package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of a delivery, as the specification names them.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix starts every signing secret, so that people and secret scanners recognise it.
const SecretPrefix = "whsec_"

// secretBytes is the length of a new secret's key: the specification asks for 24 to 64 bytes.
const secretBytes = 32

// NewSecret returns a new random signing secret: whsec_ and the key in base64. Any error is the
// system's random source failing.
func NewSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhooks: new secret: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// secretKey decodes a secret's key; the prefix is optional, as in the specification's libraries.
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(key) == 0 {
		return nil, errors.New("webhooks: the secret is not whsec_ and base64")
	}
	return key, nil
}

// Sign returns the webhook-signature of a message: "v1," and the base64 HMAC-SHA256, under the
// secret's key, of the message id, the timestamp in Unix seconds and the body, joined by full
// stops. The id must not hold a full stop.
func Sign(secret, msgID string, timestamp time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	if strings.Contains(msgID, ".") {
		return "", errors.New("webhooks: a message id must not hold a full stop")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID + "." + strconv.FormatInt(timestamp.Unix(), 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// setHeaders sets the headers of a signed delivery on h.
func setHeaders(h http.Header, secret, msgID string, timestamp time.Time, body []byte) error {
	sig, err := Sign(secret, msgID, timestamp, body)
	if err != nil {
		return err
	}
	h.Set(HeaderID, msgID)
	h.Set(HeaderTimestamp, strconv.FormatInt(timestamp.Unix(), 10))
	h.Set(HeaderSignature, sig)
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "chainkb-webhooks/1")
	return nil
}
