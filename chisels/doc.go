// Package chisels runs sysdig chisels: Lua scripts that receive the
// events of a capture, filtered and with fields extracted by trace, and
// print summaries or logs. It implements sysdig 0.29.3's chisel API
// (the sysdig, chisel and evt libraries, the callbacks, argument
// handling, chisel.exec and the search directories) on gopher-lua, and
// embeds trace's own implementation of every chisel sysdig ships.
//
// A Chisel is loaded by name from the search directories (see Dirs),
// receives its arguments with SetArgs, and is then driven by the program
// reading events: Init, CaptureStart, Event for every event, CaptureEnd.
// Per-event work that does not need Lua (the chisel's filter, requested
// fields, and the aggregation of the table chisels) runs in Go; Lua is
// called only for the events that pass the chisel's filter.
package chisels
