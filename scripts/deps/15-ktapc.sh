# ktapc (bundle part): hyperfine for bench/ktapc/run.sh; clang and zlib for the NativeAOT
# publish it measures (the .NET ILCompiler links with clang). Sourced by scripts/deps.sh.
ktap_apt_install hyperfine clang zlib1g-dev
