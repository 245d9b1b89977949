"""Build the w2v Python module: the C extension w2v._w2v compiles libw2v's
sources (../src) into itself, so it needs no installed library and no
position-independent libw2v.a; numpy's headers come from the installed
numpy.  Offline: pip install --no-build-isolation ./python"""
import glob
import os
import subprocess
import sys

import numpy
from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIB_DIRS = ["core", "text", "train", "train/kernels", "io", "eval", "plot"]

if not os.path.isfile(os.path.join(ROOT, "include", "w2v", "train.h")):
    sys.exit("setup.py: the w2v sources (../include, ../src) are not beside python/; "
             "build from a checkout of the repository")


def pcre2_flags():
    """Compiler and linker flags for PCRE2 from pkg-config, if it knows them."""
    try:
        cflags = subprocess.run(["pkg-config", "--cflags", "libpcre2-8"], check=True,
                                capture_output=True, text=True).stdout.split()
        libs = subprocess.run(["pkg-config", "--libs", "libpcre2-8"], check=True,
                              capture_output=True, text=True).stdout.split()
        return cflags, libs
    except (OSError, subprocess.CalledProcessError):
        return [], ["-lpcre2-8"]


# Absolute paths: setuptools then puts each object under build/ (a relative
# ../src path would put it beside the source).
lib_sources = sorted(p for d in LIB_DIRS
                     for p in glob.glob(os.path.join(ROOT, "src", d, "*.c")))
# headers: an edit to any of them rebuilds the extension
headers = sorted(glob.glob(os.path.join(ROOT, "include", "w2v", "*.h")) +
                 glob.glob(os.path.join(ROOT, "src", "**", "*.h"), recursive=True))
pcre_cflags, pcre_libs = pcre2_flags()

ext = Extension(
    "w2v._w2v",
    sources=[os.path.join("w2v", "_w2v.c")] + lib_sources,
    include_dirs=[os.path.join(ROOT, "include"), os.path.join(ROOT, "src"),
                  numpy.get_include()],
    depends=headers,
    define_macros=[("_DEFAULT_SOURCE", None)],
    # The flags of the Makefile's build (C11, -O2, its LAYOUT, no fast-math,
    # no -march), so one thread and a seed give the vectors w2v-train gives.
    extra_compile_args=["-std=c11", "-O2", "-falign-functions=64", "-pthread",
                        "-fvisibility=hidden"] + pcre_cflags,
    extra_link_args=["-pthread"] + pcre_libs + ["-lm"],
)

setup(
    name="w2v",
    version="0.1.0",
    description="word2vec training and evaluation with libw2v, with gensim's Word2Vec API",
    packages=["w2v"],
    ext_modules=[ext],
    python_requires=">=3.8",
    install_requires=["numpy"],
    zip_safe=False,
)
