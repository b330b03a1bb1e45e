package txotel_test

import (
	"os"
	"testing"

	"github.com/txtarantool/txtarantool/contrib/internal/contribtest"
)

// server is the tarantool this package's tests share (contribtest.Main).
var server contribtest.Server

func TestMain(m *testing.M) { os.Exit(contribtest.Main(m, &server)) }
