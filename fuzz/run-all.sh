#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 30) on the committed corpus.
# Used by CI; new inputs found go to a temporary copy, never to the repository.
# A crash leaves its input under fuzz/artifacts/<target>/ and fails the script.
set -euo pipefail

seconds="${1:-30}"
here="$(cd "$(dirname "$0")" && pwd)"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run-all.sh: cargo-fuzz is not installed; skipping fuzzing."
    echo "Install it with: cargo install cargo-fuzz"
    exit 0
fi

targets=(frontmatter markdown config wxr search bibliography)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$here"
# Stable Rust: no sanitizer (cargo-fuzz#440); debug assertions stay on.
cargo fuzz build --sanitizer none
for target in "${targets[@]}"; do
    mkdir -p "$work/$target"
    cp -R "corpus/$target/." "$work/$target/"
    echo "== fuzzing $target for ${seconds}s"
    if ! cargo fuzz run --sanitizer none "$target" "$work/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$work/$target.log" 2>&1; then
        tail -n 40 "$work/$target.log"
        echo "fuzz/run-all.sh: $target failed; the input is under fuzz/artifacts/$target/"
        exit 1
    fi
    grep -E '^stat::number_of_executed_units' "$work/$target.log" || true
done
echo "fuzz/run-all.sh: all targets ran ${seconds}s without a crash"
