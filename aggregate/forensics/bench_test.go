package forensics

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/candorpoll/candor/aggregate/internal/benchcpu"
)

// Benchmarks of the whole 2024 pipeline and of its parts, with the
// process's CPU time per operation (cpu-ns/op). The README's figures
// come from
//
//	go test ./aggregate/forensics -run '^$' -bench . -cpu 1 -benchtime 3x -benchmem

// zip2024 returns the bytes of testdata/elections/2024.csv.zip.
func zip2024(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "elections", "2024.csv.zip"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkForensics2024 runs everything the README's table needs on the
// whole 2024 file: read the archive, check every protocol, the totals,
// the integer-percentage test with 1,000 Monte Carlo replicates and
// Shpilkin's estimate with 1,000 bootstrap replicates.
func BenchmarkForensics2024(b *testing.B) {
	data := zip2024(b)
	ctx := context.Background()
	b.ReportAllocs()
	start := benchcpu.Used()
	defer func() { benchcpu.Report(b, start) }()
	for b.Loop() {
		e, err := ReadZip(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		_ = e.Check()
		_ = e.Results(false)
		if _, err := (IntegerTest{Seed: 1}).Run(ctx, e); err != nil {
			b.Fatal(err)
		}
		if _, err := (Shpilkin{Seed: 1}).Estimate(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead2024(b *testing.B) {
	data := zip2024(b)
	b.ReportAllocs()
	start := benchcpu.Used()
	defer func() { benchcpu.Report(b, start) }()
	for b.Loop() {
		if _, err := ReadZip(bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEstimators2024 times each estimator on the 2024 stations, read
// once.
func BenchmarkEstimators2024(b *testing.B) {
	data := zip2024(b)
	e, err := ReadZip(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, est := range []struct {
		name string
		run  func() error
	}{
		{"check", func() error { _ = e.Check(); return nil }},
		{"integer", func() error { _, err := (IntegerTest{Seed: 1}).Run(ctx, e); return err }},
		{"shpilkin", func() error { _, err := (Shpilkin{Seed: 1}).Estimate(ctx, e); return err }},
		{"histogram", func() error { _, err := NewHistogram2D(e, HistogramOptions{}); return err }},
	} {
		b.Run(est.name, func(b *testing.B) {
			b.ReportAllocs()
			start := benchcpu.Used()
			defer func() { benchcpu.Report(b, start) }()
			for b.Loop() {
				if err := est.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPoissonBinomial builds the null distribution of a region of
// 85,000 stations whose probabilities of an integer percentage are
// uniform up to 0.1 (seeded): the README's ninth-round figure,
//
//	go test ./aggregate/forensics -run '^$' -bench PoissonBinomial -cpu 1 -benchtime 20x
func BenchmarkPoissonBinomial(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	q := make([]float64, 85000)
	for i := range q {
		q[i] = rng.Float64() * 0.1
	}
	ctx := context.Background()
	start := benchcpu.Used()
	defer func() { benchcpu.Report(b, start) }()
	for b.Loop() {
		if _, err := newPoissonBinomial(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}
