package runtimetest

// Docker and Podman are filled in below.
type Docker struct{}
type Podman struct{}
