// Command pause is the sandbox ("pause") image's program for the pods that
// package runtimetest makes: it sleeps until it is told to stop. It is
// built statically (CGO_ENABLED=0) so that its image needs no other file.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	<-stop
}
