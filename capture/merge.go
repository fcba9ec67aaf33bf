package capture

// queue holds records copied out of one ring buffer, oldest first. Its
// buffers are reused: a record handed out stays valid until the queue is
// refilled, which happens only after it has been emptied.
type queue struct {
	cpu  uint16
	bufs [][]byte
	n    int // records held
	head int // next record to hand out
}

func newQueue(cpu uint16, batch int) *queue {
	return &queue{cpu: cpu, bufs: make([][]byte, batch)}
}

// source fills a queue from one ring without blocking.
type source interface {
	// fill copies up to len(q.bufs) records into q.bufs[0:], reusing the
	// slices' storage, and returns how many it copied.
	fill(q *queue) (int, error)
}

// merger hands out the records of several rings in timestamp order. Each
// ring is ordered on its own; the merge repeatedly takes the oldest head.
// A ring that is empty when looked at is not waited for, so the order is
// best effort across rings, as in sysdig.
type merger struct {
	qs   []*queue
	srcs []source
}

func newMerger(srcs []source, cpus []uint16, batch int) *merger {
	m := &merger{srcs: srcs}
	for i := range srcs {
		m.qs = append(m.qs, newQueue(cpus[i], batch))
	}
	return m
}

// recordTs is the boot-time stamp at the start of every record.
func recordTs(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return le.Uint64(b)
}

// next returns the oldest record at the head of any ring, refilling
// queues that ran empty first; ok is false when every ring is empty.
func (m *merger) next() (rec []byte, cpu uint16, ok bool, err error) {
	best := -1
	var bestTs uint64
	for i, q := range m.qs {
		if q.head >= q.n {
			q.head, q.n = 0, 0
			n, err := m.srcs[i].fill(q)
			q.n = n
			if err != nil {
				return nil, 0, false, err
			}
		}
		if q.head < q.n {
			if ts := recordTs(q.bufs[q.head]); best < 0 || ts < bestTs {
				best, bestTs = i, ts
			}
		}
	}
	if best < 0 {
		return nil, 0, false, nil
	}
	q := m.qs[best]
	rec = q.bufs[q.head]
	q.head++
	return rec, q.cpu, true, nil
}
