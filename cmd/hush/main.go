// Command hush removes background noise from speech in WAV files, and
// measures denoisers against each other.
//
// Run "hush help" for the list of commands, and "hush COMMAND --help" for
// the flags of one.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
)

// command is one subcommand of hush. run receives the arguments after the
// command name and returns the process exit code.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands lists every subcommand; each lives in its own file and adds
// itself here from an init function, so that files can be added without
// editing this one.
var commands = map[string]command{}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version" || args[0] == "version") {
		printVersion(stdout)
		return 0
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			c, ok := commands[args[1]]
			if !ok {
				fmt.Fprintf(stderr, "hush help: there is no command %q; the commands are %s\n", args[1], strings.Join(commandNames(), ", "))
				return 2
			}
			return c.run([]string{"--help"}, stdout, stderr)
		}
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "hush: unknown command %q; run \"hush help\" for the list\n", args[0])
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

// parseNoArgs parses a command's flags for commands that take no
// positional arguments. It returns the exit code and false when the command
// should stop: 0 after --help, 2 after a usage error (already reported).
func parseNoArgs(fs *flag.FlagSet, args []string, name string, stderr io.Writer) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "hush %s: unexpected argument %q\n", name, fs.Arg(0))
		return 2, false
	}
	return 0, true
}

func usage(w io.Writer) {
	fmt.Fprint(w, `hush removes background noise from speech.

Usage:
  hush COMMAND [flags] [arguments]

Commands:
`)
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run "hush COMMAND --help" for the flags of a command, "hush --version" for
the version. A first try:
  hush clean testdata/noisy_example.wav -o cleaned.wav
`)
}

// commandNames returns the names of the commands, sorted.
func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// printVersion writes the module version and the VCS revision the binary
// was built from, as the Go toolchain recorded them in the build info.
func printVersion(w io.Writer) {
	version, revision, when, modified := "(unknown)", "", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version // "(devel)" for a build inside the repository
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	fmt.Fprintf(w, "hush %s\n", version)
	if revision != "" {
		fmt.Fprintf(w, "revision %s", revision)
		if when != "" {
			fmt.Fprintf(w, " (%s)", when)
		}
		if modified {
			fmt.Fprint(w, " with uncommitted changes")
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "built with %s for %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// printFlags lists the flags of fs the way "hush clean --help" does, with
// two dashes ("--name VALUE", but "-o DIR" for one letter), then the usage
// indented below. The value's
// name is the usage's back-quoted word, as in flag.PrintDefaults.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if len(f.Name) == 1 {
			line = "  -" + f.Name // -o, as in clean
		}
		if name != "" {
			line += " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n        %s\n", line, usage)
	})
}
