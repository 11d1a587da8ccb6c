//go:build !linux

package main

import "os/exec"

// killWithParent is a no-op where the kernel has no parent-death signal; the supervisor still
// stops every server on a normal exit, an error or Ctrl-C.
func killWithParent(*exec.Cmd) {}
