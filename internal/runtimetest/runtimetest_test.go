package runtimetest

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestContainerdProbe(t *testing.T) {
	c := Containerd(t)
	t.Log(c.Socket(), c.Snapshotter(), Startup())
}
