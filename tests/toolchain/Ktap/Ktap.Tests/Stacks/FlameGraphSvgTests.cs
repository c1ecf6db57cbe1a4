using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using Ktap.Tool.Stacks;

namespace Ktap.Tests.Stacks;

/// <summary>
/// The SVG flame graph (issue 16.5): its structure read back as XML, the widths, the zoom
/// script, hostile names, and a render in headless Chromium (tests/lib/flamegraph-browser.py).
/// </summary>
public sealed class FlameGraphSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly (string, long)[] Profile =
    [
        ("cpu_startup_entry;do_idle;default_idle", 60),
        ("cpu_startup_entry;do_idle;tick_nohz_idle_enter", 10),
        ("entry_SYSCALL_64;do_syscall_64;ksys_read;vfs_read;urandom_read;get_random_bytes_user", 25),
        ("entry_SYSCALL_64;do_syscall_64;ksys_write", 5),
    ];

    private sealed record Frame(string Name, int Depth, double X, double Width, long Start, long Count, string Label);

    private static List<Frame> Frames(XDocument doc) => doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "f").Select(g =>
    {
        var rect = g.Element(Svg + "rect")!;
        return new Frame(g.Element(Svg + "title")!.Value.Split('\n')[0], (int)g.Attribute("data-d")!,
            double.Parse((string)rect.Attribute("x")!, CultureInfo.InvariantCulture), double.Parse((string)rect.Attribute("width")!, CultureInfo.InvariantCulture),
            (long)g.Attribute("data-s")!, (long)g.Attribute("data-n")!, g.Element(Svg + "text")!.Value);
    }).ToList();

    [Fact]
    public void FramesAreAsWideAsTheirSamples()
    {
        var doc = XDocument.Parse(FlameGraphSvg.Render(Profile, "test"));
        var frames = Frames(doc);
        double inner = FlameGraphSvg.Width - 2 * FlameGraphSvg.Pad;
        var root = Assert.Single(frames, f => f.Depth == 0);
        Assert.Equal(("all", 100L), (root.Name, root.Count));
        Assert.Equal(inner, root.Width, 3);
        Assert.Equal(FlameGraphSvg.Pad, root.X, 3);
        // each level's frames sit side by side inside the root, never wider in sum than their callers
        for (int d = 1; d <= frames.Max(f => f.Depth); d++)
            Assert.True(frames.Where(f => f.Depth == d).Sum(f => f.Width) <= frames.Where(f => f.Depth == d - 1).Sum(f => f.Width) + 0.01);
        Assert.Equal(inner, frames.Where(f => f.Depth == 1).Sum(f => f.Width), 2); // every sample has a first frame
        foreach (var f in frames) Assert.Equal((double)f.Count / 100 * inner, f.Width, 2);
        // siblings in name order, callees inside their caller
        var level1 = frames.Where(f => f.Depth == 1).OrderBy(f => f.X).Select(f => f.Name).ToList();
        Assert.Equal(["cpu_startup_entry", "entry_SYSCALL_64"], level1);
        var idle = frames.Single(f => f.Name == "do_idle");
        var defaultIdle = frames.Single(f => f.Name == "default_idle");
        Assert.True(defaultIdle.X >= idle.X && defaultIdle.X + defaultIdle.Width <= idle.X + idle.Width + 0.01);
        Assert.Equal(6, frames.Max(f => f.Depth)); // the deepest stack has 6 frames above "all" (depth 0)
        // a tooltip per frame: samples and percent
        var title = doc.Descendants(Svg + "title").Single(t => t.Value.StartsWith("default_idle\n")).Value;
        Assert.Equal("default_idle\n60 samples, 60%", title);
        // the zoom script is there and reads names as text
        var script = doc.Descendants(Svg + "script").Single().Value;
        Assert.Contains("addEventListener('click'", script);
        Assert.Contains("textContent", script);
        Assert.DoesNotContain("innerHTML", script);
        Assert.Equal("100", (string?)doc.Root!.Attribute("data-total"));
    }

    [Fact]
    public void LabelsAreCutToTheirFrames()
    {
        Assert.Equal("get_random_bytes_user", FlameGraphSvg.Label("get_random_bytes_user", 500));
        Assert.Equal("", FlameGraphSvg.Label("get_random_bytes_user", 20));
        var cut = FlameGraphSvg.Label("get_random_bytes_user", 60);
        Assert.EndsWith("..", cut);
        Assert.True(cut.Length * FlameGraphSvg.CharWidth <= 60 - 6);
        var frames = Frames(XDocument.Parse(FlameGraphSvg.Render(Profile, "test")));
        foreach (var f in frames) Assert.True(f.Label.Length * FlameGraphSvg.CharWidth <= Math.Max(0, f.Width - 6) + 0.01, f.Name);
    }

    [Fact]
    public void TinyFramesAreLeftOutAndColoursFollowTheName()
    {
        var doc = XDocument.Parse(FlameGraphSvg.Render([("big", 1_000_000), ("big;tiny", 1)], "t"));
        Assert.DoesNotContain(Frames(doc), f => f.Name == "tiny");
        Assert.Equal(FlameGraphSvg.Colour("vfs_read"), FlameGraphSvg.Colour("vfs_read [ext4]"));
        Assert.NotEqual(FlameGraphSvg.Colour("vfs_read"), FlameGraphSvg.Colour("vfs_write"));
        var (r, g, b) = FlameGraphSvg.Colour("anything");
        Assert.InRange(r, 205, 254); Assert.InRange(g, 60, 229); Assert.InRange(b, 0, 54);
        // the same input, the same bytes
        Assert.Equal(FlameGraphSvg.Render(Profile, "t"), FlameGraphSvg.Render(Profile, "t"));
        // no samples: a valid, empty graph
        Assert.Empty(Frames(XDocument.Parse(FlameGraphSvg.Render([], "t"))));
    }

    public static readonly string[] Hostile =
    [
        "<script>window.pwned=1</script>",
        "\" onload=\"window.pwned=1",
        "a'b&c<d>e",
        "]]><script>window.pwned=1</script><![CDATA[",
        "ctl\u0001\u001b[31m\u0000\u007f\u0085end",
        "lone\ud800surrogate\uffff",
        "<img src=x onerror=\"window.pwned=1\">",
    ];

    [Fact]
    public void HostileNamesStayText()
    {
        var lines = Hostile.Select((n, i) => ($"root;{n}", (long)(i + 1))).Append(("root;" + string.Join(";", Hostile), 3L)).ToList();
        var text = FlameGraphSvg.Render(lines, "<title>\"x\"</title>");
        var doc = XDocument.Parse(text); // well-formed: no character XML cannot carry
        Assert.Single(doc.Descendants(Svg + "script"));
        Assert.DoesNotContain(doc.Descendants(), e => e.Name.LocalName is "img" or "foreignObject" or "a" or "iframe");
        Assert.All(doc.Descendants(), e => Assert.DoesNotContain(e.Attributes(), a => a.Name.LocalName.StartsWith("on")));
        var names = Frames(doc).Select(f => f.Name).ToList();
        foreach (var n in Hostile.Take(4)) Assert.Contains(n, names); // the text itself survives, as text
        Assert.Contains("ctl\ufffd\ufffd[31m\ufffd\ufffd\ufffdend", names);
        Assert.Contains("lone\ufffdsurrogate\ufffd", names);
        Assert.Equal("<title>\"x\"</title>", doc.Descendants(Svg + "text").First(t => (string?)t.Attribute("id") == "title").Value);
        Assert.DoesNotContain("<script>window", text);
    }

    /// <summary>
    /// The hostile graph in a real browser: rendered (pixels decoded), zoomed by a click,
    /// and no name ran code. Needs chromium (scripts/deps/40-tool.sh installs it).
    /// </summary>
    [Fact]
    public void RendersInChromium()
    {
        var dir = Directory.CreateTempSubdirectory("ktap-flame-browser").FullName;
        var svg = Path.Combine(dir, "hostile.svg");
        var lines = Profile.Concat(Hostile.Select(n => ($"entry_SYSCALL_64;{n}", 3L))).ToList();
        File.WriteAllText(svg, FlameGraphSvg.Render(lines, "ktap <script>window.pwned=1</script>"));
        var (code, output) = Browser(svg, dir, "--frame", "get_random_bytes_user", "--frame", Hostile[0]);
        Assert.True(code == 0, output);
        Assert.Contains("ok   - a click zooms the narrowest frame", output);
        // the check itself fails on a broken graph: no script, and a frame that is not there
        File.WriteAllText(svg, FlameGraphSvg.Render(Profile, "t").Replace("svg.setAttribute('data-ready', 'zoom');", ""));
        var (broken, brokenOutput) = Browser(svg, dir, "--frame", "not_a_frame");
        Assert.NotEqual(0, broken);
        Assert.Contains("FAIL - the zoom script ran in the page", brokenOutput);
        Assert.Contains("FAIL - a frame is named not_a_frame", brokenOutput);
        Directory.Delete(dir, true);
    }

    private static (int, string) Browser(string svg, string dir, params string[] args)
    {
        var script = Path.Combine(RepoRoot(), "tests", "lib", "flamegraph-browser.py");
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, svg, "--workdir", Path.Combine(dir, "browser") }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "tests", "lib", "flamegraph-browser.py"))) return d.FullName;
        throw new InvalidOperationException("tests/lib/flamegraph-browser.py not found above " + AppContext.BaseDirectory);
    }
}
