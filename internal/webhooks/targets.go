package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"code.dny.dev/ssrf"
)

// ErrRefused marks an attempt that chainkb did not make because its target is not an address it
// may connect to (a private, loopback, link-local or other special-purpose address that the
// operator has not allowed).
var ErrRefused = errors.New("refused")

// Resolver looks a host name up; *net.Resolver is one. Tests give another, to make a name's
// answers change between the check of a URL and its delivery.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Targets is the network policy of deliveries, against server-side request forgery: only public
// addresses, and those the operator allows. It is checked where it cannot be dodged: on the
// address each connection is about to be made to (net.Dialer's Control), after every DNS answer
// and for every connection, so that a name whose answers change (DNS rebinding) and a URL given
// as an IP address are caught alike. Redirects are never followed (worker.go).
type Targets struct {
	guard    *ssrf.Guardian
	resolver Resolver
	dialer   *net.Dialer
}

// NewTargets returns the policy that refuses every special-purpose address (IANA's registries:
// private, loopback, link-local, shared, documentation, multicast...) except those in allowed.
// A nil resolver is the system's.
func NewTargets(allowed []netip.Prefix, resolver Resolver) *Targets {
	var v4, v6 []netip.Prefix
	for _, p := range allowed {
		if p.Addr().Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	t := &Targets{guard: ssrf.New(ssrf.WithAnyPort(), ssrf.WithAllowedV4Prefixes(v4...), ssrf.WithAllowedV6Prefixes(v6...)), resolver: resolver}
	t.dialer = &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: t.guard.Safe}
	return t
}

// ParseAllowedCIDRs reads the operator's comma-separated list of CIDR networks (or single
// addresses) that deliveries may reach although they are not public, e.g. "127.0.0.0/8,10.1.0.0/16".
func ParseAllowedCIDRs(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		return nil, fmt.Errorf("%q is neither a CIDR network (10.1.0.0/16) nor an IP address", part)
	}
	return out, nil
}

// CheckAddr says whether deliveries may connect to ip: nil, or an error wrapping ErrRefused.
func (t *Targets) CheckAddr(ip netip.Addr) error {
	if err := t.guard.SafeAddr(ip.Unmap()); err != nil {
		return refusal(ip.Unmap())
	}
	return nil
}

func refusal(ip netip.Addr) error {
	return fmt.Errorf("%w: %s is not a public address, and the operator does not allow it (-webhook-allow-cidrs)", ErrRefused, ip)
}

// CheckURL is the early check of a subscription's URL, for a 422 a person can act on: an IP
// address must be allowed, and a host name must have at least one allowed address. A name that
// does not resolve now is accepted: it may later, and every delivery is checked again when it
// connects.
func (t *Targets) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return t.CheckAddr(ip)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := t.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return nil
	}
	var first error
	for _, a := range addrs {
		err := t.CheckAddr(a)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return fmt.Errorf("%s resolves to %w", host, first)
}

// DialContext connects to addr (host:port) for a delivery: it resolves the host, drops the
// answers the policy refuses, and dials the others in turn, each through a dialer whose Control
// checks the address once more just before the connection is made.
func (t *Targets) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("webhooks: bad port in %q", addr)
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else if addrs, err = t.resolver.LookupNetIP(ctx, "ip", host); err != nil {
		return nil, err
	}
	var errs []error
	for _, ip := range addrs {
		ip = ip.Unmap()
		if err := t.CheckAddr(ip); err != nil {
			errs = append(errs, err)
			continue
		}
		conn, err := t.dialer.DialContext(ctx, network, netip.AddrPortFrom(ip, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		if errors.Is(err, ssrf.ErrProhibitedIP) || errors.Is(err, ssrf.ErrProhibitedPort) || errors.Is(err, ssrf.ErrProhibitedNetwork) {
			err = fmt.Errorf("%w: %v", ErrRefused, err)
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("webhooks: %s has no address", host)
	}
	return nil, errors.Join(errs...)
}
