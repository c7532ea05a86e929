package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/examples/pollagg/cli"
)

// crashEnv makes the test binary, run as pollagg's child, crash the way
// it names before doing any work: "panic", "oom" (the runtime's fatal
// out-of-memory error, which no recover can catch), or "temps" (leave
// a temporary output file, as a crash in the middle of writing would,
// then panic).
const crashEnv = "CANDOR_POLLAGG_TEST_CRASH"

var sink []byte

// TestMain lets the test binary be pollagg's child: the supervisor under
// test starts it with childEnv set.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		switch os.Getenv(crashEnv) {
		case "panic":
			panic("a bug")
		case "oom":
			sink = make([]byte, 1<<45) // 32 TiB: fatal error: runtime: out of memory
		case "temps":
			dir := cli.OutputDirs(os.Args[1:])[0]
			name := fmt.Sprintf(".report.txt.%d.tmp-1", os.Getpid())
			if err := os.WriteFile(filepath.Join(dir, name), []byte("half"), 0o644); err != nil {
				panic(err)
			}
			panic("a bug while writing")
		}
		os.Exit(child(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// supervised runs pollagg's supervisor on the test binary as its child.
func supervised(t *testing.T, crash string, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1", crashEnv+"="+crash)
	cmd.Stdout, cmd.Stderr = &out, &errs
	code := superviseCmd(cmd, args, &errs)
	return code, out.String(), errs.String()
}

const fixtures = "../../aggregate/report/testdata/"

func TestSupervisorStatus(t *testing.T) {
	// The child's own statuses pass through; its partial status becomes 2.
	code, out, errs := supervised(t, "", "report", "-pollster", "Levada", fixtures+"levada.csv")
	assert.Equal(t, cli.ExitOK, code, errs)
	assert.Contains(t, out, "candor report: Levada")
	code, _, _ = supervised(t, "", "report", "-no-such-flag")
	assert.Equal(t, cli.ExitFailure, code)
	code, _, errs = supervised(t, "", "report", "-keep-going", "-pollster", "Levada", fixtures+"levada.csv", fixtures+"vtsiom.csv")
	assert.Equal(t, cli.ExitPartial, code, errs)
	assert.Equal(t, childPartial, childStatus(cli.ExitPartial))
	assert.Equal(t, cli.ExitFailure, childStatus(cli.ExitFailure))
}

func TestSupervisorCrash(t *testing.T) {
	// A panic and a fatal out-of-memory error both exit the Go runtime
	// with status 2; pollagg exits 3, never 2.
	for _, crash := range []string{"panic", "oom"} {
		code, _, errs := supervised(t, crash, "report", "-pollster", "Levada", fixtures+"levada.csv")
		assert.Equal(t, exitCrash, code, "%s: %s", crash, errs)
		assert.Contains(t, errs, "pollagg: crashed (exit status 2): this is a bug", crash)
	}
	// What the crashed child left in the output folder is removed;
	// another process's files stay.
	dir := t.TempDir()
	other := filepath.Join(dir, ".report.txt.1.tmp-1")
	require.NoError(t, os.WriteFile(other, nil, 0o644))
	code, _, errs := supervised(t, "temps", "report", "-o", dir, "-pollster", "Levada", fixtures+"levada.csv")
	assert.Equal(t, exitCrash, code)
	assert.Contains(t, errs, "pollagg: removed the unfinished "+dir+"/.report.txt.")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, filepath.Base(other), entries[0].Name())
}

func TestSupervisorInterrupt(t *testing.T) {
	// Ctrl-C during a long Bayes run: the child stops cleanly, nothing is
	// written, status 1.
	dir := filepath.Join(t.TempDir(), "out")
	args := []string{"report", "-o", dir, "-pollster", "Levada", "-model", "bayes", "-draws", "1000000", "-progress", "always", fixtures + "levada.csv"}
	var out bytes.Buffer
	errs := &syncBuffer{}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdout, cmd.Stderr = &out, errs
	done := make(chan int)
	go func() { done <- superviseCmd(cmd, args, errs) }()
	// Wait until the sampler runs, then interrupt the child as a
	// terminal's Ctrl-C would.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(errs.String(), "fit bayes") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	require.Contains(t, errs.String(), "fit bayes")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	select {
	case code := <-done:
		assert.Equal(t, cli.ExitFailure, code, errs.String())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("not interrupted")
	}
	assert.Contains(t, errs.String(), "pollagg report: interrupted; nothing written")
	assert.NoDirExists(t, dir)
	assert.Empty(t, out.String())
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
