//go:build linux

package capture

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// TestMapLoadError checks that a program the verifier rejects is reported as
// such (with the log under -v), not as missing privileges: the verifier
// answers EACCES to root too.
func TestMapLoadError(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the verifier case is told apart only for root")
	}
	ve := &ebpf.VerifierError{Cause: unix.EACCES, Log: []string{"combined stack size of 3 calls is 544. Too large"}}
	err := mapLoadError("load BPF programs", fmt.Errorf("load program: %w", ve), false)
	if errors.Is(err, ErrPermission) || !strings.Contains(err.Error(), "verifier rejected") ||
		!strings.Contains(err.Error(), "trace -v") {
		t.Errorf("verifier rejection: %v", err)
	}
	err = mapLoadError("load BPF programs", fmt.Errorf("load program: %w", ve), true)
	if !strings.Contains(err.Error(), "combined stack size") {
		t.Errorf("verbose verifier rejection lacks the log: %v", err)
	}
	err = mapLoadError("create maps", fmt.Errorf("map create: %w", unix.EPERM), false)
	if !errors.Is(err, ErrPermission) || !strings.Contains(err.Error(), "use -r FILE") {
		t.Errorf("permission error: %v", err)
	}
}
