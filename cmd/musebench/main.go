// Command musebench measures musesearch at scale, and the engines people would
// otherwise pick (Lucene, bluge) on the same documents and queries in the same run
// (package musebench):
//
//	musebench -sizes 10000,100000,1000000 -peers lucene,bluge -out FILE.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"musesearch/bench/musebench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := musebench.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, musebench.ErrUsage), errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "musebench:", err)
		os.Exit(1)
	}
}
