package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/candorpoll/candor/aggregate/report"
	"github.com/candorpoll/candor/examples/pollagg/cli"
)

// Exit statuses. A Go program that panics, or that the runtime stops with
// a fatal error (out of memory, a deadlock, a concurrent map write), exits
// with status 2 — the status pollagg uses for "done, some input
// rejected" (cli.ExitPartial). A recover in main could catch panics but
// not fatal errors, and not a panic in another goroutine. So pollagg runs
// its work in a child process (itself, with childEnv set) and tells the
// cases apart by a status the child chooses: the child exits with
// childPartial for a partial success, and any other status it did not
// choose (2 from the runtime, death by a signal) becomes exitCrash.
const (
	exitCrash = 3 // the work crashed: a bug; no output was written

	// childPartial is the child's status for cli.ExitPartial; the
	// runtime never exits with it.
	childPartial = 65
	// childEnv marks the child process.
	childEnv = "CANDOR_POLLAGG_CHILD"
)

func main() {
	if os.Getenv(childEnv) == "1" {
		os.Exit(child(os.Args[1:]))
	}
	os.Exit(supervise(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// child does the work. Ctrl-C (or SIGTERM) cancels it: cli.Run returns
// cli.ExitFailure having written nothing; a second Ctrl-C kills it.
func child(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal kills the child
	}()
	return childStatus(cli.Run(ctx, args, os.Stdin, os.Stdout, os.Stderr))
}

// childStatus maps cli.Run's status to the child's exit status.
func childStatus(status int) int {
	if status == cli.ExitPartial {
		return childPartial
	}
	return status
}

// supervise runs pollagg as a child process on the same standard
// streams and returns pollagg's exit status: the child's 0 and 1 as they
// are, childPartial as cli.ExitPartial, anything else as exitCrash after
// removing the temporary files the child left in the output folders
// (report.RemoveTemps). While the child runs, Ctrl-C reaches it directly
// (same process group); the supervisor ignores it and waits, and passes
// SIGTERM on.
func supervise(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "pollagg: cannot find its own executable:", err)
		return cli.ExitFailure
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	return superviseCmd(cmd, args, stderr)
}

// superviseCmd runs cmd (pollagg's child with args) and maps its exit.
func superviseCmd(cmd *exec.Cmd, args []string, stderr io.Writer) int {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(stderr, "pollagg: cannot start its worker:", err)
		return cli.ExitFailure
	}
	interrupted := false
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
wait:
	for {
		select {
		case s := <-sig:
			interrupted = true
			if s == syscall.SIGTERM {
				cmd.Process.Signal(syscall.SIGTERM) // Ctrl-C reached the child already; a kill did not
			}
		case err = <-done:
			break wait
		}
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(stderr, "pollagg: waiting for its worker:", err)
		return cli.ExitFailure
	}
	switch code := cmd.ProcessState.ExitCode(); {
	case code == cli.ExitOK || code == cli.ExitFailure:
		return code
	case code == childPartial:
		return cli.ExitPartial
	case code == -1 && interrupted:
		cleanup(args, cmd.Process.Pid, stderr)
		fmt.Fprintln(stderr, "pollagg: interrupted; nothing written")
		return cli.ExitFailure
	default:
		cleanup(args, cmd.Process.Pid, stderr)
		fmt.Fprintf(stderr, "pollagg: crashed (%v): this is a bug, please report it with the messages above; nothing was written (exit status %d)\n", cmd.ProcessState, exitCrash)
		return exitCrash
	}
}

// cleanup removes the temporary files a dead child left in the folders
// args write into.
func cleanup(args []string, pid int, stderr io.Writer) {
	for _, dir := range cli.OutputDirs(args) {
		removed, err := report.RemoveTemps(dir, pid)
		for _, p := range removed {
			fmt.Fprintln(stderr, "pollagg: removed the unfinished", p)
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(stderr, "pollagg:", err)
		}
	}
}
