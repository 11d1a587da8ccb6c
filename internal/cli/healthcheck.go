package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// runHealthcheck is "chainkb healthcheck": it asks a running chainkb for /healthz and fails unless
// the answer is 200. It is the container's HEALTHCHECK, since the runtime image has no curl.
//
// Which address: -addr if given; else the address the server wrote to its address file
// (CHAINKB_ADDR_FILE, which the image sets), so that a server started with "-addr :9090" is
// checked on 9090 although the HEALTHCHECK line names no address; else CHAINKB_ADDR; else :8080.
func runHealthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chainkb healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "address chainkb listens on; the check connects to it on the loopback if no host is given (default: the address in CHAINKB_ADDR_FILE, else CHAINKB_ADDR, else :8080)")
	addrFile := fs.String("addr-file", getenv("CHAINKB_ADDR_FILE"), "file the server wrote its address to (env CHAINKB_ADDR_FILE)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil // the usage is printed
	} else if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: chainkb healthcheck [-addr HOST:PORT] [-addr-file FILE] [-timeout 3s]")
	}
	if *addr == "" {
		*addr = readAddrFile(*addrFile)
	}
	if *addr == "" {
		*addr = getenv("CHAINKB_ADDR")
	}
	if *addr == "" {
		*addr = ":8080"
	}
	url, err := healthURL(*addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	// Straight to the server: no proxy from the environment, no redirects.
	client := &http.Client{
		Transport:     &http.Transport{Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: GET %s: %s", url, res.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// healthURL is the /healthz URL of a server listening on addr: a listener on all interfaces
// (":8080", "0.0.0.0:8080", "[::]:8080") is reached on the loopback.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("healthcheck: address %q: %w", addr, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

// writeAddrFile writes the address the server listens on to path, for "chainkb healthcheck": so
// that the check follows -addr as well as CHAINKB_ADDR. It is written whole under a temporary
// name and renamed, so that the check never reads half of it.
func writeAddrFile(path, addr string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(addr+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readAddrFile is the address a server wrote with writeAddrFile, or "" if there is none.
func readAddrFile(path string) string {
	if path == "" {
		return ""
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(raw))
}
