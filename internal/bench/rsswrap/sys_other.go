//go:build !linux

package main

import (
	"os"
	"syscall"
)

func childAttr() *syscall.SysProcAttr { return nil }

// maxRSSKiB is unknown off Linux (ru_maxrss is in bytes on macOS, absent on Windows): the harness runs on Linux.
func maxRSSKiB(*os.ProcessState) int64 { return 0 }
