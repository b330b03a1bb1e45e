package protocol

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCaptureGolden regenerates ../testdata/golden from a real server. It
// runs only with TXT_CAPTURE_GOLDEN=1 and needs `tarantool` on PATH:
//
//	TXT_CAPTURE_GOLDEN=1 go test -run TestCaptureGolden ./protocol/
//
// It starts tarantool on a free loopback port in a temporary directory
// (script goldenLua), reads the greeting, sends every goldenCases request
// on one connection, and writes <name>.hex (the request frame) and
// <name>.response.hex (the server's response frame).
func TestCaptureGolden(t *testing.T) {
	if os.Getenv("TXT_CAPTURE_GOLDEN") != "1" {
		t.Skip("set TXT_CAPTURE_GOLDEN=1 to capture golden frames from tarantool")
	}
	bin, err := exec.LookPath("tarantool")
	require.NoError(t, err, "tarantool must be on PATH")

	dir := t.TempDir()
	script := filepath.Join(dir, "golden.lua")
	require.NoError(t, os.WriteFile(script, []byte(goldenLua), 0o644))

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	cmd := exec.Command(bin, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOLDEN_LISTEN="+addr)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	var conn net.Conn
	deadline := time.Now().Add(15 * time.Second)
	for {
		conn, err = net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			break
		}
		require.True(t, time.Now().Before(deadline), "tarantool did not start listening: %v", err)
		time.Sleep(100 * time.Millisecond)
	}
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))

	greeting := readFull(t, conn, GreetingSize)
	g, err := ParseGreeting(greeting)
	require.NoError(t, err)
	t.Logf("server %s %s (%s)", g.Product, g.Version, g.InstanceUUID)
	writeHexFile(t, "greeting.hex", greeting)

	st := &goldenState{salt: g.Salt}
	for _, c := range goldenCases {
		frame, err := AppendFrame(nil, c.header, c.build(t, st))
		require.NoError(t, err, c.name)
		_, err = conn.Write(frame)
		require.NoError(t, err, c.name)
		resp := readFrame(t, conn)
		writeHexFile(t, c.name+".hex", frame)
		writeHexFile(t, c.name+".response.hex", resp)

		h, body := splitFrame(t, resp)
		if h.IsError() {
			e, err := DecodeErrorBody(h, body)
			require.NoError(t, err)
			t.Logf("%s: error %v", c.name, e)
		} else if c.name == "prepare" {
			b, err := DecodeBody(body)
			require.NoError(t, err)
			st.stmtID = b.StmtID
		}
	}
}

func readFull(t testing.TB, conn net.Conn, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	for off := 0; off < n; {
		m, err := conn.Read(b[off:])
		require.NoError(t, err)
		off += m
	}
	return b
}

// readFrame reads one response frame, length prefix included.
func readFrame(t testing.TB, conn net.Conn) []byte {
	t.Helper()
	buf := readFull(t, conn, 1)
	for {
		n, p, err := DecodeFrameLength(buf, 0)
		if err == ErrShortBuffer {
			buf = append(buf, readFull(t, conn, 1)...)
			continue
		}
		require.NoError(t, err)
		return append(buf, readFull(t, conn, p+n-len(buf))...)
	}
}
