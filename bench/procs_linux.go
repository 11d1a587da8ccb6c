package main

import (
	"os/exec"
	"syscall"
)

// killWithParent has the kernel kill cmd if the benchmark itself dies without cleaning up (kill -9,
// a crash), so that no server is left holding a port or the database.
func killWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
