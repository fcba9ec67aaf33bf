// Package filter implements sysdig's filter language, extended with what
// current Falco accepts: a scanner and recursive-descent parser that build
// an AST with byte positions, and a compiler that turns the AST into a
// tree of closures evaluated per event.
//
// The grammar is sysdig 0.29.3's (see FILTERS.md) with these additions:
// "and" binds tighter than "or" (0.29.3 refuses to mix them without
// parentheses), and the operators ==, bcontains, bstartswith, intersects
// and regex. Falco rule conditions may also name macros (bare
// identifiers) and lists inside value lists; the rules package expands
// them on the AST.
package filter
