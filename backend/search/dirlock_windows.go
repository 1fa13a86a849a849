//go:build windows

package search

import (
	"errors"
	"fmt"
	"syscall"
)

// lockDir takes an exclusive lock on path (created if missing), released by
// the returned function or when the process ends: the file is opened with
// no sharing, so a second open fails with a sharing violation.
func lockDir(path string) (func() error, error) {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return nil, fmt.Errorf("lock file name %s: %w", path, err)
	}
	h, err := syscall.CreateFile(p, syscall.GENERIC_READ|syscall.GENERIC_WRITE, 0, nil,
		syscall.OPEN_ALWAYS, syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		const errorSharingViolation syscall.Errno = 32
		if errors.Is(err, errorSharingViolation) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	return func() error { return syscall.CloseHandle(h) }, nil
}
