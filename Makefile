# w2v - word2vec trainer and evaluator.  `make help` lists the targets.
#
# Layout: the library's folders (LIB_DIRS) -> libw2v.a; src/cli/w2v-*.c -> one
# program each in bin/; tests/test_*.c -> one test program each; tests/*.sh ->
# end-to-end checks.  Object trees mirror src/; header dependencies come from
# the compiler (-MMD -MP), so editing any header rebuilds exactly its users.
# Sanitizer builds go to their own tree (build/asan, build/tsan) so they
# never mix objects with the default build.

CC      ?= cc
OUT     ?= .
BIN     := $(OUT)/bin
OBJ     := $(OUT)/build/obj
TBIN    := $(OUT)/build/tests

PCRE2_CFLAGS := $(shell pkg-config --cflags libpcre2-8 2>/dev/null)
PCRE2_LIBS   := $(shell pkg-config --libs libpcre2-8 2>/dev/null || echo -lpcre2-8)

WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wvla -Wundef -Wcast-align \
           -Wpointer-arith -Wwrite-strings
OPT     ?= -O2 -g
CFLAGS  ?=
CPPFLAGS += -Iinclude -Isrc -D_DEFAULT_SOURCE
DEPFLAGS = -MMD -MP
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) -pthread $(PCRE2_CFLAGS) $(SAN) $(CFLAGS)
LDLIBS  := $(PCRE2_LIBS) -lm -pthread

LIB_DIRS := src/core src/text src/train src/train/kernels src/io src/eval src/plot
LIB_SRC  := $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(OBJ)/%.o)
CLI_COMMON_SRC := $(filter-out src/cli/w2v-%.c,$(wildcard src/cli/*.c))
CLI_COMMON_OBJ := $(CLI_COMMON_SRC:src/cli/%.c=$(OBJ)/cli/%.o)
PROG_SRC := $(wildcard src/cli/w2v-*.c)
PROGS    := $(PROG_SRC:src/cli/%.c=$(BIN)/%)
TEST_SRC := $(wildcard tests/test_*.c)
TESTS    := $(TEST_SRC:tests/%.c=$(TBIN)/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
LIBW2V   := $(OUT)/build/libw2v.a

.PHONY: all test test-quick asan tsan bench clean help check-symbols mpi python

# ---- the MPI trainer (optional: only where mpicc is) -------------------------
# mpicc is asked to use $(CC), so the sanitizer trees build it with clang too.
MPICC       ?= OMPI_CC=$(CC) MPICH_CC=$(CC) mpicc
HAVE_MPICC  := $(shell command -v mpicc 2>/dev/null)
MPI_OBJ     := $(OBJ)/mpi/w2v-train-mpi.o $(OBJ)/mpi/mpi_job.o
MPI_PROG    := $(BIN)/w2v-train-mpi
TEST_MPI    := $(if $(HAVE_MPICC),$(MPI_PROG))

all: $(PROGS)

help:
	@echo "make              build libw2v.a and the programs in bin/"
	@echo "make test         build and run every test (ends with 'N passed, N failed, N skipped')"
	@echo "make test-quick   unit tests only (no end-to-end training or gensim checks)"
	@echo "make asan         the whole suite under AddressSanitizer + UBSan (clang)"
	@echo "make tsan         the whole suite under ThreadSanitizer (clang)"
	@echo "make fuzz         libFuzzer+ASan/UBSan on every parser, FUZZ_SECONDS (60) each (clang)"
	@echo "make mpi          bin/w2v-train-mpi, the data-parallel trainer (needs mpicc: Open MPI)"
	@echo "make bench        speed and quality against fastText and gensim (minutes; see scripts/bench.sh)"
	@echo "make python       the Python module w2v in python/ (PYTHONPATH=python; see docs/python.md)"
	@echo "make check-symbols  every exported library symbol carries the w2v_ prefix"
	@echo "make clean        remove build outputs"
	@echo "Variables: CC=clang, OPT='-O3 -march=native', CFLAGS=..."

$(OBJ)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

# the programs' shared code (cli.h, train_cli.h) is visible to programs only
$(OBJ)/cli/%.o: CPPFLAGS += -Isrc/cli

$(LIBW2V): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BIN)/%: $(OBJ)/cli/%.o $(CLI_COMMON_OBJ) $(LIBW2V) | $(BIN)
	$(CC) $(ALL_CFLAGS) $^ $(LDLIBS) -o $@

$(TBIN)/%: tests/%.c $(CLI_COMMON_OBJ) $(LIBW2V) | $(TBIN)
	$(CC) $(CPPFLAGS) -Isrc/cli $(ALL_CFLAGS) $(DEPFLAGS) $< $(CLI_COMMON_OBJ) $(LIBW2V) $(LDLIBS) -o $@

$(TBIN)/fuzz_replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIBW2V) | $(TBIN)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) $< tests/fuzz/replay.c $(LIBW2V) $(LDLIBS) -o $@

FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(TBIN)/fuzz_replay_%)

$(OBJ)/mpi/%.o: src/mpi/%.c
	@mkdir -p $(@D)
	$(MPICC) $(CPPFLAGS) -Isrc/cli $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(MPI_PROG): $(MPI_OBJ) $(CLI_COMMON_OBJ) $(LIBW2V) | $(BIN)
	$(MPICC) $(ALL_CFLAGS) $^ $(LDLIBS) -o $@

mpi: $(MPI_PROG)

$(BIN) $(TBIN):
	mkdir -p $@

-include $(shell find $(OUT)/build/obj $(TBIN) -name '*.d' 2>/dev/null)

test: all $(TESTS) $(CLI_COMMON_OBJ) $(FUZZ_REPLAY) $(TEST_MPI)
	@W2V_BIN=$(BIN) W2V_TBIN=$(TBIN) tests/run.sh

test-quick: all $(TESTS) $(FUZZ_REPLAY)
	@W2V_QUICK=1 W2V_BIN=$(BIN) W2V_TBIN=$(TBIN) tests/run.sh

SAN_ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_TSAN := -fsanitize=thread
asan:
	$(MAKE) OUT=build/asan CC=clang OPT='-O1 -g' SAN='$(SAN_ASAN)' test
# ThreadSanitizer cannot follow Open MPI's own (uninstrumented) locking and
# reports inside it, so the tsan tree leaves w2v-train-mpi out; test_sync runs
# the same threads and exchange in one process under TSan.
tsan:
	TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1" \
	W2V_SKIP_MPI="not under ThreadSanitizer (see the Makefile)" \
	$(MAKE) OUT=build/tsan CC=clang OPT='-O1 -g' SAN='$(SAN_TSAN)' HAVE_MPICC= test

# ---- fuzzing: clang + libFuzzer, ASan + UBSan --------------------------------
# make fuzz                      every target for FUZZ_SECONDS (60) each
# make fuzz FUZZ_TARGETS=vectors FUZZ_SECONDS=600
# New inputs go to build/fuzz/corpus/<name>, crashes to build/fuzz/crash/<name>;
# copy the ones worth keeping to tests/fuzz/corpus/<name> (make test replays them).
FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_NAMES   := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_CFLAGS  := -std=c11 -O1 -g -fno-omit-frame-pointer -pthread \
                -fsanitize=address,undefined -fno-sanitize-recover=all $(PCRE2_CFLAGS)
FUZZ_OBJ     := $(LIB_SRC:src/%.c=$(FUZZ_DIR)/obj/%.o)
-include $(FUZZ_OBJ:.o=.d)
.PHONY: fuzz fuzz-build
.SECONDARY: $(FUZZ_OBJ)
fuzz-build: $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
fuzz: fuzz-build
	@for n in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$n $(FUZZ_DIR)/crash/$$n || exit 1; \
	    echo "== fuzz_$$n for $(FUZZ_SECONDS) s"; \
	    $(FUZZ_DIR)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ_DIR)/crash/$$n/ \
	        $(FUZZ_DIR)/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done
$(FUZZ_DIR)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	clang $(CPPFLAGS) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	clang $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJ) $(PCRE2_LIBS) -lm -o $@

bench: all
	scripts/bench.sh

# ---- the Python module (python/: setup.py compiles the library's sources
# into the extension itself, position-independent, with the flags above) ---
PYTHON ?= /usr/bin/python3
python:
	cd python && $(PYTHON) setup.py -q build_ext --inplace -j2

check-symbols: $(LIBW2V)
	@bad=$$(nm -g --defined-only $(LIBW2V) | awk 'NF==3 && $$3 !~ /^w2v_/ {print $$3}'); \
	if [ -n "$$bad" ]; then echo "unprefixed symbols: $$bad"; exit 1; else echo "all symbols prefixed w2v_"; fi

clean:
	rm -rf bin build python/build python/w2v/*.so python/*.egg-info
