package tarantoolproc_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tarantool/go-iproto"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
	"github.com/txtarantool/txtarantool/protocol"
)

// evalLua is readyLua with a user that may eval.
const evalLua = `
box.cfg{work_dir = os.getenv('TXT_WORK_DIR'), log = os.getenv('TXT_LOG'), memtx_memory = 32 * 1024 * 1024}
box.schema.user.create('admin2', {password = 'pw', if_not_exists = true})
box.schema.user.grant('admin2', 'read,write,execute', 'universe', nil, {if_not_exists = true})
box.cfg{listen = os.getenv('TXT_LISTEN')}
io.open(os.getenv('TXT_READY_FILE'), 'w'):close()
`

func TestFreePortsDistinct(t *testing.T) {
	ports, err := tarantoolproc.FreePorts(5)
	require.NoError(t, err)
	require.Len(t, ports, 5)
	seen := map[int]bool{}
	for _, p := range ports {
		require.Positive(t, p)
		require.False(t, seen[p], "port %d twice in %v", p, ports)
		seen[p] = true
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		require.NoError(t, err, "port %d is released", p)
		require.NoError(t, ln.Close())
	}
}

func TestFixedPortTerminateRunning(t *testing.T) {
	needTarantool(t)
	ports, err := tarantoolproc.FreePorts(1)
	require.NoError(t, err)
	inst := start(t, tarantoolproc.Options{Source: readyLua, Port: ports[0]})
	want := "127.0.0.1:" + strconv.Itoa(ports[0])
	require.Equal(t, want, inst.Addr())
	require.True(t, inst.Running())

	require.NoError(t, inst.Terminate())
	require.False(t, inst.Running())
	require.DirExists(t, inst.WorkDir(), "Terminate keeps the work dir")
	require.NoError(t, inst.Terminate(), "a second Terminate is a no-op")

	require.NoError(t, inst.Restart(context.Background()))
	require.True(t, inst.Running())
	require.Equal(t, want, inst.Addr())
	require.NoError(t, inst.Kill())
	require.False(t, inst.Running())

	require.NoError(t, inst.Stop())
	require.False(t, inst.Running())
	require.ErrorIs(t, inst.Terminate(), tarantoolproc.ErrStopped)
}

func TestFixedPortTaken(t *testing.T) {
	needTarantool(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = tarantoolproc.Start(context.Background(), tarantoolproc.Options{Source: readyLua, Port: port, StartTimeout: 5 * time.Second})
	require.ErrorIs(t, err, tarantoolproc.ErrExited, "a fixed port is not swapped for another")
}

func TestEval(t *testing.T) {
	needTarantool(t)
	inst := start(t, tarantoolproc.Options{Source: evalLua})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	var out []any
	require.NoError(t, inst.Eval(ctx, "admin2", "pw", "local a, b = ... return a, b, box.info.ro", []any{"x", 7}, &out))
	require.Len(t, out, 3)
	require.Equal(t, "x", out[0])
	require.EqualValues(t, 7, out[1])
	require.Equal(t, false, out[2])
	require.NoError(t, inst.Eval(ctx, "admin2", "pw", "box.cfg{read_only = true}", nil, nil))

	err := inst.Eval(ctx, "admin2", "pw", "box.schema.space.create('x')", nil, nil)
	require.ErrorIs(t, err, protocol.ErrorCode(iproto.ER_READONLY))
	var se *protocol.ServerError
	require.True(t, errors.As(err, &se))

	err = inst.Eval(ctx, "admin2", "wrong", "return 1", nil, nil)
	require.Error(t, err)
	require.ErrorAs(t, err, &se)
	err = inst.Eval(ctx, "", "", "return 1", nil, nil)
	require.ErrorIs(t, err, protocol.ErrorCode(iproto.ER_ACCESS_DENIED), "guest may not eval")

	// ctx bounds a call that does not return.
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	err = inst.Eval(short, "admin2", "pw", "require('fiber').sleep(30)", nil, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	require.NoError(t, inst.Kill())
	require.Error(t, inst.Eval(ctx, "admin2", "pw", "return 1", nil, nil), "a dead instance does not answer")
}
