package main

import (
	"context"
	"io"
	"testing"

	"github.com/candorpoll/candor/aggregate/report"
)

// The README's figures for the parts of `go run ./examples/russia` come
// from
//
//	go test ./examples/russia -run '^$' -bench . -cpu 1 -benchtime 10x
//
// (cpu-ns/op: process CPU time, garbage collection included).

// BenchmarkRussiaRun runs the analysis: read the series and the 2024
// protocols, fit the model, the consensus scale and the scenarios, and
// the forensics (integer test with 1,000 replicates, Shpilkin with 1,000).
func BenchmarkRussiaRun(b *testing.B) {
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		if _, err := report.Run(context.Background(), config()); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
}

// BenchmarkRussiaPolls runs the analysis of the polls alone: the run of
// BenchmarkRussiaRun without the 2024 protocols and their forensics,
// which the example gained after issue 12 set its 0.3 s bar (the polls'
// analysis took 0.42 s then).
func BenchmarkRussiaPolls(b *testing.B) {
	c := config()
	c.Election = report.Election{}
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		r, err := report.Run(context.Background(), c)
		if err != nil {
			b.Fatal(err)
		}
		if r.Forensics != nil {
			b.Fatal("the polls-only run read the protocols")
		}
	}
	reportCPU(b, start)
}

// BenchmarkRussiaOutputs writes each of the example's files from one run.
func BenchmarkRussiaOutputs(b *testing.B) {
	r, err := report.Run(context.Background(), config())
	if err != nil {
		b.Fatal(err)
	}
	for _, o := range r.Outputs(report.DirOptions{Name: name}) {
		b.Run(o.Name, func(b *testing.B) {
			b.ReportAllocs()
			start := processCPU()
			for b.Loop() {
				if err := o.Write(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start)
		})
	}
}
