#!/usr/bin/env bash
# Install what w2v needs on Debian/Ubuntu, skipping what is already there:
# a C compiler, make, PCRE2 (build), the peers the tests and benchmarks
# compare against (python3-gensim, fasttext), Open MPI for the data-parallel
# trainer (make mpi) and its test, mandoc and man for the manual pages,
# debhelper for make deb, and clang with its sanitizer runtimes.
# Needs root (or sudo).
set -euo pipefail
need=()
command -v make >/dev/null || need+=(make)
command -v cc >/dev/null || need+=(gcc)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v xz >/dev/null || need+=(xz-utils)
command -v curl >/dev/null || need+=(curl)
command -v unzip >/dev/null || need+=(unzip)
[ -e /usr/include/pcre2.h ] || need+=(libpcre2-dev)
/usr/bin/python3 -c 'import gensim' 2>/dev/null || need+=(python3-gensim)
command -v fasttext >/dev/null || need+=(fasttext)
# the Python module (make python) and its tests
ls /usr/include/python3*/Python.h >/dev/null 2>&1 ||
    need+=(python3-dev)
/usr/bin/python3 -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
/usr/bin/python3 -c 'import setuptools' 2>/dev/null || need+=(python3-setuptools)
/usr/bin/python3 -c 'import pytest' 2>/dev/null || need+=(python3-pytest)
# w2v-train-mpi (make mpi) and its end-to-end test
command -v mpicc >/dev/null || need+=(openmpi-bin libopenmpi-dev)
# the manual pages' lint and rendering (make test), the Debian packages (make deb)
command -v mandoc >/dev/null || need+=(mandoc)
command -v man >/dev/null || need+=(man-db)
command -v dh >/dev/null || need+=(debhelper)
command -v dpkg-buildpackage >/dev/null || need+=(dpkg-dev)
# the sanitizer and fuzzing builds (make asan, make tsan, make fuzz)
command -v clang >/dev/null || need+=(clang)
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.asan-x86_64.a >/dev/null 2>&1 ||
    need+=(libclang-rt-dev)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}" >/dev/null
