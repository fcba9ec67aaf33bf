// Package umaporder keeps the iteration order that a libstdc++ (GCC 12)
// std::unordered_map<int64_t, T> would have after the same history of
// insertions and erasures: sysdig walks its thread and fd tables in that
// order, and chisels that iterate what it builds from them see it.
//
// The model follows the container's documented layout: one singly linked
// list of nodes, headed by a sentinel, and an array of buckets, each
// pointing at the node before the bucket's first node. std::hash of an
// integer is the integer itself, so a key's bucket is its value modulo the
// bucket count. The prime rehash policy (maximum load factor 1) picks the
// bucket counts.
package umaporder

import "sort"

const none = -1

type node struct {
	key  int64
	next int32
}

// Order is the key order of one map. The zero value is an empty map, as a
// default-constructed unordered_map (one bucket, nothing allocated).
type Order struct {
	// nodes[0] is the sentinel: its next is the first node.
	nodes []node
	// bkts[b] is the node before bucket b's first node (0: the
	// sentinel), none when the bucket is empty. nil means the single
	// initial bucket, empty.
	bkts       []int32
	free       int32 // free node list, threaded through next (0: none)
	n          int
	nextResize uint64
}

func (o *Order) init() {
	if o.nodes == nil {
		o.nodes = make([]node, 1, 8)
		o.nodes[0].next = none
		o.free = 0
	}
}

func (o *Order) bucket(k int64) int { return int(uint64(k) % uint64(len(o.bkts))) }

// Len returns the number of keys.
func (o *Order) Len() int { return o.n }

// BucketCount returns the bucket count the map would report.
func (o *Order) BucketCount() int {
	if o.bkts == nil {
		return 1
	}
	return len(o.bkts)
}

// find returns the node holding k and its predecessor, or none.
func (o *Order) find(k int64) (prev, node int32) {
	if o.n == 0 {
		return none, none
	}
	b := o.bucket(k)
	p := o.bkts[b]
	if p == none {
		return none, none
	}
	for x := o.nodes[p].next; x != none; p, x = x, o.nodes[x].next {
		if o.nodes[x].key == k {
			return p, x
		}
		if nx := o.nodes[x].next; nx == none || o.bucket(o.nodes[nx].key) != b {
			break
		}
	}
	return none, none
}

// Has reports whether k is in the map.
func (o *Order) Has(k int64) bool {
	_, x := o.find(k)
	return x != none
}

// Insert adds k, as emplace does, and reports whether it was absent (a
// present key keeps its place).
func (o *Order) Insert(k int64) bool {
	if _, x := o.find(k); x != none {
		return false
	}
	o.init()
	// The first insertion always allocates buckets: the single initial
	// one is never materialized.
	if grow, nb := o.needRehash(uint64(o.BucketCount()), uint64(o.n), 1); grow {
		o.rehash(int(nb))
	}
	x := o.newNode(k)
	b := o.bucket(k)
	if p := o.bkts[b]; p != none {
		o.nodes[x].next = o.nodes[p].next
		o.nodes[p].next = x
	} else {
		o.nodes[x].next = o.nodes[0].next
		o.nodes[0].next = x
		if nx := o.nodes[x].next; nx != none {
			o.bkts[o.bucket(o.nodes[nx].key)] = x
		}
		o.bkts[b] = 0
	}
	o.n++
	return true
}

func (o *Order) newNode(k int64) int32 {
	if o.free != 0 {
		x := o.free
		o.free = o.nodes[x].next
		o.nodes[x].key = k
		return x
	}
	o.nodes = append(o.nodes, node{k, none})
	return int32(len(o.nodes) - 1)
}

// Erase removes k and reports whether it was there.
func (o *Order) Erase(k int64) bool {
	p, x := o.find(k)
	if x == none {
		return false
	}
	b := o.bucket(k)
	nx := o.nodes[x].next
	if p == o.bkts[b] {
		// x begins its bucket.
		nb := 0
		if nx != none {
			nb = o.bucket(o.nodes[nx].key)
		}
		if nx == none || nb != b {
			if nx != none {
				o.bkts[nb] = o.bkts[b]
			}
			o.bkts[b] = none
		}
	} else if nx != none {
		if nb := o.bucket(o.nodes[nx].key); nb != b {
			o.bkts[nb] = p
		}
	}
	o.nodes[p].next = nx
	o.nodes[x].next = o.free
	o.free = x
	o.n--
	return true
}

// Clear empties the map; like clear() it keeps the bucket count and the
// rehash threshold.
func (o *Order) Clear() {
	if o.nodes == nil {
		return
	}
	o.nodes = o.nodes[:1]
	o.nodes[0].next = none
	o.free = 0
	for i := range o.bkts {
		o.bkts[i] = none
	}
	o.n = 0
}

// Clone returns a copy, as the map's copy constructor and copy assignment
// make: same bucket count, same threshold, same order.
func (o *Order) Clone() Order {
	c := Order{n: o.n, nextResize: o.nextResize}
	if o.bkts != nil {
		c.bkts = make([]int32, len(o.bkts))
	}
	if o.nodes == nil {
		return c
	}
	c.nodes = make([]node, 1, o.n+1)
	c.nodes[0].next = none
	for i := range c.bkts {
		c.bkts[i] = none
	}
	prev := int32(0)
	for x := o.nodes[0].next; x != none; x = o.nodes[x].next {
		y := c.newNode(o.nodes[x].key)
		c.nodes[prev].next = y
		if b := c.bucket(o.nodes[x].key); c.bkts[b] == none {
			c.bkts[b] = prev
		}
		prev = y
	}
	c.nodes[prev].next = none
	return c
}

// Each calls fn for each key in iteration order until fn returns false.
func (o *Order) Each(fn func(k int64) bool) {
	if o.nodes == nil {
		return
	}
	for x := o.nodes[0].next; x != none; x = o.nodes[x].next {
		if !fn(o.nodes[x].key) {
			return
		}
	}
}

// Keys appends the keys in iteration order to dst.
func (o *Order) Keys(dst []int64) []int64 {
	o.Each(func(k int64) bool {
		dst = append(dst, k)
		return true
	})
	return dst
}

// rehash moves every node to a bucket array of n buckets, walking the
// list in order: a node whose bucket is new goes to the front of the
// list, the others right after their bucket's first node.
func (o *Order) rehash(n int) {
	nb := make([]int32, n)
	for i := range nb {
		nb[i] = none
	}
	x := o.nodes[0].next
	o.nodes[0].next = none
	bbegin := 0
	for x != none {
		nx := o.nodes[x].next
		b := int(uint64(o.nodes[x].key) % uint64(n))
		if nb[b] == none {
			o.nodes[x].next = o.nodes[0].next
			o.nodes[0].next = x
			nb[b] = 0
			if o.nodes[x].next != none {
				nb[bbegin] = x
			}
			bbegin = b
		} else {
			o.nodes[x].next = o.nodes[nb[b]].next
			o.nodes[nb[b]].next = x
		}
		x = nx
	}
	o.bkts = nb
}

// fastBuckets gives the bucket count for small requests.
var fastBuckets = [...]uint64{2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13}

// primes are the policy's bucket counts (the table continues past 2^32,
// beyond any table this models).
var primes = [...]uint64{
	2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31,
	37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79,
	83, 89, 97, 103, 109, 113, 127, 137, 139, 149,
	157, 167, 179, 193, 199, 211, 227, 241, 257,
	277, 293, 313, 337, 359, 383, 409, 439, 467,
	503, 541, 577, 619, 661, 709, 761, 823, 887,
	953, 1031, 1109, 1193, 1289, 1381, 1493, 1613,
	1741, 1879, 2029, 2179, 2357, 2549, 2753, 2971,
	3209, 3469, 3739, 4027, 4349, 4703, 5087, 5503,
	5953, 6427, 6949, 7517, 8123, 8783, 9497, 10273,
	11113, 12011, 12983, 14033, 15173, 16411, 17749,
	19183, 20753, 22447, 24281, 26267, 28411, 30727,
	33223, 35933, 38873, 42043, 45481, 49201, 53201,
	57557, 62233, 67307, 72817, 78779, 85229, 92203,
	99733, 107897, 116731, 126271, 136607, 147793,
	159871, 172933, 187091, 202409, 218971, 236897,
	256279, 277261, 299951, 324503, 351061, 379787,
	410857, 444487, 480881, 520241, 562841, 608903,
	658753, 712697, 771049, 834181, 902483, 976369,
	1056323, 1142821, 1236397, 1337629, 1447153, 1565659,
	1693859, 1832561, 1982627, 2144977, 2320627, 2510653,
	2716249, 2938679, 3179303, 3439651, 3721303, 4026031,
	4355707, 4712381, 5098259, 5515729, 5967347, 6456007,
	6984629, 7556579, 8175383, 8844859, 9569143, 10352717,
	11200489, 12117689, 13109983, 14183539, 15345007,
	16601593, 17961079, 19431899, 21023161, 22744717,
	24607243, 26622317, 28802401, 31160981, 33712729,
	36473443, 39460231, 42691603, 46187573, 49969847,
	54061849, 58488943, 63278561, 68460391, 74066549,
	80131819, 86693767, 93793069, 101473717, 109783337,
	118773397, 128499677, 139022417, 150406843, 162723577,
	176048909, 190465427, 206062531, 222936881, 241193053,
	260944219, 282312799, 305431229, 330442829, 357502601,
	386778277, 418451333, 452718089, 489790921, 529899637,
	573292817, 620239453, 671030513, 725980837, 785430967,
	849749479, 919334987, 994618837, 1076067617, 1164186217,
	1259520799, 1362662261, 1474249943, 1594975441, 1725587117,
	1866894511, 2019773507, 2185171673, 2364114217, 2557710269,
	2767159799, 2993761039, 3238918481, 3504151727, 3791104843,
	4101556399, 4294967291,
}

// nextBucketCount is the policy's choice of a bucket count of at least n;
// it sets the element count past which the next growth happens.
func (o *Order) nextBucketCount(n uint64) uint64 {
	if n < uint64(len(fastBuckets)) {
		if n == 0 {
			return 1
		}
		o.nextResize = fastBuckets[n]
		return fastBuckets[n]
	}
	// Search from the 7th prime, never past the last.
	tbl := primes[6 : len(primes)-1]
	i := sort.Search(len(tbl), func(i int) bool { return tbl[i] >= n })
	if i == len(tbl) {
		o.nextResize = ^uint64(0)
		return primes[len(primes)-1]
	}
	o.nextResize = tbl[i]
	return tbl[i]
}

// needRehash says whether inserting ins elements into a map of nelt
// elements and nbkt buckets grows it, and to how many buckets.
func (o *Order) needRehash(nbkt, nelt, ins uint64) (bool, uint64) {
	if nelt+ins <= o.nextResize {
		return false, 0
	}
	minBkts := nelt + ins
	if o.nextResize == 0 && minBkts < 11 {
		// The first allocation is at least 11 buckets' worth.
		minBkts = 11
	}
	if minBkts >= nbkt {
		want := minBkts + 1
		if g := nbkt * 2; g > want {
			want = g
		}
		return true, o.nextBucketCount(want)
	}
	o.nextResize = nbkt
	return false, 0
}
