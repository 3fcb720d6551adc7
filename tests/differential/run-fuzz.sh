#!/bin/sh
# The VFS against the kernel under libFuzzer: tests/fuzz/run.sh vfs.
exec "$(dirname "$0")/../fuzz/run.sh" vfs "$@"
