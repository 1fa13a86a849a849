//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package store

import "os"

// On this platform there is no file lock: writers of one process still
// queue (writeLock.sem), and a second process waits only for SQLite's busy
// timeout.
func openLockFile(string) (*os.File, error) { return nil, nil }

func tryLockFile(*os.File) (bool, error) { return true, nil }

func unlockFile(*os.File) error { return nil }
