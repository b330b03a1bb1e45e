// Package tarantooltest starts real tarantool processes for integration
// tests: a thin testing.TB layer over internal/tarantoolproc, which does
// the process work and does not link the testing package.
//
// Each [Instance] runs in its own temporary work dir (snapshots, WAL, log and,
// with Options.Unix, the listening socket) and its own process group. Tests
// use [Start], which skips the test when tarantool is not installed (or fails
// it when TARANTOOL_REQUIRED=1), stops the instance when the test ends and
// logs the server's log tail if the test failed; TestMain functions use
// [StartProcess] and call [Instance.Stop] themselves. The binary is
// $TARANTOOL_BIN when set, else tarantool on PATH.
//
// Without Options.Script the instance runs the kit's embedded setup
// (kit.lua): box.cfg, the user tester/secret ([User], [Password]) with every
// privilege, then Options.Lua (a snippet creating the test's schema) or, with
// none, a space test. A script of one's own (Options.Script) is passed its
// settings in the environment (TXT_LISTEN, TXT_WORK_DIR, TXT_LOG,
// TXT_READY_FILE) and must create the TXT_READY_FILE file once it is set up
// and listening; see [Options.Script] for the contract.
//
// [StartReplicaSet] starts a replica set of such instances on 127.0.0.1
// ports from the embedded replica.lua: a master and read-only replicas in a full
// mesh (raft candidates with ReplicaSetOptions.Election on 2.10+), each a
// [Member] that can be killed, stopped, restarted, promoted and demoted, and
// waited for ([Member.WaitSynced], [ReplicaSet.WaitLeader]).
//
// [ServerVersion] reads the binary's version (`tarantool --version`, once);
// tests of what only newer servers have call [RequireVersion] (t, "2.10"),
// which skips naming the version needed, and assertions on what servers
// say differently branch on [AtLeast].
//
// One test with its own server, given a schema by a snippet:
//
//	inst := tarantooltest.Start(t, tarantooltest.Options{Lua: `
//	    box.schema.space.create('users', {if_not_exists = true})
//	    box.space.users:create_index('pk', {if_not_exists = true})`})
//	c, err := client.Dial(ctx, inst.Addr(), client.Options{
//	    User: tarantooltest.User, Password: tarantooltest.Password})
//
// A package sharing one instance among its tests:
//
//	var server *tarantooltest.Instance // nil: tarantool missing, tests skip
//
//	func TestMain(m *testing.M) {
//		inst, err := tarantooltest.StartProcess(tarantooltest.Options{})
//		switch {
//		case errors.Is(err, tarantooltest.ErrUnavailable) && !tarantooltest.Required():
//		case err != nil:
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		default:
//			server = inst
//		}
//		code := m.Run()
//		if server != nil {
//			_ = server.Stop()
//		}
//		os.Exit(code)
//	}
//
// The client tests and the benchmark harness connect to an instance with
// [github.com/txtarantool/txtarantool/client.Dial] at [Instance.Addr];
// [Instance.Kill] and [Instance.Restart] drive the reconnection and soak
// tests.
package tarantooltest
