// Package contribtest is the test kit the contrib modules' tests share
// (contrib/otel, contrib/prometheus): the tarantool their package's tests
// share ([Main], [Server.Require]), pointing their examples at it
// ([Server.PointExamples]), capturing what an example prints
// ([CaptureStdout]) and keeping requests in flight for benchmarks
// ([Pipelined]). It belongs to the main module; the nested modules reach it
// through their replace directive.
package contribtest
