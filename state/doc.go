// Package state rebuilds the system state a capture describes — threads,
// their file descriptors, users, groups and containers — and pairs exit
// events with their enter events, the way sysdig's libsinsp does.
//
// An Engine is fed events in capture order. For each one it updates its
// tables and fills an Event that tells the consumers (the field catalog,
// filters, printers, chisels and rules) which thread and fd the event is
// about. Lookups in the tables are what the `proc.*`, `fd.*`, `user.*` and
// `container.*` fields read.
package state
