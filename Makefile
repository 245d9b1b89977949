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
# Functions start on 64-byte lines, so that where a hot loop falls does not
# change with edits elsewhere: at the compilers' 16, one unrelated change to
# corpus.c cost the one-thread read of enwiki8 6 % (0.75-0.77 s against
# 0.70-0.72 s, the same code either way at 64).
LAYOUT  := -falign-functions=64
CFLAGS  ?=
CPPFLAGS += -Iinclude -Isrc -D_DEFAULT_SOURCE
DEPFLAGS = -MMD -MP
ALL_CFLAGS = -std=c11 $(OPT) $(LAYOUT) $(WARN) -pthread $(PCRE2_CFLAGS) $(SAN) $(CFLAGS)
LDLIBS  := $(PCRE2_LIBS) -lm -pthread

LIB_DIRS := src/core src/text src/train src/train/kernels src/io src/eval src/plot src/search
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
# the shared library and the one version (see "the shared library" below)
W2V_VERSION := $(shell awk '/^.define W2V_VERSION_(MAJOR|MINOR|PATCH) /{printf "%s%s", s, $$3; s="."}' include/w2v/version.h)
W2V_MAJOR   := $(word 1,$(subst ., ,$(W2V_VERSION)))
W2V_MINOR   := $(word 2,$(subst ., ,$(W2V_VERSION)))
PIC         := $(OUT)/build/pic
PIC_OBJ     := $(LIB_SRC:src/%.c=$(PIC)/%.o)
PUBLIC_H    := $(wildcard include/w2v/*.h)
SONAME      := libw2v.so.$(W2V_MAJOR)
SHLIB       := $(OUT)/build/libw2v.so.$(W2V_MAJOR).$(W2V_MINOR)

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
	@echo "make check-symbols  every exported library symbol carries the w2v_ prefix;"
	@echo "                  libw2v.so exports exactly the public headers' functions"
	@echo "make shared       build/libw2v.so.MAJOR.MINOR (PIC objects in build/pic)"
	@echo "make install      programs, libraries, headers, w2v.pc, man pages, bash"
	@echo "                  completion under PREFIX (/usr/local); DESTDIR, BINDIR, LIBDIR,"
	@echo "                  INCLUDEDIR, MANDIR, PKGCONFIGDIR, BASHCOMPDIR as GNU names them"
	@echo "make uninstall    remove every file make install put there (same variables)"
	@echo "make deb          Debian packages w2v and libw2v-dev in build/deb (debhelper)"
	@echo "make test-deb     build them and check their contents (under a minute)"
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
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

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

test: all $(TESTS) $(CLI_COMMON_OBJ) $(FUZZ_REPLAY) $(TEST_MPI) $(SHLIB)
	@W2V_BIN=$(BIN) W2V_TBIN=$(TBIN) W2V_LIBDIR=$(OUT)/build W2V_CC='$(CC) $(SAN)' tests/run.sh

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

check-symbols: $(LIBW2V) $(SHLIB)
	@bad=$$(nm -g --defined-only $(LIBW2V) | awk 'NF==3 && $$3 !~ /^w2v_/ {print $$3}'); \
	if [ -n "$$bad" ]; then echo "unprefixed symbols: $$bad"; exit 1; else echo "all symbols prefixed w2v_"; fi
	@W2V_LIBDIR=$(OUT)/build W2V_CC='$(CC)' bash tests/e2e_symbols.sh | \
	    awk '{ print } $$1 == "RESULT" { ok = $$3 == 0 } END { exit !ok }'

clean:
	rm -rf bin build python/build python/w2v/*.so python/*.egg-info

# ---- the shared library, install, uninstall, Debian packages -----------------
# One version, in include/w2v/version.h.  libw2v.so.MAJOR.MINOR (soname
# libw2v.so.MAJOR) is linked from position-independent objects of its own
# (build/pic) with a version script that exports exactly the w2v_ functions
# the public headers declare (scripts/libw2v-map.sh): everything else stays
# local, and a new public function is exported without marking it.
-include $(PIC_OBJ:.o=.d)
.PHONY: shared install uninstall deb test-deb

shared: $(SHLIB)

$(PIC)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fPIC $(DEPFLAGS) -c $< -o $@

$(PIC)/libw2v.map: $(PIC_OBJ) $(PUBLIC_H) scripts/libw2v-map.sh
	CC='$(CC)' scripts/libw2v-map.sh '$(PUBLIC_H)' $(PIC_OBJ) > $@.tmp
	mv $@.tmp $@

$(SHLIB): $(PIC_OBJ) $(PIC)/libw2v.map
	$(CC) -shared $(ALL_CFLAGS) $(LDFLAGS) -Wl,-soname,$(SONAME) \
	    -Wl,--version-script,$(PIC)/libw2v.map $(PIC_OBJ) $(LDLIBS) -o $@
	ln -sf $(@F) $(@D)/$(SONAME)
	ln -sf $(@F) $(@D)/libw2v.so

# GNU's installation directories (uppercase here); DESTDIR stages them.
PREFIX       ?= /usr/local
EXEC_PREFIX  ?= $(PREFIX)
BINDIR       ?= $(EXEC_PREFIX)/bin
LIBDIR       ?= $(EXEC_PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
DATAROOTDIR  ?= $(PREFIX)/share
MANDIR       ?= $(DATAROOTDIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR  ?= $(DATAROOTDIR)/bash-completion/completions
INSTALL      ?= install
# Every program in bin/ (w2v-train-mpi when make mpi built it) with its page
# man/NAME.1; the library's pages are man/*.3, the formats' man/*.5.
INSTALL_PROGS = $(notdir $(PROGS)) $(if $(wildcard $(MPI_PROG)),$(notdir $(MPI_PROG)))
KNOWN_PROGS   = $(sort $(notdir $(PROGS) $(MPI_PROG)) $(basename $(notdir $(wildcard man/*.1))))
D = $(DESTDIR)

install: all $(LIBW2V) $(SHLIB)
	$(INSTALL) -d $(D)$(BINDIR) $(D)$(LIBDIR) $(D)$(INCLUDEDIR)/w2v $(D)$(PKGCONFIGDIR) \
	    $(D)$(MANDIR)/man1 $(D)$(MANDIR)/man3 $(D)$(MANDIR)/man5 $(D)$(BASHCOMPDIR)
	$(INSTALL) -m 644 completion/w2v $(D)$(BASHCOMPDIR)/w2v
	for p in $(INSTALL_PROGS); do \
	    $(INSTALL) -m 755 $(BIN)/$$p $(D)$(BINDIR)/$$p && \
	    $(INSTALL) -m 644 man/$$p.1 $(D)$(MANDIR)/man1/$$p.1 && \
	    ln -sf w2v $(D)$(BASHCOMPDIR)/$$p || exit 1; \
	done
	$(INSTALL) -m 644 $(wildcard man/*.3) $(D)$(MANDIR)/man3
	$(INSTALL) -m 644 $(wildcard man/*.5) $(D)$(MANDIR)/man5
	$(INSTALL) -m 644 $(LIBW2V) $(D)$(LIBDIR)/libw2v.a
	$(INSTALL) -m 755 $(SHLIB) $(D)$(LIBDIR)/$(notdir $(SHLIB))
	ln -sf $(notdir $(SHLIB)) $(D)$(LIBDIR)/$(SONAME)
	ln -sf $(notdir $(SHLIB)) $(D)$(LIBDIR)/libw2v.so
	$(INSTALL) -m 644 $(PUBLIC_H) $(D)$(INCLUDEDIR)/w2v
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
	    -e 's|@VERSION@|$(W2V_VERSION)|' w2v.pc.in > $(D)$(PKGCONFIGDIR)/w2v.pc

uninstall:
	for p in $(KNOWN_PROGS); do \
	    rm -f $(D)$(BINDIR)/$$p $(D)$(MANDIR)/man1/$$p.1 $(D)$(BASHCOMPDIR)/$$p; done
	rm -f $(D)$(BASHCOMPDIR)/w2v $(D)$(PKGCONFIGDIR)/w2v.pc
	rm -f $(addprefix $(D)$(MANDIR)/man3/,$(notdir $(wildcard man/*.3)))
	rm -f $(addprefix $(D)$(MANDIR)/man5/,$(notdir $(wildcard man/*.5)))
	rm -f $(D)$(LIBDIR)/libw2v.a $(D)$(LIBDIR)/libw2v.so $(D)$(LIBDIR)/$(SONAME) \
	    $(D)$(LIBDIR)/$(notdir $(SHLIB))
	rm -f $(addprefix $(D)$(INCLUDEDIR)/w2v/,$(notdir $(PUBLIC_H)))
	rmdir $(D)$(INCLUDEDIR)/w2v 2>/dev/null || true

# make deb: binary packages from a copy of the tree in build/deb (the tree
# itself stays clean); debian/changelog must carry the version above.
DEB_DIR := build/deb
deb:
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version); \
	[ "$$v" = "$(W2V_VERSION)" ] || { echo "debian/changelog says $$v, include/w2v/version.h $(W2V_VERSION)"; exit 1; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/w2v-$(W2V_VERSION)
	{ git ls-files -co --exclude-standard 2>/dev/null || \
	  find . -path ./build -prune -o -path ./bin -prune -o -path ./.git -prune -o -type f -print; } | \
	    while IFS= read -r f; do [ ! -e "$$f" ] || printf '%s\n' "$$f"; done | \
	    tar -cf - -T - | tar -xf - -C $(DEB_DIR)/w2v-$(W2V_VERSION)
	cd $(DEB_DIR)/w2v-$(W2V_VERSION) && \
	    DEB_BUILD_OPTIONS="noautodbgsym nocheck $(DEB_BUILD_OPTIONS)" dpkg-buildpackage -b -us -uc
	@ls $(DEB_DIR)/*.deb

test-deb:
	@bash tests/deb.sh | awk '{ print } $$1 == "RESULT" { ok = $$3 == 0 } END { exit !ok }'
