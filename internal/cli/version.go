package cli

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// buildInfo is what the Go toolchain stamped into the binary: the module's version ("(devel)"
// for a build from a checkout), and the VCS revision, its time and whether the tree had changes
// (absent when the build had no VCS information, as in the container, whose context has no .git).
type buildInfo struct {
	version, revision, time, goVersion string
	modified                           bool
}

func readBuildInfo() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return buildInfo{version: "unknown"}
	}
	b := buildInfo{version: bi.Main.Version, goVersion: bi.GoVersion}
	if b.version == "" {
		b.version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.time":
			b.time = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	return b
}

// version is the build's version in one word, for logs: the module version, with the short
// revision and "+modified" when known.
func version() string {
	b := readBuildInfo()
	v := b.version
	if b.revision != "" {
		v += "-" + b.revision[:min(12, len(b.revision))]
		if b.modified {
			v += "+modified"
		}
	}
	return v
}

// versionLine is what "chainkb --version" prints.
func versionLine() string { return formatVersion(readBuildInfo()) }

func formatVersion(b buildInfo) string {
	var s strings.Builder
	fmt.Fprintf(&s, "chainkb %s", b.version)
	if b.revision != "" {
		fmt.Fprintf(&s, " revision %s", b.revision)
		if b.time != "" {
			fmt.Fprintf(&s, " (%s)", b.time)
		}
		if b.modified {
			s.WriteString(" modified")
		}
	} else {
		s.WriteString(" (no VCS information: built outside a git checkout)")
	}
	if b.goVersion != "" {
		fmt.Fprintf(&s, " %s", b.goVersion)
	}
	return s.String()
}
