//go:build !linux

// Package runtimetest starts real container runtimes for tests; they run
// on Linux only.
package runtimetest
