#!/usr/bin/env python3
"""Checks a flame graph SVG of `ktap run --flamegraph` in a real browser (headless Chromium).

Usage: flamegraph-browser.py SVG [--frame NAME]... [--workdir DIR]

1. The SVG parses as XML and holds only the elements ktap writes (svg, style, rect, text,
   g, title, script: one script). A board-supplied name that became markup fails here.
2. Chromium renders it to a PNG; the PNG is decoded here (zlib, PNG filters) and must show
   frame colours over a plausible area, the background elsewhere, and the root frame ("all")
   across the whole width of its row.
3. Chromium loads an HTML page with the SVG inline, its zoom script runs (it marks the svg
   data-ready="zoom"), a click on the narrowest frame must widen it to the full width, and
   no name may have run code (window.pwned stays unset). --dump-dom gives the result.
4. Every --frame NAME is the name of some frame (the first line of a <title>).
Exit status 0 when every check passed; each check prints "ok" or "FAIL" and a reason.
"""
import os, struct, subprocess, sys, tempfile, zlib
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]
failed = 0


def check(ok, what, why=""):
    global failed
    print(("ok   - " if ok else "FAIL - ") + what + ("" if ok or not why else ": " + why))
    if not ok:
        failed += 1


def chromium(args, workdir):
    profile = tempfile.mkdtemp(dir=workdir)
    return subprocess.run(["chromium", *FLAGS, "--user-data-dir=" + profile, *args],
                          capture_output=True, text=True, timeout=120)


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB/RGBA non-interlaced PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, f"PNG kind {depth}/{colour}/{interlace}"
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def flame(p):  # the colours FlameGraphSvg.Colour makes (a hover stroke or label pixel is not)
    r, g, b = p
    return r >= 205 and 60 <= g <= 229 and b <= 54


def main():
    args, frames, workdir = sys.argv[1:], [], None
    svg = None
    while args:
        a = args.pop(0)
        if a == "--frame": frames.append(args.pop(0))
        elif a == "--workdir": workdir = args.pop(0)
        else: svg = a
    if not svg:
        print(__doc__); return 2
    workdir = workdir or tempfile.mkdtemp()
    os.makedirs(workdir, exist_ok=True)
    text = open(svg, encoding="utf-8").read()

    # 1. XML and its elements
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as e:
        check(False, "the SVG is well-formed XML", str(e)); return 1
    tags = {el.tag.replace(NS, "") for el in root.iter()}
    check(tags <= {"svg", "style", "rect", "text", "g", "title", "script"}, "only ktap's elements", str(sorted(tags)))
    check(sum(1 for el in root.iter(NS + "script")) == 1, "exactly one script element")
    groups = [g for g in root.iter(NS + "g") if g.get("class") == "f"]
    names = [g.find(NS + "title").text.split("\n")[0] for g in groups]
    check(len(groups) > 0, f"the SVG has frames ({len(groups)})")
    for name in frames:
        check(any(n == name for n in names), f"a frame is named {name}", f"{len(names)} frames, e.g. {names[:8]}")
    width, height = float(root.get("width")), float(root.get("height"))
    inner, pad = float(root.get("data-width")), float(root.get("data-pad"))

    # 2. the screenshot
    png = os.path.join(workdir, "flamegraph.png")
    if os.path.exists(png): os.remove(png)
    r = chromium([f"--screenshot={png}", f"--window-size={int(width)},{int(height)}", "file://" + os.path.abspath(svg)], workdir)
    check(os.path.exists(png), "chromium renders a screenshot", r.stderr[-500:])
    if os.path.exists(png):
        w, h, rows = png_pixels(png)
        total = w * h
        hot = sum(1 for row in rows for p in row if flame(p))
        background = sum(1 for row in rows for p in row if p == (248, 248, 248))
        check(hot > total * 0.01, f"frames cover a plausible area ({100 * hot / total:.1f}% of {w}x{h})")
        check(background > total * 0.05, f"the background is there too ({100 * background / total:.1f}%)")
        # the root frame's row: 16px above the bottom margin, the whole inner width
        y = int(height - 10 - 16 + 4)
        rooted = sum(1 for p in rows[y] if flame(p)) if y < h else 0
        check(rooted > inner * 0.9, f"the root frame spans its row ({rooted} of {int(inner)} px at y={y})")

    # 3. the script in a page: zoom on the narrowest frame, nothing injected ran
    body = text.split("?>", 1)[1] if text.startswith("<?xml") else text
    page = os.path.join(workdir, "flamegraph.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>\n" + body + """
<pre id="result"></pre><script>
(function () {
  var out = [], svg = document.querySelector('svg');
  out.push('ready=' + svg.getAttribute('data-ready'));
  var frames = Array.prototype.slice.call(svg.querySelectorAll('g.f'));
  var narrow = frames.reduce(function (a, g) { return +g.getAttribute('data-n') < +a.getAttribute('data-n') ? g : a; });
  narrow.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  out.push('zoomed=' + narrow.querySelector('rect').getAttribute('width'));
  out.push('hidden=' + frames.filter(function (g) { return g.style.display === 'none'; }).length);
  document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}));
  out.push('back=' + frames.filter(function (g) { return g.style.display === 'none'; }).length);
  out.push('pwned=' + (typeof window.pwned));
  out.push('scripts=' + document.querySelectorAll('script').length);
  document.getElementById('result').textContent = out.join(' ');
})();
</script></body></html>""")
    r = chromium(["--dump-dom", "file://" + os.path.abspath(page)], workdir)
    result = ""
    if '<pre id="result">' in r.stdout:
        result = r.stdout.split('<pre id="result">', 1)[1].split("</pre>", 1)[0]
    fields = dict(kv.split("=", 1) for kv in result.split() if "=" in kv)
    check(fields.get("ready") == "zoom", "the zoom script ran in the page", result or r.stderr[-300:])
    zoomed = float(fields.get("zoomed", "0") or 0)
    check(abs(zoomed - inner) < 0.5, f"a click zooms the narrowest frame to the full width ({zoomed} of {inner})")
    check(len(groups) < 2 or int(fields.get("hidden", "0")) > 0, f"frames outside it hide ({fields.get('hidden')})")
    check(fields.get("back") == "0", "Escape shows every frame again")
    check(fields.get("pwned") == "undefined", "no frame name ran code")
    check(fields.get("scripts") == "2", "no frame name added a script element", fields.get("scripts", ""))

    # the standalone SVG (not inline): its script runs there too
    r = chromium(["--dump-dom", "file://" + os.path.abspath(svg)], workdir)
    check('data-ready="zoom"' in r.stdout, "the zoom script runs in the SVG opened on its own", r.stdout[:200] + r.stderr[-300:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
