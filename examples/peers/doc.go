// Command peers is candor's side of the whole-process comparison with the
// statsmodels peer (testdata/peers; the peer is ss_statsmodels.py of the
// shared peers folder, see testdata/SOURCES.md): it reads the synthetic
// polls, fits the peers' model — approve only, no τ, sum-to-zero, points,
// plug-in sds, σ by exact diffuse ML — and writes the daily series and the
// house effects, as the peer does, then prints the peer's summary line.
// Like the peer it smooths and writes the smoothed level only: the causal
// series is left out (StateSpace.SkipFiltered) unless -all asks for every
// column.
//
//	go build -o /tmp/peers ./examples/peers
//	/tmp/peers -in testdata/peers/synthetic_polls.csv -out /tmp
//
// It writes to -out candor_latent.csv and candor_house.csv in the peer's
// layout (results/statsmodels_latent.csv: day, estimate, sd;
// statsmodels_house.csv: pollster, estimate, sd), so that both processes
// do the same work and their files compare line for line; -all writes
// every column of the result instead (Result.WriteCSV: the filtered series
// and the bands too; Result.WriteHousesCSV). The README's "Speed" section
// times it against the peer with hyperfine, both ways.
package main
