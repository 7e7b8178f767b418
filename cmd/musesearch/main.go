// Command musesearch indexes and searches the multilingual stem-cell corpus and serves
// the search site. README.md describes its usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// errUsage marks a usage error: the command exits with status 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "musesearch:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  musesearch serve  [--addr 127.0.0.1:8080] [--public-url URL] [--corpus DIR] [--index DIR] [--watch=true]
                    [--max-upload MB] [--log-level debug|info|warn|error] [--log-format text|json]
  musesearch index  [--corpus DIR] [--index DIR] [--rebuild]
  musesearch search [--corpus DIR] [--index DIR] [--json] [--indication ID]... [--cell-type ID]...
                    [--design ID]... [--phase ID]... [--lang en|ja|zh]... [--size N] QUERY...
  musesearch version
`

// Run runs one subcommand. Usage errors are printed to stderr and wrap errUsage.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	var err error
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], stdout, stderr)
	case "index":
		err = runIndex(ctx, args[1:], stdout, stderr)
	case "search":
		err = runSearch(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "musesearch", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "musesearch: unknown command %q\n%s", args[0], usage)
		return errUsage
	}
	return err
}
