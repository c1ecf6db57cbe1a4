# ktapc (bundle part): hyperfine for bench/ktapc/run.sh. Sourced by scripts/deps.sh.
# (The NativeAOT publish the bench measures also needs clang and zlib1g-dev; the bench
# checks for them itself, so CI does not pay for installing a C toolchain it does not use.)
ktap_apt_install hyperfine
