package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/examples/pollagg/cli"
)

func TestRussia(t *testing.T) {
	dir := t.TempDir()
	var out, errs bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"-o", dir}, &out, &errs), errs.String())
	text := out.String()
	for _, want := range []string{
		"Levada.csv                            csv (series file, UTF-8)  Levada      301  1999-08  2024-08         0",
		"putin-approval-fom.csv                csv (series file, UTF-8)  FOM         374  2013-02  2020-08         0",
		// The ten NA weeks of the VTsIOM file are reported, not dropped silently.
		"vciom-presidential-approval-2006.csv  csv (series file, UTF-8)  VTsIOM      707  2006-01  2020-08        10",
		"vciom-presidential-approval-2006.csv:96:2: ",
		"Left out: 193 VTsIOM polls with fieldwork midpoint from 7 May 2008 to 6 May 2012",
		"FOM asks whether Putin works «хорошо/плохо»",
		"House effects (points, relative to Levada face-to-face; 95% intervals)",
		"Latest estimate by fear-of-response scenario",
		"  31 August 2024; corrections apply to polls fielded from 24 February 2022 on.",
		"  nonresponse κ = 0.5 ",
		"  Manski bounds ",
		"Chapkovski & Schaub 2022",
		"Official result, forensic estimate and polls, 17 March 2024",
		"official vote share, March 2024 presidential election",
		"clean: Shpilkin (turnout–share)",
		"Election forensics: 2024.csv.zip + 2024-electronic-voting.csv",
		filepath.Join(dir, name+".png"),
	} {
		assert.Contains(t, text, want)
	}
	assert.Regexp(t, `\n  Levada/face-to-face +297 +\+0\.00 +— +reference`, text)

	// Every output is there, the text file is the printed report.
	for _, suffix := range []string{".txt", ".html", "-series.csv", "-series.json", "-houses.csv", "-scenarios.csv", "-polls.csv",
		".png", ".svg", "-fingerprint.png", "-fingerprint.svg"} {
		assert.FileExists(t, filepath.Join(dir, name+suffix))
	}
	txt, err := os.ReadFile(filepath.Join(dir, name+".txt"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(text, string(txt)))
	png, err := os.ReadFile(filepath.Join(dir, name+".png"))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")))

	// The one command of the README, on the repository's copies of the
	// files, gives the same house effects, to the last digit, and the
	// same tables.
	cmd := readmeCommand(t)
	other := t.TempDir()
	args := rebase(cmd, other)
	var cliOut, cliErr bytes.Buffer
	require.Equal(t, cli.ExitPartial, cli.Run(context.Background(), args, nil, &cliOut, &cliErr), "the ten NA weeks: %s", cliErr.String())
	// The README shows this summary and an excerpt of the example's
	// report: both as they are printed.
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	summary, _, _ := strings.Cut(cliOut.String(), "\nWritten: ")
	assert.Contains(t, string(readme), "```\n"+summary+"\nWritten: report/: report.txt, report.html,", "README: the summary of the one command")
	_, excerpt, ok := strings.Cut(string(readme), "An excerpt of its real output:\n\n```\n")
	require.True(t, ok, "README: the excerpt of examples/russia")
	excerpt, _, _ = strings.Cut(excerpt, "```")
	for _, line := range strings.Split(excerpt, "\n") {
		assert.Contains(t, text, line, "README excerpt line not in the report")
	}

	// The polls fitted are the same, row for row (canonical CSV, every
	// digit), so the fits are the same fit; the rounded tables agree
	// byte for byte.
	for _, f := range []string{"-polls.csv", "-houses.csv", "-scenarios.csv", "-series.csv"} {
		a, err := os.ReadFile(filepath.Join(dir, name+f))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(other, "report"+f))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(a, b), "%s differs between examples/russia and pollagg report", f)
	}
}

func TestRussiaFlags(t *testing.T) {
	var out, errs bytes.Buffer
	assert.Equal(t, 0, run(context.Background(), []string{"-h"}, &out, &errs))
	assert.Contains(t, errs.String(), "Usage:\n  russia [-o DIR]")
	assert.Empty(t, out.String())
	errs.Reset()
	assert.Equal(t, 1, run(context.Background(), []string{"-no-such-flag"}, &out, &errs))
	assert.Equal(t, 1, run(context.Background(), []string{"extra"}, &out, &errs))
	assert.Contains(t, errs.String(), "unexpected arguments")

	// A folder that cannot be made: status 1, nothing printed on standard
	// output, nothing written.
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	out.Reset()
	errs.Reset()
	assert.Equal(t, 1, run(context.Background(), []string{"-o", filepath.Join(file, "out")}, &out, &errs))
	assert.Empty(t, out.String())
	assert.Contains(t, errs.String(), "russia: ")

	// Cancelled: status 1, nothing written.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := filepath.Join(t.TempDir(), "out")
	errs.Reset()
	assert.Equal(t, 1, run(ctx, []string{"-o", dir}, &out, &errs))
	assert.Contains(t, errs.String(), "context canceled")
	assert.NoDirExists(t, dir)
}

// readmeCommand returns the arguments of the README's one command on the
// three Russian files (the "go run ./examples/pollagg report" line and
// its continuation lines), without the program.
func readmeCommand(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	const prefix = "go run ./examples/pollagg report "
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, prefix) {
			continue
		}
		cmd := strings.TrimPrefix(l, "go run ./examples/pollagg ")
		for strings.HasSuffix(strings.TrimSpace(cmd), `\`) && i+1 < len(lines) {
			i++
			cmd = strings.TrimSuffix(strings.TrimSpace(cmd), `\`) + " " + strings.TrimSpace(lines[i])
		}
		return shellWords(t, cmd)
	}
	t.Fatalf("README.md has no line starting %q", prefix)
	return nil
}

// shellWords splits a command line as a POSIX shell would for the
// README's command: words separated by blanks, single-quoted parts kept
// whole.
func shellWords(t *testing.T, s string) []string {
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case quoted && r == '\'':
			quoted = false
		case quoted:
			w.WriteRune(r)
		case r == '\'':
			quoted, in = true, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	require.False(t, quoted, "unbalanced quote in %q", s)
	if in {
		words = append(words, w.String())
	}
	return words
}

// rebase makes the README's command run from this folder: testdata/
// paths become ../../testdata/, and -o writes into dir ("": no -o).
func rebase(args []string, dir string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-o" && i+1 < len(args):
			i++
			if dir != "" {
				out = append(out, "-o", dir)
			}
			continue
		case strings.HasPrefix(a, "testdata/"):
			a = "../../" + a
		}
		out = append(out, a)
	}
	return out
}
