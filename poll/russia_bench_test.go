package poll

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Benchmarks of the Russian readers on their largest fixtures:
//
//	go test ./poll -run '^$' -bench 'ReadLevada|ReadVTsIOM|ReadFOM' -benchtime 2s
func benchmarkRussian(b *testing.B, read ruReader, name string) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadLevadaRelease(b *testing.B) {
	benchmarkRussian(b, ReadLevada, "levada/release_ru_2020-11-27.html")
}

func BenchmarkReadVTsIOM(b *testing.B) { benchmarkRussian(b, ReadVTsIOM, "vtsiom/ratings_2020.html") }

func BenchmarkReadFOMHighcharts(b *testing.B) {
	benchmarkRussian(b, ReadFOM, "fom/fom_highcharts_2020.html")
}
