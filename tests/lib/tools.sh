# Sourced by the board and kernel tests that run ktap and ktapc: one Release build of both
# per test run, shared, instead of one `dotnet build -o` per test script (each 15-50 s; a
# CI run had eleven of them).
#   ktap_tools           builds when needed; sets $tools to the folder with ktap, ktapc
#                        (and their .dll); returns non-zero with the build log's tail on
#                        stderr when the build fails
# The folder (out/tests/tool) is rebuilt when a file of the tools' sources (toolchain/,
# except build output, and runtime's .def files and arch tables) is newer than the last
# build. Needs $root (the repository).
ktap_tools() {
    local dir=$root/out/tests/tool p changed
    mkdir -p "$dir"
    exec 8> "$dir.lock"
    flock 8
    changed=
    if [ ! -f "$dir/.built" ] || [ ! -x "$dir/ktap" ] || [ ! -x "$dir/ktapc" ]; then
        changed=1
    else
        changed=$(find "$root/toolchain" "$root/runtime/ktapvm" "$root/runtime/arch" \
            \( -name bin -o -name obj \) -prune -o \
            \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.def' -o -name '*.json' \) \
            -newer "$dir/.built" -print -quit)
    fi
    if [ -n "$changed" ]; then
        touch "$dir/.building"   # a file edited during the build is newer than the stamp
        for p in Ktap/ktap.csproj Ktapc/ktapc/ktapc.csproj; do
            if ! timeout 900 dotnet build "$root/toolchain/$p" -c Release -o "$dir" > "$dir.log" 2>&1; then
                tail -n 5 "$dir.log" >&2
                flock -u 8
                return 1
            fi
        done
        mv "$dir/.building" "$dir/.built"
    fi
    flock -u 8
    tools=$dir
}
