package tarantooltest

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

// DefaultStartTimeout bounds how long Start, StartProcess and Restart wait
// for an instance to become ready when Options.StartTimeout is zero.
const DefaultStartTimeout = tarantoolproc.DefaultStartTimeout

// User and Password log in as the user the default setup creates (see
// Options): "tester" with every privilege on the universe. Instance.Eval
// and Member.Eval log in as this user; the replica sets' script creates it
// too.
const (
	User     = "tester"
	Password = "secret"
)

// envLua passes Options.Lua to kit.lua.
const envLua = "TXT_KIT_LUA"

// kitLua is the script run when Options.Script is empty.
//
//go:embed kit.lua
var kitLua string

// ErrScriptAndLua is returned by Start and StartProcess when Options sets
// both Script and Lua.
var ErrScriptAndLua = errors.New("tarantooltest: Options.Script and Options.Lua exclude each other")

// Options configures an instance. The zero value starts the default setup
// on a free 127.0.0.1 port: box.cfg with a 64 MiB memtx arena, the user
// tester/secret (User, Password) with every privilege, guest left as
// Tarantool makes it (connect only), and a space test (primary TREE index
// on field 1 unsigned; format id unsigned, name string nullable).
type Options struct {
	// Lua is a Lua snippet run by the default setup after box.cfg and the
	// tester user and before the server listens, instead of creating the
	// space test; a client that gets a greeting sees what it created. It
	// runs on every start, Restart included, so it should create with
	// if_not_exists = true. An error in it fails the start with a
	// *StartError holding the log tail. It excludes Script.
	Lua string
	// Script is a Lua file to run instead of the default setup: it must
	// box.cfg{work_dir = os.getenv('TXT_WORK_DIR'), log =
	// os.getenv('TXT_LOG')}, set up its schema, box.cfg{listen =
	// os.getenv('TXT_LISTEN')} and then create the file
	// os.getenv('TXT_READY_FILE'). A relative path is taken from the
	// working directory when it exists there, else from the module root
	// (the nearest directory above holding go.mod).
	Script string
	// Unix makes the instance listen on a Unix socket in its work dir
	// instead of 127.0.0.1:<free port>.
	Unix bool
	// Env is extra environment for the script (read with os.getenv).
	// TXT_LISTEN, TXT_WORK_DIR, TXT_LOG and TXT_READY_FILE are set by the
	// kit and cannot be overridden; TT_* variables of the test process
	// are not passed on (box.cfg would read them), but a TT_* key here is.
	Env map[string]string
	// StartTimeout bounds each wait for readiness (Start, Restart); zero
	// means DefaultStartTimeout.
	StartTimeout time.Duration
}

// proc returns the tarantoolproc options: the script resolved to a file,
// or the default setup as source with the snippet in its environment.
func (o Options) proc() (tarantoolproc.Options, error) {
	p := tarantoolproc.Options{Unix: o.Unix, Env: o.Env, StartTimeout: o.StartTimeout}
	if o.Script == "" {
		p.Source = kitLua
		if o.Lua != "" {
			p.Env = make(map[string]string, len(o.Env)+1)
			for k, v := range o.Env {
				p.Env[k] = v
			}
			p.Env[envLua] = o.Lua
		}
		return p, nil
	}
	if o.Lua != "" {
		return p, ErrScriptAndLua
	}
	script, err := scriptPath(o.Script)
	if err != nil {
		return p, err
	}
	p.Script = script
	return p, nil
}

// scriptPath returns the absolute path of script: as given when absolute
// or found from the working directory, else under the module root.
func scriptPath(script string) (string, error) {
	if filepath.IsAbs(script) {
		return checkFile(script)
	}
	if _, err := os.Stat(script); err == nil {
		abs, err := filepath.Abs(script)
		if err != nil {
			return "", err
		}
		return checkFile(abs)
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return checkFile(filepath.Join(root, script))
}

// checkFile returns path when it names a regular file.
func checkFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("tarantooltest: script: %w", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("tarantooltest: script %s is not a regular file", path)
	}
	return path, nil
}

// moduleRoot walks up from the working directory to the directory holding
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("tarantooltest: script: %w (no go.mod above the working directory)", os.ErrNotExist)
		}
		dir = parent
	}
}
