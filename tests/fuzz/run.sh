#!/bin/sh
# Builds a libFuzzer target with clang (+ASan/UBSan) in build-fuzz/ and
# runs it for a bounded time (default 60 s), each from its own corpus:
#
#   tests/fuzz/run.sh vfs [SECONDS]    the VFS against the kernel: random
#                                      op sequences replayed on both (root:
#                                      a private mount namespace each)
#   tests/fuzz/run.sh argv [SECONDS]   command lines through the parser and
#                                      the backend's checks (argv_one.c)
#
# A find is saved by libFuzzer as crash-*; keep it as a regression input
# (tests/fuzz/corpus/argv/ replays in argv_storm; a VFS divergence becomes
# a scenario).
set -eu
cd "$(dirname "$0")/../.."
target=${1:?usage: run.sh vfs|argv [SECONDS]}
secs=${2:-60}
if [ ! -d build-fuzz ]; then
	# every library instrumented for coverage; only the targets link libFuzzer;
	# a UBSan report ends the run (a recovered one spawns a symbolizer whose
	# pipe the harness could then name)
	CC=clang CFLAGS="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" meson setup build-fuzz -Dtests=enabled \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
case $target in
vfs)
	ninja -C build-fuzz tests/differential/fuzz-vfs
	mkdir -p build-fuzz/corpus
	cd build-fuzz
	exec ./tests/differential/fuzz-vfs -max_total_time="$secs" -max_len=192 -len_control=0 \
		-timeout=20 corpus ;;
argv)
	ninja -C build-fuzz tests/fuzz/fuzz-argv
	mkdir -p build-fuzz/corpus-argv
	# stderr closed: the parser's usage text for every refused line;
	# libFuzzer and the sanitizers report on a copy of it
	exec ./build-fuzz/tests/fuzz/fuzz-argv -max_total_time="$secs" -max_len=4096 -timeout=20 \
		-close_fd_mask=2 \
		-dict=tests/fuzz/argv.dict build-fuzz/corpus-argv tests/fuzz/corpus/argv ;;
*)
	echo "run.sh: no target $target (vfs, argv)" >&2
	exit 2 ;;
esac
