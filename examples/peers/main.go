package main

import (
	"context"
	"encoding/csv"
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
	all := flag.Bool("all", false, "write every column of the result (Result.WriteCSV, WriteHousesCSV) instead of the peer's")
	flag.Parse()
	if err := run(os.Stdout, *in, *out, *all); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

// model is the peers' model. The peers smooth and write the smoothed
// level only, so the causal series is left out unless every column is
// written (-all).
var model = aggregate.StateSpace{
	Shares:       []aggregate.Share{aggregate.Approve},
	Tau:          aggregate.TauNone(),
	Identify:     aggregate.SumToZero(),
	Scale:        aggregate.ScalePoints,
	PlugIn:       true,
	SkipFiltered: true,
}

// run reads the polls in, fits the model and writes its outputs to dir,
// printing the summary to w: the peer's columns, or with all every column
// of the result.
func run(w io.Writer, in, dir string, all bool) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	polls, err := poll.ReadCSV(f)
	if err != nil {
		return err
	}
	m := model
	m.SkipFiltered = !all
	res, err := m.Fit(context.Background(), polls)
	if err != nil {
		return err
	}
	write := map[string]func(io.Writer) error{
		"candor_latent.csv": func(w io.Writer) error { return writeLatent(w, res.Approve) },
		"candor_house.csv":  func(w io.Writer) error { return writeHouses(w, res.Approve) },
	}
	if all {
		write["candor_latent.csv"], write["candor_house.csv"] = res.WriteCSV, res.WriteHousesCSV
	}
	for name, write := range write {
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

// writeLatent writes the smoothed level in the peer's layout
// (results/statsmodels_latent.csv): day (from the first), estimate, sd, at
// full precision (the shortest decimal that reads back as the same float).
func writeLatent(w io.Writer, sr *aggregate.ShareResult) error {
	buf := make([]byte, 0, 64*len(sr.Series)+16)
	buf = append(buf, "day,estimate,sd\n"...)
	for d, p := range sr.Series {
		buf = strconv.AppendInt(buf, int64(d), 10)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, p.Mean, 'g', -1, 64)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, p.SD, 'g', -1, 64)
		buf = append(buf, '\n')
	}
	_, err := w.Write(buf)
	return err
}

// writeHouses writes the house effects in the peer's layout
// (results/statsmodels_house.csv): pollster, estimate, sd.
func writeHouses(w io.Writer, sr *aggregate.ShareResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"pollster", "estimate", "sd"})
	for _, h := range sr.Houses {
		cw.Write([]string{h.Pollster, strconv.FormatFloat(h.Value, 'g', -1, 64), strconv.FormatFloat(h.SE, 'g', -1, 64)})
	}
	cw.Flush()
	return cw.Error()
}
