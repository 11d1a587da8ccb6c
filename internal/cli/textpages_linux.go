package cli

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// smallTextPages maps the executable's own code and read-only data in small pages, and lets go
// of the pages the server has not touched since it started (issue 30).
//
// On Linux with large page-cache folios, the kernel maps a read-only file mapping in 2 MB pages
// (FilePmdMapped in /proc/PID/smaps_rollup): the 68 MB binary's text and rodata were 42 MB of
// the server's resident memory at start, most of it never executed or read, and about half of
// its peak RSS under load at 100,000 tactics (bench/results.md). MADV_NOHUGEPAGE asks for small
// pages from now on; MADV_DONTNEED drops the current mappings of those clean, file-backed pages,
// which fault back in, from the page cache, as the code runs. Nothing is lost either way: the
// pages stay in the page cache and the code in the file. Failure only leaves RSS as it was.
func smallTextPages() {
	self, err := os.Executable()
	if err != nil {
		return
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return
	}
	defer f.Close()
	// A mapping qualifies if it is the executable's, read-only, and holds no page of its own (the
	// smaps field Anonymous is 0): the loader's relocated pages (RELRO) are private copies that
	// the file does not hold, and dropping them would lose the relocations.
	type span struct {
		start, end uintptr
		ok         bool
	}
	var spans []span
	var cur *span
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && len(fields[1]) == 4 {
			// 00403000-014fa000 r-xp 00003000 fe:00 9978207   /path/to/chainkb
			cur = nil
			if len(fields) < 6 || fields[5] != self || strings.Contains(fields[1], "w") {
				continue
			}
			lo, hi, _ := strings.Cut(fields[0], "-")
			start, err1 := strconv.ParseUint(lo, 16, 64)
			end, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 != nil || err2 != nil || end <= start {
				continue
			}
			spans = append(spans, span{start: uintptr(start), end: uintptr(end), ok: true})
			cur = &spans[len(spans)-1]
			continue
		}
		if cur != nil && len(fields) >= 2 && fields[0] == "Anonymous:" && fields[1] != "0" {
			cur.ok = false
		}
	}
	if sc.Err() != nil {
		return
	}
	for _, s := range spans {
		if !s.ok {
			continue
		}
		_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, s.start, s.end-s.start, syscall.MADV_NOHUGEPAGE)
		_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, s.start, s.end-s.start, syscall.MADV_DONTNEED)
	}
}
