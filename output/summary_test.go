package output

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// cxxSort sorts, whatever the input (heapsort past the depth limit too).
func TestCxxSortSorts(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 2, 15, 16, 17, 100, 1000, 5000} {
		for _, spread := range []int{1, 3, 1 << 30} {
			a := make([]int, n)
			for i := range a {
				a[i] = r.Intn(spread)
			}
			// An adversarial shape for median-of-three as well.
			if spread == 3 && n > 100 {
				for i := range a {
					a[i] = i % 7
				}
			}
			cxxSort(a, func(x, y *int) bool { return *x > *y })
			if !slices.IsSortedFunc(a, func(x, y int) int { return y - x }) {
				t.Errorf("n=%d spread=%d: not sorted", n, spread)
			}
		}
	}
	// The depth-limited path directly.
	a := []int{5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3}
	heapSort(a, func(x, y *int) bool { return *x < *y })
	if !slices.IsSorted(a) {
		t.Errorf("heapSort: %v", a)
	}
}

// Syscall names of generic events are cut to 16 columns, as sysdig
// prints them.
func TestSummaryNameWidth(t *testing.T) {
	s := NewSummary()
	id := -1
	for i := 0; i < scap.NumSyscalls029; i++ {
		if scap.SyscallName029(uint16(i)) == "rt_tgsigqueueinfo" {
			id = i
		}
	}
	if id < 0 {
		t.Fatal("no rt_tgsigqueueinfo code")
	}
	var b scap.Builder
	var raw scap.Event
	var ev state.Event
	eng := state.NewEngine()
	for i := 0; i < 3; i++ {
		b.Begin(uint64(1e9+i), 7, scap.PPME_GENERIC_E)
		b.U16(uint16(id))
		b.U16(129)
		if err := raw.SetRaw(b.Finish(), 0, 0); err != nil {
			t.Fatal(err)
		}
		eng.Process(&raw, &ev)
		s.Add(&ev)
	}
	var out strings.Builder
	s.Print(&out)
	if !strings.Contains(out.String(), "\n> rt_tgsigqueueinf3\n") {
		t.Errorf("summary:\n%s", out.String())
	}
}
