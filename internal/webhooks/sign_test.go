package webhooks

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// TestSignSpecVector signs the message of the specification's published test vector (the one
// its reference libraries test against, libraries/go/webhook_test.go at v1.3.0): secret, id,
// timestamp and payload give exactly the published signature.
func TestSignSpecVector(t *testing.T) {
	const (
		secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		msgID  = "msg_p5jXN8AQM9LWM0D4loKWxJek"
		want   = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	)
	got, err := Sign(secret, msgID, time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("signature %s, want the specification's %s", got, want)
	}
	// Without the prefix the key is the same, as in the reference libraries.
	if got, _ := Sign(strings.TrimPrefix(secret, SecretPrefix), msgID, time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`)); got != want {
		t.Errorf("without whsec_: %s, want %s", got, want)
	}
	// A changed body, id or timestamp is another signature.
	for name, sig := range map[string]func() (string, error){
		"body": func() (string, error) {
			return Sign(secret, msgID, time.Unix(1614265330, 0), []byte(`{"test": 2432232315}`))
		},
		"id": func() (string, error) {
			return Sign(secret, msgID+"x", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
		},
		"timestamp": func() (string, error) {
			return Sign(secret, msgID, time.Unix(1614265331, 0), []byte(`{"test": 2432232314}`))
		},
	} {
		if s, err := sig(); err != nil || s == want {
			t.Errorf("another %s signs the same (%s, %v)", name, s, err)
		}
	}
}

// TestSignVerifiesWithReferenceLibrary signs random messages with new secrets and has the
// specification's own Go library (a test-only dependency, pinned in go.mod) verify every one,
// headers and all, and refuse a tampered one.
func TestSignVerifiesWithReferenceLibrary(t *testing.T) {
	for i := range 50 {
		secret, err := NewSecret()
		if err != nil {
			t.Fatal(err)
		}
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
		if err != nil || len(key) < 24 || len(key) > 64 {
			t.Fatalf("secret %s: %d bytes (%v); the specification asks for 24 to 64", secret, len(key), err)
		}
		body := make([]byte, 1+i*37)
		rand.Read(body)
		body = []byte(fmt.Sprintf(`{"n":%d,"x":%q}`, i, base64.StdEncoding.EncodeToString(body)))
		h := http.Header{}
		if err := setHeaders(h, secret, fmt.Sprintf("msg_%d_%d", i, i+1), time.Now(), body); err != nil {
			t.Fatal(err)
		}
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Verify(body, h); err != nil {
			t.Fatalf("message %d: the reference library refuses our signature: %v", i, err)
		}
		body[len(body)-2] ^= 1
		if err := wh.Verify(body, h); err == nil {
			t.Fatalf("message %d: a tampered body verifies", i)
		}
	}
	if _, err := Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg.1", time.Now(), nil); err == nil {
		t.Error("an id with a full stop was signed")
	}
}
