package state

import (
	"math/rand"
	"slices"
	"testing"
)

// An fd table lists its fds in the order of a libstdc++ unordered_map
// after the same adds and removes (replacing an fd keeps its place), and
// a clone lists them in the same order.
func TestFDTableOrder(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	ft := &FDTable{}
	// The order of std::unordered_map<int64_t,...> after inserting
	// 0..7, 15, 17, 28, 30, 33, 35, 36, 37 (libstdc++, GCC 12).
	for _, n := range []int64{0, 1, 2, 3, 4, 5, 6, 7, 15, 17, 28, 30, 33, 35, 36, 37} {
		ft.Add(n, &FD{})
	}
	want := []int64{37, 0, 2, 15, 28, 3, 17, 1, 30, 5, 35, 6, 36, 7, 4, 33}
	if got := fdOrder(ft); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	ft.Add(15, &FD{Name: "again"})
	if got := fdOrder(ft); !slices.Equal(got, want) {
		t.Fatalf("replacing moved the fd: %v", got)
	}
	for i := 0; i < 2000; i++ {
		n := r.Int63n(150)
		if r.Intn(3) == 0 {
			ft.Remove(n)
		} else {
			ft.Add(n, &FD{})
		}
	}
	got := fdOrder(ft)
	if len(got) != ft.Len() {
		t.Fatalf("%d fds in order, %d in table", len(got), ft.Len())
	}
	for _, n := range got {
		if ft.Get(n) == nil {
			t.Fatalf("fd %d listed but absent", n)
		}
	}
	c := ft.clone()
	if cg := fdOrder(c); !slices.Equal(cg, got) {
		t.Fatalf("clone order %v, want %v", cg, got)
	}
	c.Add(1000, &FD{})
	if slices.Contains(fdOrder(ft), 1000) {
		t.Fatal("the clone shares its order with the original")
	}
}

func fdOrder(ft *FDTable) []int64 {
	var o []int64
	ft.EachInOrder(func(f *FD) bool {
		o = append(o, f.Num)
		return true
	})
	return o
}
