package webhooks

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

// TestTargetsRefuseSpecialAddresses checks the policy on addresses alone (no connection is made):
// private, loopback, link-local (cloud metadata), shared, multicast, unspecified and IPv6
// equivalents are refused, IPv4 written as IPv6 included; public addresses pass; an allowed
// network passes and its neighbours do not.
func TestTargetsRefuseSpecialAddresses(t *testing.T) {
	strict := NewTargets(nil, nil)
	for _, a := range []string{"127.0.0.1", "127.9.9.9", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
		"100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::7f00:1", "2001:db8::1"} {
		err := strict.CheckAddr(netip.MustParseAddr(a))
		if !errors.Is(err, ErrRefused) {
			t.Errorf("%s: %v, want refused", a, err)
		}
	}
	for _, a := range []string{"93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"} {
		if err := strict.CheckAddr(netip.MustParseAddr(a)); err != nil {
			t.Errorf("%s: %v, want allowed", a, err)
		}
	}
	allowed, err := ParseAllowedCIDRs("127.0.0.1, 10.1.0.0/16")
	if err != nil {
		t.Fatal(err)
	}
	loose := NewTargets(allowed, nil)
	for a, ok := range map[string]bool{"127.0.0.1": true, "127.0.0.2": false, "10.1.200.3": true, "10.2.0.1": false, "169.254.169.254": false} {
		if err := loose.CheckAddr(netip.MustParseAddr(a)); (err == nil) != ok {
			t.Errorf("allowing 127.0.0.1 and 10.1.0.0/16, %s: %v", a, err)
		}
	}
	if _, err := ParseAllowedCIDRs("10.0.0.0/8,nonsense"); err == nil {
		t.Error("a bad network was accepted")
	}
}

// fixedResolver answers every name with addrs.
type fixedResolver []netip.Addr

func (r fixedResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return r, nil
}

// TestTargetsCheckURL is the early check of a subscription's URL: an IP address is judged as it
// is; a name by its answers, refused only when none is allowed; and a dial to a name whose answers
// are all refused is refused before any connection.
func TestTargetsCheckURL(t *testing.T) {
	ctx := context.Background()
	private := NewTargets(nil, fixedResolver{netip.MustParseAddr("10.0.0.7")})
	for _, u := range []string{"http://10.0.0.7/hook", "http://[::1]:8080/", "http://169.254.169.254/latest/meta-data", "https://hooks.internal.example/x"} {
		if err := private.CheckURL(ctx, u); !errors.Is(err, ErrRefused) {
			t.Errorf("%s: %v, want refused", u, err)
		}
	}
	if _, err := private.DialContext(ctx, "tcp", "hooks.internal.example:80"); !errors.Is(err, ErrRefused) {
		t.Errorf("dial to a name resolving to 10.0.0.7: %v, want refused", err)
	}
	mixed := NewTargets(nil, fixedResolver{netip.MustParseAddr("10.0.0.7"), netip.MustParseAddr("93.184.216.34")})
	if err := mixed.CheckURL(ctx, "https://hooks.example.org/x"); err != nil {
		t.Errorf("a name with a public answer: %v", err)
	}
}
