package tarantoolproc_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/txtarantool/txtarantool/internal/tarantoolproc"
)

func TestParseVersion(t *testing.T) {
	for text, want := range map[string]tarantoolproc.Version{
		"Tarantool 2.6.0-0-g47aa4e01e\nTarget: Linux-x86_64": {Major: 2, Minor: 6, Patch: 0, Raw: "2.6.0-0-g47aa4e01e"},
		"Tarantool 2.11.9 (Binary) 5b3c1f0e-uuid":            {Major: 2, Minor: 11, Patch: 9, Raw: "2.11.9"},
		"Tarantool 3.8.0-entrypoint-12-gabc":                 {Major: 3, Minor: 8, Patch: 0, Raw: "3.8.0-entrypoint-12-gabc"},
		"2.10":                                               {Major: 2, Minor: 10, Raw: "2.10"},
	} {
		got, err := tarantoolproc.ParseVersion(text)
		require.NoError(t, err, text)
		require.Equal(t, want, got, text)
	}
	for _, text := range []string{"", "Tarantool", "Tarantool x.y", "3", "1.2.3.4", "Tarantool 2.-1"} {
		_, err := tarantoolproc.ParseVersion(text)
		require.ErrorIs(t, err, tarantoolproc.ErrBadVersion, text)
	}
	v := tarantoolproc.Version{Major: 2, Minor: 11, Patch: 9}
	require.Equal(t, "2.11.9", v.String())
	require.True(t, v.AtLeast(2, 10))
	require.True(t, v.AtLeast(2, 11))
	require.True(t, v.AtLeast(1, 99))
	require.False(t, v.AtLeast(2, 12))
	require.False(t, v.AtLeast(3, 0))
	patch := func(s string) tarantoolproc.Version {
		w, err := tarantoolproc.ParseVersion(s)
		require.NoError(t, err)
		return w
	}
	require.True(t, patch("2.10.4").AtLeastVersion(patch("2.10.4")))
	require.True(t, patch("2.10.5").AtLeastVersion(patch("2.10.4")))
	require.False(t, patch("2.10.3").AtLeastVersion(patch("2.10.4")))
	require.True(t, patch("2.11.0").AtLeastVersion(patch("2.10.4")))
	require.False(t, patch("2.9.9").AtLeastVersion(patch("2.10")))
	require.True(t, patch("3.0.0").AtLeastVersion(patch("2.10.4")))
}

func TestBinaryVersion(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "fake-tarantool")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\necho 'Tarantool 3.8.0-0-gdeadbee'\necho 'Target: x'\n"), 0o755))
	v, err := tarantoolproc.BinaryVersion(fake)
	require.NoError(t, err)
	require.Equal(t, "3.8.0", v.String())
	t.Setenv(tarantoolproc.EnvBin, fake)
	v, err = tarantoolproc.ServerVersion()
	require.NoError(t, err)
	require.Equal(t, 3, v.Major)

	_, err = tarantoolproc.BinaryVersion(filepath.Join(dir, "missing"))
	require.Error(t, err)

	t.Setenv(tarantoolproc.EnvBin, "")
	bin := needTarantool(t)
	v, err = tarantoolproc.BinaryVersion(bin)
	require.NoError(t, err)
	// The greeting names the same version as --version.
	inst := start(t, tarantoolproc.Options{Source: readyLua})
	g, err := tarantoolproc.ParseVersion(strings.TrimSpace(fullGreeting(t, inst)))
	require.NoError(t, err)
	require.Equal(t, v.String(), g.String())
}
