# ktapc (bundle part): hyperfine for bench/ktapc/run.sh, and clang with zlib's development
# files for the NativeAOT ktapc that scripts/install-tools.sh puts in out/bin (clang also
# serves the fuzzers, scripts/deps/20-runtime.sh). Sourced by scripts/deps.sh.
ktap_apt_install hyperfine clang zlib1g-dev
