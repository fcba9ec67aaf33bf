//go:build !unix

package scap

// oNoFollow: no such flag here (Create checks links itself).
const oNoFollow = 0
