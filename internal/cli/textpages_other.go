//go:build !linux

package cli

// smallTextPages does nothing outside Linux (see textpages_linux.go).
func smallTextPages() {}
