#!/usr/bin/env bash
# The scaling model of w2v-train-mpi (docs/mpi.md, "A scaling
# model"): per node and round, compute s / r seconds against an
# exchange of P bytes by ring allreduce, 2 (N-1)/N P / B seconds.
#   scripts/mpi-model.sh            the table of docs/mpi.md
# Environment: WORDS (1e9 corpus words), V (1e6 vocabulary), D (300),
# RATE (words/s of one node; 16 threads x 0.72 M measured per thread at
# -dim 300), TOUCHED (share of the 2 V rows a round moves; 1 = dense),
# NODES ("8 16 32"), GBITS ("10 100"), EFF (0.7 target efficiency).
set -euo pipefail
awk -v W="${WORDS:-1e9}" -v V="${V:-1e6}" -v D="${D:-300}" -v r="${RATE:-11.5e6}" \
    -v f="${TOUCHED:-1}" -v nodes="${NODES:-8 16 32}" -v gbits="${GBITS:-10 100}" \
    -v eff="${EFF:-0.7}" 'BEGIN {
    P = f * 2 * V * D * 4 + 2 * 2 * V * 2        # changed rows + the row counts, bytes
    printf "payload a round and process: %.2f GB (V %.0f, D %d, %.0f%% of rows)\n", P / 1e9, V, D, 100 * f
    printf "one node: %.1f M words/s; corpus %.0f M words an epoch\n\n", r / 1e6, W / 1e6
    printf "| nodes | network | epoch compute s | exchange s | s for %.0f%% (blocking) | rounds an epoch at that s | overlapped: words a process between rounds | rounds an epoch |\n", 100 * eff
    printf "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
    n = split(nodes, N, " "); m = split(gbits, G, " ")
    for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) {
        B = G[j] * 1e9 / 8
        tx = 2 * (N[i] - 1) / N[i] * P / B       # seconds an exchange takes
        te = W / N[i] / r                        # seconds of compute an epoch
        s = eff / (1 - eff) * tx * r             # t_c / (t_c + t_x) >= eff
        printf "| %d | %d Gb/s | %.1f | %.2f | %.0f M words (%.1f s) | %.1f | %.0f M | %.1f |\n",
            N[i], G[j], te, tx, s / 1e6, s / r, W / N[i] / s, r * tx / 1e6, W / N[i] / (r * tx)
    }
}'
