#!/bin/sh
# Builds the RV32I programs the emulation chapter runs, with Debian's
# gcc-riscv64-unknown-elf: RV32I only (no M, A, F, C; multiply and divide
# come from libgcc), the ILP32 ABI, static, no C library (our crt0.s and
# sys.s make the two system calls). The ELF files are committed beside
# their sources; test/emulation/programs.test.ts rebuilds them and checks
# that the bytes are the same.
#
#   sh build.sh [OUTDIR]      (default: this directory)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:-$here}" && cd "${1:-$here}" && pwd)
CC=${CC:-riscv64-unknown-elf-gcc}
command -v "$CC" >/dev/null 2>&1 || {
  echo "build.sh: $CC not found (apt-get install gcc-riscv64-unknown-elf)" >&2
  exit 1
}
# Relative source names and no debug information keep the output free of
# this machine's paths, so a rebuild anywhere gives the same bytes.
cd "$here"
FLAGS="-march=rv32i -mabi=ilp32 -O2 -static -nostdlib -ffreestanding -fno-pic -Wall -Werror
  -Wl,--build-id=none -Wl,--no-warn-rwx-segments"
# Objects get fixed names in a scratch directory (the linker records an
# object's name in the symbol table, and gcc's own temporaries are random).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for source in crt0.s sys.s lib.c hello.c sort.c sieve.c fib.c selfmod.s; do
  $CC $FLAGS -c -o "$work/${source%.*}.o" "$source"
done
cd "$work"
for program in hello sort sieve fib selfmod; do
  $CC $FLAGS -o "$out/$program.elf" crt0.o sys.o lib.o "$program.o" -lgcc
done
