using System.Globalization;
using System.Text;

namespace Ktap.Tool.Stacks;

/// <summary>
/// Draws folded stacks as a self-contained interactive SVG flame graph: the root ("all") at
/// the bottom, each frame a rectangle as wide as its share of the samples, callers below
/// callees, siblings in name order (so a function's calls from one caller merge). Every frame
/// has a tooltip (its &lt;title&gt;: name, samples, percent) and a label cut to its width; a
/// small embedded script zooms into a clicked frame (Escape, or a click on "all" or on
/// "Reset zoom", zooms out). Colours come from a hash of the function name, so one function
/// has one colour in every graph. Names are board data: they only ever appear as escaped XML
/// text, and the script reads them with textContent, never as markup.
/// </summary>
public static class FlameGraphSvg
{
    public const double Width = 1200, Pad = 10, FrameHeight = 16, Top = 50, Bottom = 10;
    /// <summary>Frames narrower than this many pixels are left out (with their callees): invisible anyway.</summary>
    public const double MinWidth = 0.1;
    /// <summary>The advance of one character of the 12px monospace labels, rounded up.</summary>
    public const double CharWidth = 7.3;
    public const string RootName = "all";

    private sealed class Node(string name)
    {
        public string Name { get; } = name;
        public long Count;
        public SortedDictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);
    }

    public static string Render(IReadOnlyList<(string Stack, long Count)> lines, string title)
    {
        var root = new Node(RootName);
        foreach (var (stack, count) in lines)
        {
            if (count <= 0) continue;
            var node = root;
            root.Count = Add(root.Count, count);
            foreach (var frame in stack.Split(';'))
            {
                if (!node.Children.TryGetValue(frame, out var child)) node.Children[frame] = child = new Node(frame);
                child.Count = Add(child.Count, count);
                node = child;
            }
        }
        int depth = Depth(root, root.Count);
        double height = Top + (depth + 1) * FrameHeight + Bottom;
        double inner = Width - 2 * Pad;
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
        sb.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" ");
        sb.Append(c, $"data-total=\"{root.Count}\" data-width=\"{inner}\" data-pad=\"{Pad}\" data-char=\"{CharWidth}\">\n");
        sb.Append("<style>\n")
          .Append("text { font-family: monospace; font-size: 12px; fill: #000; }\n")
          .Append(".f { cursor: pointer; } .f:hover rect { stroke: #000; stroke-width: 0.5; }\n")
          .Append("#title { font-size: 16px; text-anchor: middle; } #info { fill: #555; } #reset { fill: #00c; cursor: pointer; }\n")
          .Append("</style>\n");
        sb.Append(c, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{height}\" fill=\"#f8f8f8\"/>\n");
        sb.Append(c, $"<text id=\"title\" x=\"{Width / 2}\" y=\"20\">{Escape(title)}</text>\n");
        sb.Append(c, $"<text id=\"info\" x=\"{Pad}\" y=\"40\">{root.Count} samples; click a frame to zoom, Escape to zoom out</text>\n");
        sb.Append(c, $"<text id=\"reset\" x=\"{Width - Pad}\" y=\"40\" text-anchor=\"end\" style=\"display:none\">Reset zoom</text>\n");
        sb.Append("<g id=\"frames\">\n");
        if (root.Count > 0) Frames(sb, root, 0, 0, root.Count, inner, height);
        sb.Append("</g>\n<script><![CDATA[\n").Append(Script).Append("]]></script>\n</svg>\n");
        return sb.ToString();
    }

    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    // The deepest frame still drawn (a frame below MinWidth is not, nor its callees).
    private static int Depth(Node node, long total)
    {
        int d = 0;
        foreach (var child in node.Children.Values)
            if (Px(child.Count, total, Width - 2 * Pad) >= MinWidth) d = Math.Max(d, 1 + Depth(child, total));
        return d;
    }

    private static double Px(long count, long total, double inner) => (double)count / total * inner;

    private static void Frames(StringBuilder sb, Node node, int depth, long start, long total, double inner, double height)
    {
        var c = CultureInfo.InvariantCulture;
        double x = Pad + Px(start, total, inner), w = Px(node.Count, total, inner);
        double y = height - Bottom - (depth + 1) * FrameHeight;
        var (r, g, b) = Colour(node.Name);
        double percent = 100.0 * node.Count / total;
        sb.Append(c, $"<g class=\"f\" data-s=\"{start}\" data-n=\"{node.Count}\" data-d=\"{depth}\">");
        sb.Append(c, $"<title>{Escape(node.Name)}\n{node.Count} samples, {percent:0.##}%</title>");
        sb.Append(c, $"<rect x=\"{x:0.###}\" y=\"{y:0.#}\" width=\"{w:0.###}\" height=\"{FrameHeight - 1}\" rx=\"2\" fill=\"rgb({r},{g},{b})\"/>");
        sb.Append(c, $"<text x=\"{x + 3:0.###}\" y=\"{y + 11.5:0.#}\">{Escape(Label(node.Name, w))}</text></g>\n");
        long at = start;
        foreach (var child in node.Children.Values)
        {
            if (Px(child.Count, total, inner) >= MinWidth) Frames(sb, child, depth + 1, at, total, inner, height);
            at += child.Count;
        }
    }

    /// <summary>The label that fits a frame of <paramref name="width"/> pixels: the name, cut with "..", or nothing.</summary>
    public static string Label(string name, double width)
    {
        int fits = (int)Math.Floor((width - 6) / CharWidth);
        if (fits >= name.Length) return name;
        return fits >= 3 ? name[..(fits - 2)] + ".." : "";
    }

    /// <summary>A warm colour from an FNV-1a hash of the function name (its module and offset left out).</summary>
    public static (int R, int G, int B) Colour(string name)
    {
        int cut = name.IndexOf(' ');
        uint h = 2166136261;
        foreach (var ch in cut < 0 ? name : name[..cut]) { h ^= ch; h *= 16777619; }
        return (205 + (int)(h % 50), 60 + (int)((h >> 8) % 170), (int)((h >> 16) % 55));
    }

    /// <summary>
    /// XML text: markup characters as entities, and every character XML 1.0 cannot carry at
    /// all (control characters, lone surrogates, U+FFFE/U+FFFF) as U+FFFD.
    /// </summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char ch = s[i];
            switch (ch)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if (char.IsHighSurrogate(ch) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { sb.Append(ch).Append(s[++i]); }
                    else if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f) || char.IsSurrogate(ch) || ch is '\uFFFE' or '\uFFFF') sb.Append('\uFFFD');
                    else sb.Append(ch);
                    break;
            }
        }
        return sb.ToString();
    }

    // Zoom: the clicked frame spans the width; its callers (below it) span it too, frames
    // outside its range hide. Labels are cut again to the new widths. Names come from each
    // frame's <title> with textContent: the script never parses markup.
    private const string Script = """
(function () {
  var svg = document.currentScript.closest('svg');
  var inner = +svg.getAttribute('data-width'), pad = +svg.getAttribute('data-pad');
  var cw = +svg.getAttribute('data-char'), total = +svg.getAttribute('data-total');
  var frames = Array.prototype.slice.call(svg.querySelectorAll('g.f'));
  var reset = svg.querySelector('#reset');
  function attr(g, a) { return +g.getAttribute(a); }
  function name(g) { return g.querySelector('title').textContent.split('\n')[0]; }
  function place(g, x, w) {
    var r = g.querySelector('rect'), t = g.querySelector('text'), n = name(g);
    var fits = Math.floor((w - 6) / cw);
    r.setAttribute('x', x.toFixed(3)); r.setAttribute('width', w.toFixed(3));
    t.setAttribute('x', (x + 3).toFixed(3));
    t.textContent = fits >= n.length ? n : fits >= 3 ? n.slice(0, fits - 2) + '..' : '';
  }
  function zoom(s, n, d) {
    frames.forEach(function (g) {
      var gs = attr(g, 'data-s'), gn = attr(g, 'data-n'), gd = attr(g, 'data-d');
      var w = gn / n * inner;
      if (gd < d && gs <= s && gs + gn >= s + n) { g.style.display = ''; g.style.opacity = '0.6'; place(g, pad, inner); }
      else if (gd >= d && gs >= s && gs + gn <= s + n && w >= 0.1) { g.style.display = ''; g.style.opacity = ''; place(g, pad + (gs - s) / n * inner, w); }
      else g.style.display = 'none';
    });
    reset.style.display = n < total ? '' : 'none';
  }
  frames.forEach(function (g) {
    g.addEventListener('click', function () { zoom(attr(g, 'data-s'), attr(g, 'data-n'), attr(g, 'data-d')); });
  });
  reset.addEventListener('click', function () { zoom(0, total, 0); });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') zoom(0, total, 0); });
  svg.setAttribute('data-ready', 'zoom');
})();

""";
}
