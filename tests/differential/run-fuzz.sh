#!/bin/sh
# Builds the libFuzzer target with clang (+ASan/UBSan) in build-fuzz/ and
# runs it for a bounded time (default 60 s). Needs root: every input is
# replayed on the kernel in a private mount namespace.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
if [ ! -d build-fuzz ]; then
	# every library instrumented for coverage; only fuzz-vfs links libFuzzer
	CC=clang CFLAGS=-fsanitize=fuzzer-no-link meson setup build-fuzz -Dtests=enabled \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C build-fuzz tests/differential/fuzz-vfs
mkdir -p build-fuzz/corpus
cd build-fuzz
exec ./tests/differential/fuzz-vfs -max_total_time="$secs" -max_len=192 -len_control=0 \
	-timeout=20 corpus
