// Package luatab models, for integer keys, the table of LuaJIT 2.1 (the
// x86-64 build sysdig 0.29.3 runs chisels with) closely enough to give
// the order pairs/next visit its keys in, for a table made empty and
// filled by plain stores without deletions.
//
// A LuaJIT table has an array part, slots 0..asize-1, and a hash part of
// 2^k nodes. A number key is hashed from the bits of its double; a new
// key goes to its main node, or, when that is taken, to a free node
// searched downwards from the top, the key in the main node moving out
// when it is not there by its own hash. When no free node is left the
// table is rehashed: the array part is sized as the largest power of two
// (plus one) more than half used, the rest goes to a hash part sized to
// fit. Traversal visits the array part in index order, then the nodes in
// node order.
package luatab

import (
	"math"
	"math/bits"
)

const (
	maxABits = 28
	maxASize = 1<<(maxABits-1) + 1
	noNode   = -1
)

type node struct {
	key  float64
	used bool
	next int32
}

// Table holds the integer keys of one table.
type Table struct {
	arr     []bool
	nodes   []node // nil: no hash part
	freetop int
}

// New returns an empty table, as lua_newtable or {} makes.
func New() *Table { return &Table{} }

// hashNum is LuaJIT's hash of a number key (its x86 variant).
func hashNum(k float64) uint32 {
	b := math.Float64bits(k)
	lo, hi := uint32(b), uint32(b>>32)<<1
	lo ^= hi
	hi = bits.RotateLeft32(hi, 14)
	lo -= hi
	hi = bits.RotateLeft32(hi, 5)
	hi ^= lo
	hi -= bits.RotateLeft32(lo, 13)
	return hi
}

func (t *Table) mainPos(k float64) int { return int(hashNum(k) & uint32(len(t.nodes)-1)) }

// Set stores key k (lua_rawseti, or t[k] = v with a non-nil v).
func (t *Table) Set(k int32) {
	if uint32(k) < uint32(len(t.arr)) {
		t.arr[k] = true
		return
	}
	t.setHash(float64(k))
}

func (t *Table) setHash(k float64) {
	if len(t.nodes) > 0 {
		for n := t.mainPos(k); n != noNode; n = int(t.nodes[n].next) {
			if t.nodes[n].used && t.nodes[n].key == k {
				return
			}
		}
	}
	t.newKey(k)
}

// set is a store of a number key that is an integer (lj_tab_set).
func (t *Table) set(k float64) {
	if ik := int32(k); float64(ik) == k {
		t.Set(ik)
		return
	}
	t.setHash(k)
}

func (t *Table) newKey(k float64) {
	if len(t.nodes) == 0 {
		t.rehash(k)
		t.set(k)
		return
	}
	mp := t.mainPos(k)
	if t.nodes[mp].used {
		free := t.freetop
		for {
			if free == 0 {
				t.rehash(k)
				t.set(k)
				return
			}
			free--
			if !t.nodes[free].used {
				break
			}
		}
		t.freetop = free
		collide := t.mainPos(t.nodes[mp].key)
		if collide != mp {
			// The occupant is not at its main node: move it out.
			for int(t.nodes[collide].next) != mp {
				collide = int(t.nodes[collide].next)
			}
			t.nodes[collide].next = int32(free)
			t.nodes[free] = t.nodes[mp]
			t.nodes[mp] = node{next: noNode}
		} else {
			t.nodes[free].next = t.nodes[mp].next
			t.nodes[mp].next = int32(free)
			mp = free
		}
	}
	t.nodes[mp].key = k
	t.nodes[mp].used = true
}

// countInt counts an array-candidate key into bins.
func countInt(k float64, bins *[maxABits]uint32) uint32 {
	ik := int32(k)
	if uint32(ik) < maxASize && float64(ik) == k {
		if ik > 2 {
			bins[bits.Len32(uint32(ik-1))-1]++
		} else {
			bins[0]++
		}
		return 1
	}
	return 0
}

func (t *Table) rehash(ek float64) {
	var bins [maxABits]uint32
	var asize uint32
	// Array part.
	if n := uint32(len(t.arr)); n > 0 {
		i := uint32(0)
		for b := 0; b < maxABits; b++ {
			top := uint32(2) << b
			if top >= n {
				top = n - 1
				if i > top {
					break
				}
			}
			var c uint32
			for ; i <= top; i++ {
				if t.arr[i] {
					c++
				}
			}
			bins[b] += c
			asize += c
		}
	}
	total := 1 + asize
	// Hash part.
	for i := range t.nodes {
		if t.nodes[i].used {
			asize += countInt(t.nodes[i].key, &bins)
			total++
		}
	}
	asize += countInt(ek, &bins)
	// Best array size.
	var sum, na, sz uint32
	for b := 0; 2*asize > 1<<b && sum != asize; b++ {
		if bins[b] > 0 {
			sum += bins[b]
			if 2*sum > 1<<b {
				sz = 2<<b + 1
				na = sum
			}
		}
	}
	total -= na
	t.resize(int(sz), hbits(total))
}

func hbits(s uint32) int {
	switch s {
	case 0:
		return 0
	case 1:
		return 1
	}
	return bits.Len32(s - 1) // 1 + floor(log2(s-1))
}

func (t *Table) resize(asize, hb int) {
	old := t.nodes
	oldA := t.arr
	if asize > len(t.arr) {
		a := make([]bool, asize)
		copy(a, t.arr)
		t.arr = a
	}
	if hb > 0 {
		t.nodes = make([]node, 1<<hb)
		for i := range t.nodes {
			t.nodes[i].next = noNode
		}
		t.freetop = len(t.nodes)
	} else {
		t.nodes = nil
		t.freetop = 0
	}
	if asize < len(oldA) {
		t.arr = oldA[:asize:asize]
		for i := asize; i < len(oldA); i++ {
			if oldA[i] {
				t.setHash(float64(i))
			}
		}
	}
	for i := range old {
		if old[i].used {
			t.set(old[i].key)
		}
	}
}

// Keys appends the keys in traversal order to dst.
func (t *Table) Keys(dst []int32) []int32 {
	for i, ok := range t.arr {
		if ok {
			dst = append(dst, int32(i))
		}
	}
	for _, n := range t.nodes {
		if n.used {
			dst = append(dst, int32(n.key))
		}
	}
	return dst
}

// Order returns the order pairs visits keys in once a fresh table got
// them stored in the given order.
func Order(keys []int32) []int32 {
	t := New()
	for _, k := range keys {
		t.Set(k)
	}
	return t.Keys(make([]int32, 0, len(keys)))
}
