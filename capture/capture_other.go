//go:build !linux || !amd64

package capture

import "github.com/traceproj/trace/scap"

// Capture is a running live capture; on this platform none can be opened.
type Capture struct{}

// Open returns ErrUnsupported: live capture needs Linux on amd64.
func Open(o Options) (*Capture, error) { return nil, ErrUnsupported }

// Metadata returns nil.
func (c *Capture) Metadata() *scap.Metadata { return nil }

// NextInto returns ErrUnsupported.
func (c *Capture) NextInto(ev *scap.Event) error { return ErrUnsupported }

// Stop does nothing.
func (c *Capture) Stop() {}

// Stats returns zero counters.
func (c *Capture) Stats() Stats { return Stats{} }

// Close does nothing.
func (c *Capture) Close() error { return nil }

// SetIdle does nothing.
func (c *Capture) SetIdle(fn func()) {}
