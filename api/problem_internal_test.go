package api

import (
	"testing"

	"chainkb/models"
)

// Every kind of domain error has its one status: a kind missing from statusOf would reach the
// client as a 500.
func TestStatusOfEveryKind(t *testing.T) {
	for _, k := range models.ErrorKinds {
		if _, ok := statusOf[k]; !ok {
			t.Errorf("error kind %d has no status", k)
		}
	}
	if len(statusOf) != len(models.ErrorKinds) {
		t.Errorf("statusOf has %d kinds, models.ErrorKinds %d", len(statusOf), len(models.ErrorKinds))
	}
}
