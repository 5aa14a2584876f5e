package main

import (
	"os"
	"syscall"
)

// childAttr makes the kernel kill the provider if the wrapper is killed (go-plugin's hard kill), so that no
// provider outlives Terraform.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// maxRSSKiB is the child's peak resident set size; Linux reports ru_maxrss in KiB.
func maxRSSKiB(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
