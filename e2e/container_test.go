package e2e

// The container's files, checked here rather than in the service module's tests: BuildKit's
// Dockerfile parser and its dependencies (gogo/protobuf, containerd's typeurl) stay out of the
// service's go.mod and out of the README's test command. No Docker engine runs where these tests
// run, so they check what can be checked without one: the Dockerfile parses with BuildKit's own
// parser, everything it copies exists and is in the build context, it builds the binary with the
// command goBuildCommand spells out, and compose.yaml runs two instances on one PostgreSQL with
// health checks.

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	"gopkg.in/yaml.v3"

	"chainkb/internal/cli"
)

// goBuildCommand is how the image's build stage builds chainkb (with CGO_ENABLED=1): the
// README's build with the image's own flags. TestDockerfile checks that the Dockerfile runs exactly
// this.
var goBuildCommand = []string{"go", "build", "-tags", "sqlite_fts5", "-trimpath", "-ldflags=-s -w", "-o", goBuildOutput, "."}

// goBuildOutput is where goBuildCommand writes the binary in the image's build stage.
const goBuildOutput = "/out/chainkb"

// moduleRoot is the service module's root, from this package's directory (where go test runs its
// tests): the Dockerfile, .dockerignore, compose.yaml and the README are there.
const moduleRoot = ".."

// instruction is one line of a Dockerfile, as BuildKit parses it.
type instruction struct {
	cmd   string   // lower case: "from", "run", ...
	flags []string // "--from=build", ...
	args  []string
	json  bool // exec form: ["a", "b"]
	line  int
}

// stage is one FROM and what follows it.
type stage struct {
	image, name string
	lines       []instruction
}

func (s stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.lines {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

func parseDockerfile(t *testing.T) []stage {
	t.Helper()
	f, err := os.Open("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("Dockerfile does not parse: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("Dockerfile: %s", w.Short)
	}
	var stages []stage
	for _, n := range res.AST.Children {
		in := instruction{cmd: strings.ToLower(n.Value), flags: n.Flags, json: n.Attributes["json"], line: n.StartLine}
		for a := n.Next; a != nil; a = a.Next {
			in.args = append(in.args, a.Value)
		}
		if in.cmd == "from" {
			s := stage{image: in.args[0]}
			if len(in.args) == 3 && strings.EqualFold(in.args[1], "as") {
				s.name = in.args[2]
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("Dockerfile line %d: %s before FROM", in.line, in.cmd)
		}
		stages[len(stages)-1].lines = append(stages[len(stages)-1].lines, in)
	}
	return stages
}

// dockerignore is the build context's exclusion rules, read as Docker reads them.
func dockerignore(t *testing.T) *patternmatcher.PatternMatcher {
	t.Helper()
	f, err := os.Open(".dockerignore")
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}
	return pm
}

func inContext(t *testing.T, pm *patternmatcher.PatternMatcher, path string) bool {
	t.Helper()
	excluded, err := pm.MatchesOrParentMatches(filepath.ToSlash(filepath.Clean(path)))
	if err != nil {
		t.Fatal(err)
	}
	return !excluded
}

// env reads the ENV instructions of a stage ("ENV K=V K2=V2" parses as K, V, "=", K2, V2, "=").
func (s stage) env() map[string]string {
	m := map[string]string{}
	for _, in := range s.all("env") {
		for i := 0; i+1 < len(in.args); i += 3 {
			m[in.args[i]] = in.args[i+1]
		}
	}
	return m
}

func flagValue(flags []string, name string) (string, bool) {
	for _, f := range flags {
		if v, ok := strings.CutPrefix(f, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

func TestDockerfile(t *testing.T) {
	t.Chdir(moduleRoot) // the build context
	stages := parseDockerfile(t)
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages; want a build stage and a runtime stage", len(stages))
	}
	build, runtime := stages[0], stages[len(stages)-1]

	// The build stage: Go with a C compiler (the -bookworm images have gcc), cgo on, and exactly
	// the tests' build command.
	if !strings.HasPrefix(build.image, "golang:") || !strings.Contains(build.image, "bookworm") {
		t.Errorf("build stage FROM %s; want a golang:*-bookworm image (gcc and glibc for cgo)", build.image)
	}
	if build.env()["CGO_ENABLED"] != "1" {
		t.Error("the build stage does not set CGO_ENABLED=1; SQLite needs cgo")
	}
	var builds []instruction
	for _, in := range build.all("run") {
		if slices.Contains(in.args, "build") || strings.Contains(strings.Join(in.args, " "), "go build") {
			builds = append(builds, in)
		}
	}
	if len(builds) != 1 {
		t.Fatalf("the build stage has %d RUN lines that run go build; want 1", len(builds))
	}
	if !builds[0].json || !slices.Equal(builds[0].args, goBuildCommand) {
		t.Errorf("Dockerfile line %d builds with %q (exec form: %v); want exactly the tests' goBuildCommand %q, in exec form",
			builds[0].line, builds[0].args, builds[0].json, goBuildCommand)
	}
	// BuildKit keeps the module and build caches between builds.
	for _, target := range []string{"/go/pkg/mod", "/root/.cache/go-build"} {
		if !slices.Contains(builds[0].flags, "--mount=type=cache,target="+target) {
			t.Errorf("Dockerfile line %d: go build without a cache mount for %s (flags %q)", builds[0].line, target, builds[0].flags)
		}
	}

	// Every COPY from the build context names files that exist and that .dockerignore lets in.
	pm := dockerignore(t)
	for _, s := range stages {
		for _, in := range s.all("copy") {
			if _, ok := flagValue(in.flags, "from"); ok {
				continue
			}
			for _, src := range in.args[:len(in.args)-1] {
				if _, err := os.Stat(src); err != nil {
					t.Errorf("Dockerfile line %d copies %s: %v", in.line, src, err)
				}
				if src != "." && !inContext(t, pm, src) {
					t.Errorf("Dockerfile line %d copies %s, which .dockerignore leaves out", in.line, src)
				}
			}
		}
		if len(s.all("add")) > 0 {
			t.Errorf("stage %s uses ADD; COPY says what it does", s.image)
		}
	}
	// ...and every file the build reads is in the context: the Go, C and embedded files of each
	// package of this module that the binary links, with go.mod and go.sum.
	for _, f := range append(moduleBuildFiles(t), "go.mod", "go.sum") {
		if !inContext(t, pm, f) {
			t.Errorf(".dockerignore leaves out %s, which the build needs", f)
		}
	}
	for _, f := range []string{"chainkb.db", ".git", "bench/main.go", "internal/cli/cli_test.go"} {
		if inContext(t, pm, f) {
			t.Errorf(".dockerignore lets %s into the build context", f)
		}
	}

	// The runtime stage: glibc (cgo), the binary from the build stage, not root.
	if !strings.Contains(runtime.image, "distroless/base") && !strings.Contains(runtime.image, "debian") {
		t.Errorf("runtime stage FROM %s; want distroless/base or debian (glibc, for the cgo binary)", runtime.image)
	}
	binary := ""
	for _, in := range runtime.all("copy") {
		from, ok := flagValue(in.flags, "from")
		if !ok {
			continue
		}
		if from != build.name {
			t.Errorf("Dockerfile line %d copies from %q, not from the build stage %q", in.line, from, build.name)
		}
		for _, src := range in.args[:len(in.args)-1] {
			made := src == goBuildOutput
			for _, run := range build.all("run") {
				made = made || strings.Contains(strings.Join(run.args, " "), src)
			}
			if !made {
				t.Errorf("Dockerfile line %d copies %s, which the build stage does not make", in.line, src)
			}
			if src == goBuildOutput {
				binary = in.args[len(in.args)-1]
			}
		}
	}
	if binary == "" {
		t.Fatalf("the runtime stage does not copy %s from the build stage", goBuildOutput)
	}
	users := runtime.all("user")
	if len(users) == 0 {
		t.Error("the runtime stage has no USER: chainkb would run as root")
	} else if u := strings.Split(users[len(users)-1].args[0], ":")[0]; u == "root" || u == "0" {
		t.Errorf("USER %s: want a user that is not root", u)
	}
	if ep := runtime.all("entrypoint"); len(ep) != 1 || !ep[0].json || !slices.Equal(ep[0].args, []string{binary}) {
		t.Errorf("ENTRYPOINT = %v; want [%q] in exec form, so that signals reach chainkb", ep, binary)
	}

	// No VOLUME: it would leave an anonymous volume behind each container that does not mount one
	// (compose's instances use PostgreSQL); the README says to mount a named volume on the data
	// directory. That directory is made by the build stage and owned by the user chainkb runs as,
	// so that a new named volume, which starts as a copy of it, is writable.
	env := runtime.env()
	if v := runtime.all("volume"); len(v) > 0 {
		t.Errorf("Dockerfile line %d: VOLUME makes an anonymous volume per container; document the mount instead", v[0].line)
	}
	db := env["CHAINKB_DB"]
	dataDir := filepath.Dir(db)
	user := ""
	if len(users) > 0 {
		user = users[len(users)-1].args[0]
	}
	owned := false
	for _, in := range runtime.all("copy") {
		if chown, ok := flagValue(in.flags, "chown"); ok && in.args[len(in.args)-1] == dataDir && chown == user {
			owned = true
		}
	}
	if !owned {
		t.Errorf("CHAINKB_DB=%q: the runtime stage does not make its directory %s owned by USER %s", db, dataDir, user)
	}
	// The health check follows the server's address (-addr or CHAINKB_ADDR) through the file the
	// server writes it to.
	if env["CHAINKB_ADDR_FILE"] == "" || !strings.HasPrefix(env["CHAINKB_ADDR_FILE"], "/tmp/") {
		t.Errorf("CHAINKB_ADDR_FILE=%q; want a file in /tmp, where the server writes its address for the health check", env["CHAINKB_ADDR_FILE"])
	}
	exposed := runtime.all("expose")
	if len(exposed) != 1 || !strings.HasSuffix(env["CHAINKB_ADDR"], ":"+exposed[0].args[0]) {
		t.Errorf("EXPOSE %v and CHAINKB_ADDR=%q; want the port chainkb listens on exposed", exposed, env["CHAINKB_ADDR"])
	}
	hc := runtime.all("healthcheck")
	if len(hc) != 1 || !hc[0].json || !slices.Equal(hc[0].args, []string{"CMD", binary, "healthcheck"}) {
		t.Errorf("HEALTHCHECK = %v; want CMD [%q, \"healthcheck\"]", hc, binary)
	}
	checkSettings(t, "Dockerfile", env)
}

// moduleBuildFiles lists, relative to the module root, the files go build reads from this module
// to build the binary.
func moduleBuildFiles(t *testing.T) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			Dir                                       string
			Module                                    *struct{ Path string }
			GoFiles, CgoFiles, CFiles, HFiles, SFiles []string
			EmbedFiles                                []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || p.Module.Path != "chainkb" {
			continue
		}
		rel, err := filepath.Rel(root, p.Dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, list := range [][]string{p.GoFiles, p.CgoFiles, p.CFiles, p.HFiles, p.SFiles, p.EmbedFiles} {
			for _, f := range list {
				files = append(files, filepath.Join(rel, f))
			}
		}
	}
	if len(files) < 10 {
		t.Fatalf("go list found only %d files to build", len(files))
	}
	return files
}

// checkSettings fails for a CHAINKB_ variable that chainkb does not know: one that "chainkb -h"
// does not list.
func checkSettings(t *testing.T, where string, env map[string]string) {
	t.Helper()
	help := chainkbHelp(t)
	for k := range env {
		if strings.HasPrefix(k, "CHAINKB_") && !strings.Contains(help, k) {
			t.Errorf("%s sets %s, which chainkb -h does not list", where, k)
		}
	}
}

// chainkbHelp is what "chainkb -h" prints: every flag, its environment variable and its default.
func chainkbHelp(t *testing.T) string {
	t.Helper()
	var help strings.Builder
	if code := cli.Run(context.Background(), []string{"-h"}, func(string) string { return "" }, &help, &help); code != 0 {
		t.Fatalf("chainkb -h: exit %d: %s", code, help.String())
	}
	return help.String()
}

// defaultShutdownGrace is -shutdown-timeout's default, as "chainkb -h" states it.
func defaultShutdownGrace(t *testing.T) time.Duration {
	t.Helper()
	m := regexp.MustCompile(`(?s)-shutdown-timeout duration\n[^\n]*\(default ([^)]+)\)`).FindStringSubmatch(chainkbHelp(t))
	if m == nil {
		t.Fatal(`"chainkb -h" states no default for -shutdown-timeout`)
	}
	d, err := time.ParseDuration(m[1])
	if err != nil {
		t.Fatalf("-shutdown-timeout's default %q: %v", m[1], err)
	}
	return d
}

// composeFile is the part of compose.yaml that the test reads.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		Volumes         []string `yaml:"volumes"`
		StopGracePeriod string   `yaml:"stop_grace_period"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

func TestCompose(t *testing.T) {
	t.Chdir(moduleRoot)
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	stages := parseDockerfile(t)
	runtime := stages[len(stages)-1]
	var binary, port string
	if ep := runtime.all("entrypoint"); len(ep) == 1 {
		binary = ep[0].args[0]
	}
	if ex := runtime.all("expose"); len(ex) == 1 {
		port = ex[0].args[0]
	}

	// One PostgreSQL, with a health check the instances wait for.
	var dbName string
	for name, s := range c.Services {
		if strings.HasPrefix(s.Image, "postgres:") {
			if dbName != "" {
				t.Errorf("two PostgreSQL services: %s and %s", dbName, name)
			}
			dbName = name
		}
	}
	if dbName == "" {
		t.Fatal("compose.yaml has no postgres service")
	}
	db := c.Services[dbName]
	if db.Image != "postgres:16" {
		t.Errorf("database image %s; want postgres:16", db.Image)
	}
	if len(db.Healthcheck.Test) == 0 {
		t.Errorf("service %s has no health check; the instances wait for it to be healthy", dbName)
	}
	for _, v := range db.Volumes {
		if name, _, _ := strings.Cut(v, ":"); c.Volumes == nil || !hasKey(c.Volumes, name) {
			t.Errorf("service %s mounts volume %q, which compose.yaml does not declare", dbName, name)
		}
	}

	// Two chainkb instances from this Dockerfile on that database, each on its own host port.
	hostPorts := map[string]string{}
	n := 0
	for name, s := range c.Services {
		if name == dbName {
			continue
		}
		n++
		if s.Build != "." {
			t.Errorf("service %s builds %v; want this directory's Dockerfile", name, s.Build)
		}
		u, err := url.Parse(s.Environment["CHAINKB_DB"])
		if err != nil || u.Scheme != "postgres" {
			t.Errorf("service %s: CHAINKB_DB=%q; want a postgres:// URL", name, s.Environment["CHAINKB_DB"])
			continue
		}
		pw, _ := u.User.Password()
		if u.Hostname() != dbName || u.Port() != "5432" || u.User.Username() != db.Environment["POSTGRES_USER"] ||
			pw != db.Environment["POSTGRES_PASSWORD"] || strings.TrimPrefix(u.Path, "/") != db.Environment["POSTGRES_DB"] {
			t.Errorf("service %s: CHAINKB_DB=%q does not name service %s's database, user and password", name, u.Redacted(), dbName)
		}
		if u.Query().Get("sslmode") != "disable" {
			t.Errorf("service %s: CHAINKB_DB without sslmode=disable; postgres:16 has no TLS set up here", name)
		}
		if s.DependsOn[dbName].Condition != "service_healthy" {
			t.Errorf("service %s does not wait for %s to be healthy", name, dbName)
		}
		if !slices.Equal(s.Healthcheck.Test, []string{"CMD", binary, "healthcheck"}) {
			t.Errorf("service %s: healthcheck %q; want [CMD %s healthcheck], as in the Dockerfile", name, s.Healthcheck.Test, binary)
		}
		if len(s.Ports) != 1 {
			t.Errorf("service %s publishes %v; want one port", name, s.Ports)
			continue
		}
		host, container, _ := strings.Cut(s.Ports[0], ":")
		if container != port {
			t.Errorf("service %s publishes %s; want the container's port %s", name, s.Ports[0], port)
		}
		if other, dup := hostPorts[host]; dup {
			t.Errorf("services %s and %s both publish host port %s", other, name, host)
		}
		hostPorts[host] = name
		if key := s.Environment["CHAINKB_ADMIN_KEY"]; key != "" && !strings.HasPrefix(key, "${") {
			t.Errorf("service %s: CHAINKB_ADMIN_KEY is written in compose.yaml; it must come from the environment", name)
		}
		checkSettings(t, "compose.yaml service "+name, s.Environment)
		// The stop waits longer than chainkb's shutdown grace, so that a stop is clean.
		grace := defaultShutdownGrace(t)
		if v := s.Environment["CHAINKB_SHUTDOWN_TIMEOUT"]; v != "" {
			if grace, err = time.ParseDuration(v); err != nil {
				t.Errorf("service %s: CHAINKB_SHUTDOWN_TIMEOUT=%q: %v", name, v, err)
			}
		}
		stop := 10 * time.Second // compose's default
		if s.StopGracePeriod != "" {
			if stop, err = time.ParseDuration(s.StopGracePeriod); err != nil {
				t.Errorf("service %s: stop_grace_period %q: %v", name, s.StopGracePeriod, err)
			}
		}
		if stop <= grace {
			t.Errorf("service %s: stop_grace_period %s is not above chainkb's shutdown grace %s: the stop would be a SIGKILL", name, stop, grace)
		}
		// Only named volumes: compose makes a new anonymous volume on every up and leaves it on down.
		for _, v := range s.Volumes {
			if vol, _, ok := strings.Cut(v, ":"); !ok || !hasKey(c.Volumes, vol) {
				t.Errorf("service %s mounts %q, which is not a named volume of compose.yaml", name, v)
			}
		}
	}
	for name, s := range c.Services {
		if name != dbName {
			continue
		}
		for _, v := range s.Volumes {
			if vol, _, ok := strings.Cut(v, ":"); !ok || !hasKey(c.Volumes, vol) {
				t.Errorf("service %s mounts %q, which is not a named volume of compose.yaml", name, v)
			}
		}
	}
	if !strings.Contains(string(raw), "down -v") {
		t.Error("compose.yaml does not warn that docker compose down -v deletes the database's volume")
	}
	if n != 2 {
		t.Errorf("compose.yaml runs %d chainkb instances; want 2", n)
	}
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

// TestDockerfileGoVersion checks that the build stage's Go is go.mod's go line, patch release
// included: an older image could not build the module, and a newer one builds a different binary
// from the one the tests build.
func TestDockerfileGoVersion(t *testing.T) {
	t.Chdir(moduleRoot)
	raw, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)\s*$`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	goVersion := string(m[1])
	build := parseDockerfile(t)[0]
	if want := "golang:" + goVersion + "-bookworm"; build.image != want {
		t.Errorf("build stage FROM %s; want %s (go.mod says go %s)", build.image, want, goVersion)
	}
	df, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	// BuildKit's built-in frontend reads RUN --mount; a syntax line would fetch another frontend.
	for _, line := range strings.Split(string(df), "\n") {
		if strings.HasPrefix(strings.ReplaceAll(strings.ToLower(line), " ", ""), "#syntax=") {
			t.Errorf("Dockerfile has a parser directive %q: the built-in frontend is enough", line)
		}
	}
}

// TestREADMEContainer checks that the README's Docker section tells a user what the image needs
// that no file here can enforce: BuildKit, Podman's docker format (or no HEALTHCHECK), a named
// volume on the data directory and its owner, a tmpfs for /tmp under --read-only, that down -v
// deletes the database, and the stop timeout against the shutdown grace.
func TestREADMEContainer(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	i := strings.Index(text, "### Docker")
	if i < 0 {
		t.Fatal("README.md has no Docker section")
	}
	section := text[i:]
	if j := strings.Index(section[4:], "\n## "); j >= 0 {
		section = section[:j+4]
	}
	stages := func() []stage { t.Chdir(moduleRoot); return parseDockerfile(t) }()
	user := ""
	if u := stages[len(stages)-1].all("user"); len(u) > 0 {
		user, _, _ = strings.Cut(u[len(u)-1].args[0], ":")
	}
	for _, want := range []string{
		"BuildKit", "podman build --format docker", "-v chainkb-data:/data", "uid " + user,
		"--read-only --tmpfs /tmp", "docker compose down -v", "--stop-timeout", "CHAINKB_ADDR_FILE",
		strings.TrimPrefix(stages[0].image, "golang:"),
	} {
		if !strings.Contains(section, want) {
			t.Errorf("the README's Docker section does not say %q", want)
		}
	}
}
