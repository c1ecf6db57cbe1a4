# Sourced by the tests that run ktap and ktapc: one build of both per test run, shared,
# instead of one `dotnet build -o` per test script (each 15-50 s; a CI run had eleven).
#   ktap_tools           builds when needed; sets $tools to the folder with ktap and ktapc;
#                        returns non-zero with the build log's tail on stderr when the
#                        build fails
# Which build, by KTAP_TEST_TOOLS:
#   installed   what a user runs: scripts/install-tools.sh's NativeAOT ktapc and ReadyToRun
#               ktap ($tools is out/bin). ktapc starts in about 10 ms instead of about 200 ms
#               through the JIT, which is most of a conformance case's time; and a fault
#               that only trimming or AOT compilation makes shows up in the tests.
#               scripts/test.sh sets it.
#   otherwise   a Release build run by the JIT (out/tests/tool, with the .dll files).
# Either is rebuilt when a file of the tools' sources (toolchain/, except build output, and
# runtime's .def files and arch tables) is newer than the last build. Needs $root.

# tools_stale STAMP: prints a source file newer than STAMP (or "missing"), nothing if none
tools_stale() {
    [ -f "$1" ] || { echo missing; return; }
    find "$root/toolchain" "$root/runtime/ktapvm" "$root/runtime/arch" \
        \( -name bin -o -name obj \) -prune -o \
        \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.def' -o -name '*.json' \) \
        -newer "$1" -print -quit
}

ktap_tools() {
    local dir p
    if [ "${KTAP_TEST_TOOLS:-}" = installed ]; then
        dir=$root/out/tools
    else
        dir=$root/out/tests/tool
    fi
    mkdir -p "$dir"
    exec 8> "$dir.lock"
    flock 8
    local bin=$dir
    [ "${KTAP_TEST_TOOLS:-}" = installed ] && bin=$root/out/bin
    if [ -n "$(tools_stale "$dir/.built")" ] || [ ! -x "$bin/ktap" ] || [ ! -x "$bin/ktapc" ]; then
        touch "$dir/.building"   # a file edited during the build is newer than the stamp
        if [ "${KTAP_TEST_TOOLS:-}" = installed ]; then
            if ! timeout 900 bash "$root/scripts/install-tools.sh" > "$dir.log" 2>&1; then
                tail -n 5 "$dir.log" >&2; flock -u 8; return 1
            fi
        else
            for p in Ktap/ktap.csproj Ktapc/ktapc/ktapc.csproj; do
                if ! timeout 900 dotnet build "$root/toolchain/$p" -c Release -o "$dir" > "$dir.log" 2>&1; then
                    tail -n 5 "$dir.log" >&2; flock -u 8; return 1
                fi
            done
        fi
        mv "$dir/.building" "$dir/.built"
    fi
    flock -u 8
    tools=$bin
}
