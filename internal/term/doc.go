// Package term answers what trace and ctrace need to know about the
// terminal they write to: whether there is one, its size, and whether
// the reader of a pipe has gone.
package term
