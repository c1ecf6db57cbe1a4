using Ktap.Tests.Ssh;

namespace Ktap.Tests.Hostile;

/// <summary>
/// The hostile board: a real OpenSSH sshd on 127.0.0.1 (the hostile range of boards/ports.tsv) whose forced
/// command answers ktap's commands from the current scenario's files instead of running
/// them: the facts (uname...), the event catalog, files read with cat (ELF), and the
/// session (records on stdout, lines on stderr). It logs what ktap did to end the session
/// ("stop" line or EOF) in the scenario's remote.log.
/// </summary>
public sealed class HostileBoard : IDisposable
{
    public const string Script = """
        #!/bin/bash
        # Answers ktap's commands from the scenario named in ./scenario (see HostileBoard.cs).
        S=$(cat "$(dirname "$0")/scenario")
        C="$SSH_ORIGINAL_COMMAND"
        printf '%s\n' "${C:0:200}" >> "$S/commands.log"
        answer() { if [ -e "$S/$1" ]; then cat "$S/$1"; else printf '%s' "$2"; fi; }
        flood() { if [ -e "$S/$1" ]; then head -c "$(cat "$S/$1")" /dev/zero | tr '\0' 'A'; fi; }
        case "$C" in
          *"@ktap:armed"*)
            n=$(printf '%s' "$C" | grep -o 'head -c [0-9]*' | head -n 1 | cut -d' ' -f3)
            head -c "$n" > /dev/null
            echo '@ktap:armed' >&2
            [ -e "$S/stderr" ] && cat "$S/stderr" >&2
            [ -e "$S/records" ] && cat "$S/records"
            if read -r line; then echo stop >> "$S/remote.log"; else echo eof >> "$S/remote.log"; fi
            [ -e "$S/after-stop" ] && cat "$S/after-stop"
            exit 0;;
          *memavailable_kb*) answer doctor "$(printf 'release=6.1.0-hostile\nmachine=x86_64\n')";;
          *"uname -r; uname -m"*)
            flood facts-flood; flood facts-stderr-flood >&2
            answer facts "$(printf '6.1.0-hostile\nx86_64\n1\ndev')"
            [ -e "$S/facts-status" ] && exit "$(cat "$S/facts-status")"
            exit 0;;
          *"/sys/kernel/notes"*) answer kallsyms-key "$(printf '6.1.0-hostile\nffffffff81000000 T _text\n')";;
          *"/proc/kallsyms"*) answer kallsyms "";;
          *"field:"*) answer formats "$(printf 'sched/sched_switch/format:\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;')";;
          *available_filter_functions*) answer functions "vfs_read";;
          "cat '"*) answer elf "";;
          "uname -r") answer release "6.1.0-hostile";;
          *) exit 127;;
        esac
        """;

    public HostileBoard()
    {
        Root = Directory.CreateTempSubdirectory("ktap-hostile-").FullName;
        var script = Path.Combine(Root, "board.sh");
        File.WriteAllText(script, Script.Replace("\r", "") + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Sshd = new LoopbackSshd(TestPorts.Get("hostile").First, TestPorts.Get("hostile").Count, script);
    }

    public string Root { get; }
    public LoopbackSshd Sshd { get; }

    /// <summary>Makes a fresh scenario folder current; the test fills it with answer files.</summary>
    public string Scenario(string name)
    {
        var dir = Path.Combine(Root, "scenarios", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(Root, "scenario"), dir);
        return dir;
    }

    public void Dispose()
    {
        Sshd.Dispose();
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
