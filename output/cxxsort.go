package output

// cxxSort sorts a as the GNU C++ library's std::sort does (introsort:
// median-of-three quicksort down to runs of 16, heapsort past the depth
// limit, then one insertion sort), so that elements less reports equal
// end up in the same order as in sysdig's tables.
func cxxSort[T any](a []T, less func(x, y *T) bool) {
	if len(a) < 2 {
		return
	}
	depth := 0
	for n := len(a); n > 1; n >>= 1 {
		depth++
	}
	introLoop(a, 2*depth, less)
	finalInsertion(a, less)
}

const cxxThreshold = 16

func introLoop[T any](a []T, depth int, less func(x, y *T) bool) {
	for len(a) > cxxThreshold {
		if depth == 0 {
			heapSort(a, less)
			return
		}
		depth--
		cut := partitionPivot(a, less)
		introLoop(a[cut:], depth, less)
		a = a[:cut]
	}
}

// partitionPivot moves the median of a[1], a[mid], a[last] to a[0] and
// partitions a[1:] around it, returning where the upper part starts.
func partitionPivot[T any](a []T, less func(x, y *T) bool) int {
	mid := len(a) / 2
	x, y, z := 1, mid, len(a)-1
	var m int
	switch {
	case less(&a[x], &a[y]):
		switch {
		case less(&a[y], &a[z]):
			m = y
		case less(&a[x], &a[z]):
			m = z
		default:
			m = x
		}
	case less(&a[x], &a[z]):
		m = x
	case less(&a[y], &a[z]):
		m = z
	default:
		m = y
	}
	a[0], a[m] = a[m], a[0]
	lo, hi := 1, len(a)
	for {
		for less(&a[lo], &a[0]) {
			lo++
		}
		hi--
		for less(&a[0], &a[hi]) {
			hi--
		}
		if lo >= hi {
			return lo
		}
		a[lo], a[hi] = a[hi], a[lo]
		lo++
	}
}

func finalInsertion[T any](a []T, less func(x, y *T) bool) {
	if len(a) <= cxxThreshold {
		insertion(a, less)
		return
	}
	insertion(a[:cxxThreshold], less)
	for i := cxxThreshold; i < len(a); i++ {
		linearInsert(a, i, less)
	}
}

func insertion[T any](a []T, less func(x, y *T) bool) {
	for i := 1; i < len(a); i++ {
		if less(&a[i], &a[0]) {
			v := a[i]
			copy(a[1:i+1], a[:i])
			a[0] = v
		} else {
			linearInsert(a, i, less)
		}
	}
}

// linearInsert moves a[i] down past the elements greater than it (there
// is a smaller or equal one before it).
func linearInsert[T any](a []T, i int, less func(x, y *T) bool) {
	v := a[i]
	for less(&v, &a[i-1]) {
		a[i] = a[i-1]
		i--
	}
	a[i] = v
}

// heapSort is std::partial_sort over the whole range: a max-heap, then
// the maximum popped to the end each time.
func heapSort[T any](a []T, less func(x, y *T) bool) {
	n := len(a)
	if n < 2 {
		return
	}
	for parent := (n - 2) / 2; ; parent-- {
		adjustHeap(a, parent, n, a[parent], less)
		if parent == 0 {
			break
		}
	}
	for last := n - 1; last > 0; last-- {
		v := a[last]
		a[last] = a[0]
		adjustHeap(a, 0, last, v, less)
	}
}

func adjustHeap[T any](a []T, hole, n int, v T, less func(x, y *T) bool) {
	top := hole
	child := hole
	for child < (n-1)/2 {
		child = 2 * (child + 1)
		if less(&a[child], &a[child-1]) {
			child--
		}
		a[hole] = a[child]
		hole = child
	}
	if n&1 == 0 && child == (n-2)/2 {
		child = 2 * (child + 1)
		a[hole] = a[child-1]
		hole = child - 1
	}
	for parent := (hole - 1) / 2; hole > top && less(&a[parent], &v); parent = (hole - 1) / 2 {
		a[hole] = a[parent]
		hole = parent
	}
	a[hole] = v
}
