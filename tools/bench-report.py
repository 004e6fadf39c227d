#!/usr/bin/env python3
"""Run the shared benchmark programs and write docs/benchmarks.md and docs/benchmarks.svg.

Runs `run.py` from --bench-dir (default ../shared/bench beside the repository) with
`--vm lua5.4 --vm target/release/tape`, plus `--vm luajit` when luajit is on the PATH, reads
the table it prints, and writes:

  docs/benchmarks.md   the table (median CPU seconds, ratio to lua5.4, peak MiB), the date,
                       the machine (lscpu's model name) and the command
  docs/benchmarks.svg  a horizontal bar chart of each VM's CPU time relative to lua5.4

    tools/bench-report.py                       # all programs, 5 runs each
    tools/bench-report.py --runs 1 --only fib,json
    tools/bench-report.py --no-luajit --out-dir /tmp/report

Build Tape first (`cargo build --release`). Standard library only. The machine should be
otherwise idle: run.py measures CPU time, but a busy machine still slows every VM unevenly.
"""
import argparse
import datetime
import math
import os
import shlex
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = "lua5.4"
# Bar colours, one per VM after the reference (colour-blind-safe Okabe-Ito hues).
COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9"]


def parse_table(text, n_vms):
    """Reads run.py's output for `n_vms` VMs (the first being the reference).

    Returns (rows, notes, means): rows are dicts with `name`, `secs` (n_vms values), `ratios`
    (n_vms - 1) and `mib` (n_vms), a missing or failed value being None; notes are run.py's
    indented remarks (`OUTPUT DIFFERS`, `FAILED under`, ...) as (program, text); means maps
    a VM command to the geometric mean of its ratios, which run.py computes unrounded.
    Columns are read by position, never by header name: VM names are shortened basenames and
    may repeat.
    """
    n_values = 3 * n_vms - 1
    rows, notes, means = [], [], {}
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if l.split()[:1] == ["program"]), None)
    if start is None:
        raise ValueError("no table header (a line starting with 'program') in run.py's output")
    header = lines[start].split()
    if len(header) != 1 + n_values:
        raise ValueError("run.py's header has %d columns, expected %d for %d VMs: %r"
                         % (len(header), 1 + n_values, n_vms, lines[start]))
    for line in lines[start + 1:]:
        if not line.strip():
            continue
        if line[0].isspace():
            notes.append((rows[-1]["name"] if rows else "", line.strip()))
            continue
        if line.startswith("geomean "):
            # geomean VM / REFERENCE = 1.23 over 11 programs
            pair, _, value = line[len("geomean "):].rpartition(" = ")
            vm = pair.rpartition(" / ")[0]
            means[vm] = number(value.split()[0]) if value else None
            continue
        tokens = line.split()
        if len(tokens) < 1 + n_values:
            raise ValueError("cannot read run.py's row: %r" % line)
        values = [number(t) for t in tokens[-n_values:]]
        rows.append({
            "name": " ".join(tokens[:-n_values]),
            "secs": values[:n_vms],
            "ratios": values[n_vms:2 * n_vms - 1],
            "mib": values[2 * n_vms - 1:],
        })
    return rows, notes, means


def number(token):
    """A float from run.py's table, or None for `error`, `-` and `nan`."""
    try:
        x = float(token)
    except ValueError:
        return None
    return None if math.isnan(x) else x


def vm_means(rows, means, vms):
    """The geometric mean of each VM's ratios (after the reference): run.py's, or computed
    from the rounded ratios of the table when it printed none for that VM."""
    out = []
    for i, vm in enumerate(vms[1:]):
        mean = means.get(vm) if vms.count(vm) == 1 else None
        out.append(mean if mean is not None else geomean([r["ratios"][i] for r in rows]))
    return out


def geomean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def vm_labels(vms):
    """Short names for the VMs: the command's basename, or the whole command where two
    basenames are the same."""
    bases = [os.path.basename(shlex.split(v)[0]) for v in vms]
    return [v if bases.count(b) > 1 else b for v, b in zip(vms, bases)]


def machine():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.lower().startswith("model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return "unknown CPU"


def git_revision():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def runs_text(runs):
    return "1 run" if runs == 1 else "%d runs" % runs


def fmt(x, spec):
    return "–" if x is None else format(x, spec)


def write_markdown(path, rows, notes, mean_ratios, labels, info):
    n = len(labels)
    lines = [
        "# Benchmarks",
        "",
        "CPU time of the programs in `%s` under %s, measured by its `run.py` (the median of %s)."
        % (info["bench_dir"], ", ".join(labels), runs_text(info["runs"]))
        + " Generated by `tools/bench-report.py`; do not edit by hand.",
        "",
        "- Date: %s" % info["date"],
        "- Machine: %s, %d CPUs; load average %.2f when the run started"
        % (info["machine"], os.cpu_count() or 0, info["load"]),
        "- Tape: commit %s" % info["revision"],
        "- Command: `%s`" % info["report_cmd"],
        "  (which ran `%s`)" % info["run_cmd"],
        "",
        "![CPU time relative to %s](%s)" % (labels[0], os.path.basename(info["svg"])),
        "",
        "The ratio is a VM's CPU time over %s's (below 1 is faster); MiB is peak resident memory."
        % labels[0],
        "",
    ]
    head = (["program"] + ["s %s" % l for l in labels] + ["× %s" % l for l in labels[1:]]
            + ["MiB %s" % l for l in labels])
    lines.append("| " + " | ".join(head) + " |")
    lines.append("| --- " + "| ---: " * (len(head) - 1) + "|")
    for r in rows:
        cells = ([r["name"]] + [fmt(x, ".3f") for x in r["secs"]]
                 + [fmt(x, ".2f") for x in r["ratios"]] + [fmt(x, ".1f") for x in r["mib"]])
        lines.append("| " + " | ".join(cells) + " |")
    cells = (["**geomean**"] + [""] * n + ["**%s**" % fmt(m, ".2f") for m in mean_ratios]
             + [""] * n)
    lines.append("| " + " | ".join(cells) + " |")
    if notes:
        lines += ["", "run.py reported:", ""]
        lines += ["- %s: %s" % (prog, text) for prog, text in notes]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def write_svg(path, rows, mean_ratios, labels, info):
    """A horizontal bar chart: one group of bars per program (and the geomean), one bar per
    VM after the reference, a vertical line at 1.0 (the reference), the ratio at each bar's
    end and a legend."""
    vms = labels[1:]
    groups = [(r["name"], r["ratios"]) for r in rows]
    groups.append(("geomean", mean_ratios))
    top_ratio = max([1.0] + [x for _, rs in groups for x in rs if x is not None])
    step = 0.25 if top_ratio <= 1.5 else 0.5 if top_ratio <= 3 else 1 if top_ratio <= 8 else 5
    axis_max = math.ceil(top_ratio * 1.05 / step) * step

    bar_h, bar_gap, group_gap = 14, 2, 12
    left, plot_w, right = 130, 520, 70
    width = left + plot_w + right
    title_h, legend_h = 48, 26
    plot_top = title_h + legend_h + 10
    group_h = len(vms) * (bar_h + bar_gap) - bar_gap
    plot_h = len(groups) * (group_h + group_gap)
    height = plot_top + plot_h + 44

    def x_of(ratio):
        return left + plot_w * ratio / axis_max

    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
        'font-family="Helvetica, Arial, sans-serif" font-size="12">' % (width, height, width, height),
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        '<text x="%d" y="20" font-size="15" font-weight="bold">CPU time relative to %s '
        '(lower is faster)</text>' % (left, esc(labels[0])),
        '<text x="%d" y="38" fill="#555555">%s · %s · the median of %s</text>'
        % (left, esc(info["date"]), esc(info["machine"]), runs_text(info["runs"])),
    ]
    # Legend: a swatch per VM, then the reference line.
    lx, ly = left, title_h + 8
    for i, vm in enumerate(vms):
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>'
                   % (lx, ly, COLOURS[i % len(COLOURS)]))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 17, ly + 10, esc(vm)))
        lx += 17 + 8 * len(vm) + 24
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#222222" stroke-width="2"/>'
               % (lx + 6, ly - 1, lx + 6, ly + 13))
    out.append('<text x="%d" y="%d">%s = 1.0</text>' % (lx + 14, ly + 10, esc(labels[0])))
    # Grid and axis labels.
    ticks = [i * step for i in range(int(round(axis_max / step)) + 1)]
    for t in ticks:
        x = x_of(t)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e5e5e5"/>'
                   % (x, plot_top - 4, x, plot_top + plot_h))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555555">%g</text>'
                   % (x, plot_top + plot_h + 16, t))
    out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555555">CPU time ÷ %s CPU time'
               '</text>' % (left + plot_w / 2, plot_top + plot_h + 34, esc(labels[0])))
    # Bars; their ratio labels go on last, over the reference line, with a white halo.
    labels_out = []
    for g, (name, ratios) in enumerate(groups):
        y0 = plot_top + g * (group_h + group_gap)
        weight = ' font-weight="bold"' if name == "geomean" else ""
        out.append('<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle"%s>%s</text>'
                   % (left - 8, y0 + group_h / 2, weight, esc(name)))
        for i, ratio in enumerate(ratios):
            y = y0 + i * (bar_h + bar_gap)
            if ratio is None:
                out.append('<text x="%d" y="%d" fill="#888888" font-size="11">%s: did not run'
                           '</text>' % (left + 4, y + 11, esc(vms[i])))
                continue
            colour = COLOURS[i % len(COLOURS)]
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s">'
                       '<title>%s %s: %.2f</title></rect>'
                       % (left, y, x_of(ratio) - left, bar_h, colour, esc(name), esc(vms[i]),
                          ratio))
            labels_out.append('<text x="%.1f" y="%d" font-size="11" stroke="#ffffff" '
                              'stroke-width="3" paint-order="stroke">%.2f</text>'
                              % (x_of(ratio) + 4, y + 11, ratio))
    # The reference line, drawn over the bars.
    out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#222222" stroke-width="2"/>'
               % (x_of(1.0), plot_top - 6, x_of(1.0), plot_top + plot_h))
    out += labels_out
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-dir", default="../shared/bench",
                    help="folder of run.py and the .lua programs, relative to the repository "
                    "(default %(default)s)")
    ap.add_argument("--runs", type=int, default=5, help="runs per program and VM (default 5)")
    ap.add_argument("--only", default="", help="comma-separated program names, passed to run.py")
    ap.add_argument("--tape", default="target/release/tape",
                    help="the tape binary, relative to the repository (default %(default)s)")
    ap.add_argument("--no-luajit", action="store_true", help="leave LuaJIT out even if on PATH")
    ap.add_argument("--out-dir", default="docs",
                    help="where to write benchmarks.md and .svg, relative to the repository")
    args = ap.parse_args()

    bench_dir = os.path.join(REPO, args.bench_dir)
    run_py = os.path.join(bench_dir, "run.py")
    if not os.path.isfile(run_py):
        sys.exit("bench-report: no run.py in %s (see --bench-dir)" % args.bench_dir)
    if shutil.which(REFERENCE) is None:
        sys.exit("bench-report: %s, the reference, is not on the PATH" % REFERENCE)
    if not os.access(os.path.join(REPO, args.tape), os.X_OK):
        sys.exit("bench-report: %s not found; run `cargo build --release` first" % args.tape)
    vms = [REFERENCE, args.tape]
    if not args.no_luajit and shutil.which("luajit"):
        vms.append("luajit")
    cmd = [sys.executable, run_py]
    for vm in vms:
        cmd += ["--vm", vm]
    cmd += ["--runs", str(args.runs)]
    if args.only:
        cmd += ["--only", args.only]

    load = os.getloadavg()[0]
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print("bench-report: running %s" % shlex.join(cmd), file=sys.stderr, flush=True)
    # run.py prints one row per program as it finishes; pass the rows on as they come.
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    captured = []
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        captured.append(line)
    status = proc.wait()
    try:
        rows, notes, means = parse_table("".join(captured), len(vms))
    except ValueError as e:
        sys.exit("bench-report: %s" % e)
    if not rows:
        sys.exit("bench-report: run.py printed no rows (exit status %d)" % status)

    labels = vm_labels(vms)
    out_dir = os.path.join(REPO, args.out_dir)
    os.makedirs(out_dir, exist_ok=True)
    md, svg = os.path.join(out_dir, "benchmarks.md"), os.path.join(out_dir, "benchmarks.svg")
    shown_run = [os.path.join(args.bench_dir, "run.py")] + cmd[2:]
    info = {
        "bench_dir": args.bench_dir,
        "runs": args.runs,
        "date": date,
        "machine": machine(),
        "load": load,
        "revision": git_revision(),
        "report_cmd": shlex.join(["tools/bench-report.py"] + sys.argv[1:]),
        "run_cmd": shlex.join(["python3"] + shown_run),
        "svg": svg,
    }
    mean_ratios = vm_means(rows, means, vms)
    write_markdown(md, rows, notes, mean_ratios, labels, info)
    write_svg(svg, rows, mean_ratios, labels, info)
    print("bench-report: wrote %s and %s" % (md, svg), file=sys.stderr)
    if status != 0:
        print("bench-report: run.py exited with status %d; its remarks are in %s" % (status, md),
              file=sys.stderr)


if __name__ == "__main__":
    main()
