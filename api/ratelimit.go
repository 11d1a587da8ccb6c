package api

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"chainkb/handlers"
	"chainkb/models"
)

// limiter keeps a token bucket (golang.org/x/time/rate) per client, in a map of bounded size.
//
// A client is a valid API key, or else an IP address as c.ClientIP() tells it: the peer, or the
// address a trusted proxy forwarded. IPv6 clients are counted by /64 network, since a single host
// usually has a whole /64 to pick addresses from.
type limiter struct {
	limits RateLimits

	mu        sync.Mutex
	clients   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
	// refill is how long an idle bucket takes to fill up again. A bucket idle that long is the same
	// as a new one, so forgetting it loses nothing.
	refill time.Duration
}

// newLimiter returns a limiter for l, or nil if l limits nothing.
func newLimiter(l RateLimits) *limiter {
	l.Anonymous, l.Key = normalizeLimit(l.Anonymous), normalizeLimit(l.Key)
	if l.Anonymous.PerSecond <= 0 && l.Key.PerSecond <= 0 {
		return nil
	}
	if l.MaxClients <= 0 {
		l.MaxClients = DefaultMaxClients
	}
	return &limiter{limits: l, clients: map[string]*bucket{}}
}

// normalizeLimit gives a limit a burst of at least one request (or one second's worth), without
// which a token bucket would refuse everything.
func normalizeLimit(l RateLimit) RateLimit {
	if l.PerSecond > 0 && l.Burst < 1 {
		l.Burst = max(1, int(math.Ceil(l.PerSecond)))
	}
	return l
}

// byIP limits requests without a key per client IP address, at the anonymous rate. A request with
// a key goes on to authentication, and from there to byKey; but if the address has recently sent
// too many keys that were not valid, it is refused before the key is even looked up: guessing keys
// is no faster than anonymous traffic. It runs before authenticate. Routes flagged unlimited in the
// table (the probes) are never limited.
func (l *limiter) byIP(table routeTable) gin.HandlerFunc {
	return func(c *gin.Context) {
		anon := l.limits.Anonymous
		if anon.PerSecond <= 0 || table.of(c).flags&unlimited != 0 {
			c.Next()
			return
		}
		ip := clientNetwork(c.ClientIP())
		now := time.Now()
		if c.GetHeader("Authorization") == "" {
			if l.take(c, "ip "+ip, anon, now) {
				c.Next()
			}
			return
		}
		if fails := l.peek("bad-key " + ip); fails != nil && fails.TokensAt(now) < 1 {
			l.refuse(c, fails, anon, now, "too many requests with keys that are not valid came from your address")
			return
		}
		c.Next()
		if len(c.Errors) > 0 && models.IsKind(c.Errors.Last().Err, models.KindUnauthorized) {
			// With an Authorization header, 401 means the key is not valid.
			l.bucket("bad-key "+ip, anon, time.Now()).Allow()
		}
	}
}

// byKey limits requests with a valid key per key, at the key rate. It runs after authenticate.
func (l *limiter) byKey(table routeTable) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := models.PrincipalFrom(c.Request.Context())
		if l.limits.Key.PerSecond <= 0 || p.KeyID == 0 || table.of(c).flags&unlimited != 0 {
			c.Next()
			return
		}
		if l.take(c, "key "+strconv.FormatInt(p.KeyID, 10), l.limits.Key, time.Now()) {
			c.Next()
		}
	}
}

// take spends one token of the client's bucket, or answers 429. Either way the response says how
// much is left, in the RateLimit-* fields of the IETF httpapi rate-limit headers draft (the
// Limit/Remaining/Reset form that clients widely read).
func (l *limiter) take(c *gin.Context, client string, rl RateLimit, now time.Time) bool {
	lim := l.bucket(client, rl, now)
	ok := lim.AllowN(now, 1)
	tokens := lim.TokensAt(now)
	c.Header("RateLimit-Limit", strconv.Itoa(rl.Burst))
	c.Header("RateLimit-Remaining", strconv.Itoa(max(0, int(tokens))))
	c.Header("RateLimit-Reset", strconv.Itoa(secondsUntil(float64(rl.Burst)-tokens, rl.PerSecond)))
	if !ok {
		l.refuse(c, lim, rl, now, "too many requests")
	}
	return ok
}

// refuse answers 429 with Retry-After: the whole seconds until the bucket holds a token again.
func (l *limiter) refuse(c *gin.Context, lim *rate.Limiter, rl RateLimit, now time.Time, why string) {
	wait := max(1, secondsUntil(1-lim.TokensAt(now), rl.PerSecond))
	c.Header("Retry-After", strconv.Itoa(wait))
	detail := fmt.Sprintf("%s: this client may send %g requests per second on average, in bursts of up to %d; retry after %d s", why, rl.PerSecond, rl.Burst, wait)
	if models.PrincipalFrom(c.Request.Context()).KeyID == 0 && rl == l.limits.Anonymous && l.limits.Key.PerSecond > rl.PerSecond {
		detail += "; requests with an API key have a higher limit"
	}
	_ = c.Error(&handlers.Problem{Status: http.StatusTooManyRequests, Code: "rate_limited", Detail: detail})
	c.Abort()
}

// secondsUntil is how many whole seconds it takes to gain tokens at perSecond.
func secondsUntil(tokens, perSecond float64) int {
	if tokens <= 0 {
		return 0
	}
	return int(math.Ceil(tokens / perSecond))
}

// bucket returns the client's bucket, making one with limit rl if the client is new.
func (l *limiter) bucket(client string, rl RateLimit, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.clients[client]; ok {
		b.seen = now
		return b.lim
	}
	if len(l.clients) >= l.limits.MaxClients {
		l.makeRoom(now)
	}
	b := &bucket{
		lim:    rate.NewLimiter(rate.Limit(rl.PerSecond), rl.Burst),
		seen:   now,
		refill: time.Duration(float64(rl.Burst) / rl.PerSecond * float64(time.Second)),
	}
	l.clients[client] = b
	return b.lim
}

// peek returns the client's bucket if there is one.
func (l *limiter) peek(client string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.clients[client]; ok {
		return b.lim
	}
	return nil
}

// makeRoom brings the map under its bound. First it forgets the clients whose buckets have filled
// up again, which loses nothing (at most once a second, since that walks the whole map). If that is
// not enough, because more clients than the bound are busy at once, it forgets clients at random,
// which gives each a fresh bucket: the price of bounded memory under such a flood.
func (l *limiter) makeRoom(now time.Time) {
	if now.Sub(l.lastSweep) >= time.Second {
		l.lastSweep = now
		for id, b := range l.clients {
			if now.Sub(b.seen) >= b.refill {
				delete(l.clients, id)
			}
		}
	}
	for id := range l.clients {
		if len(l.clients) < l.limits.MaxClients {
			break
		}
		delete(l.clients, id)
	}
}

// size is how many clients the limiter remembers.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// clientNetwork is the unit a client IP is limited by: the address itself for IPv4, its /64 for
// IPv6.
func clientNetwork(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return a.String()
}
