package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

func main() {
	in := flag.String("in", filepath.Join("testdata", "peers", "synthetic_polls.csv"), "the peers' synthetic polls")
	out := flag.String("out", ".", "directory for candor_latent.csv and candor_house.csv")
	flag.Parse()
	if err := run(os.Stdout, *in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

// model is the peers' model.
var model = aggregate.StateSpace{
	Shares:   []aggregate.Share{aggregate.Approve},
	Tau:      aggregate.TauNone(),
	Identify: aggregate.SumToZero(),
	Scale:    aggregate.ScalePoints,
	PlugIn:   true,
}

// run reads the polls in, fits the model and writes its outputs to dir,
// printing the summary to w.
func run(w io.Writer, in, dir string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	polls, err := poll.ReadCSV(f)
	if err != nil {
		return err
	}
	res, err := model.Fit(context.Background(), polls)
	if err != nil {
		return err
	}
	for name, write := range map[string]func(io.Writer) error{
		"candor_latent.csv": res.WriteCSV,
		"candor_house.csv":  res.WriteHousesCSV,
	} {
		if err := writeFile(filepath.Join(dir, name), write); err != nil {
			return err
		}
	}
	a := res.Approve
	house := make([]string, len(a.Houses))
	for i, h := range a.Houses {
		house[i] = strconv.FormatFloat(h.Value, 'f', 3, 64)
	}
	_, err = fmt.Fprintf(w, "sigma_hat=%.4f loglik=%.2f house=[%s]\n", a.Params.Sigma, a.Params.LogLik, strings.Join(house, ", "))
	return err
}

// writeFile writes a file with write, reporting the first error.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
