"""Reads the callgrind files `callgrind.sh` writes and prints instructions per call, by where they run.

    callgrind_report.py LOCAL_SHORT LOCAL_LONG EXTRA_RUNS SERVER BENCH_JSON CALLS TOP MODE PATH C_SYMBOLS [CALLERS]

LOCAL_SHORT and LOCAL_LONG are `maas bench --local` profiles whose runs differ by EXTRA_RUNS batch-1 runs: their
difference divided by EXTRA_RUNS is the engine's own instructions per run. SERVER is the server's profile over
CALLS calls (instrumentation on only for them), BENCH_JSON the client's report of those calls. C_SYMBOLS has
lines "symbol target" for the C functions linked into maas (from `nm` on the build's objects). CALLERS, a
regular expression, lists the calls into functions whose mangled names match it, with their callers.

Only the callgrind format's self costs are summed (a cost line right after `calls=` is the callee's inclusive
cost, already counted where the callee's own lines are), so they add up to the file's `totals:`; the report
stops with an error if they do not.
"""

import collections
import json
import re
import subprocess
import sys


def read_profile(path):
    """Reads a callgrind file: each (object, function)'s own instruction count, each call edge's inclusive
    count and number of calls ((caller, callee) by function name), and the file's `totals:` line (its
    `summary:` stays 0 when instrumentation was switched on while running)."""
    names = {"ob": {}, "fn": {}}
    costs = collections.Counter()
    edge_costs, edge_calls = collections.Counter(), collections.Counter()
    obj, fn, callee = "?", "?", "?"
    summary = None
    call = None
    with open(path) as f:
        for line in f:
            if line[0].isdigit() or line[0] in "+-*":
                parts = line.split()
                if call is not None:
                    if len(parts) >= 2:
                        edge_costs[call] += int(parts[1])
                    call = None
                elif len(parts) >= 2:
                    costs[(obj, fn)] += int(parts[1])
                continue
            key, _, value = line.rstrip("\n").partition("=")
            if key in ("ob", "fn", "cob", "cfn"):
                kind = key[-2:]
                match = re.match(r"\((\d+)\)(?: (.*))?", value)
                if match:
                    ident, name = match.group(1), match.group(2)
                    if name is not None:
                        names[kind][ident] = name
                    value = names[kind].get(ident, value)
                if key == "ob":
                    obj = value
                elif key == "fn":
                    fn = value
                elif key == "cfn":
                    callee = value
            elif key == "calls":
                call = (fn, callee)
                edge_calls[call] += int(value.split()[0])
            elif line.startswith("totals:"):
                summary = int(line.split()[1])
    return costs, edge_costs, edge_calls, summary


def total(path):
    costs, edge_costs, edge_calls, summary = read_profile(path)
    counted = sum(costs.values())
    if summary is not None and counted != summary:
        sys.exit(f"callgrind_report.py: {path}: self costs add to {counted}, the file's totals say {summary}")
    return costs, counted, edge_costs, edge_calls


def module_of(symbol):
    """The Swift module of a mangled symbol ($s + length-prefixed name), or None."""
    match = re.match(r"\$s(\d+)([A-Za-z_]\w*)", symbol)
    if match:
        length = int(match.group(1))
        return match.group(2)[:length]
    if symbol.startswith("$sS") or symbol.startswith("$ss"):
        return "Swift"
    return None


RUNTIME_REFCOUNT = re.compile(r"^swift_(unknownObject|bridgeObject|nonatomic_)?(retain|release)|^_swift_(retain|release)")


def group_of(obj, fn, c_targets):
    lib = obj.rsplit("/", 1)[-1]
    if "openblas" in lib:
        return "model: OpenBLAS"
    if lib.startswith("libswiftCore"):
        if RUNTIME_REFCOUNT.search(fn):
            return "Swift runtime: retain/release"
        if fn.startswith("swift_") or fn.startswith("(anonymous") or fn.startswith("swift::"):
            return "Swift runtime: metadata, casts, other"
        return "Swift standard library"
    if lib.startswith("libc.so") or lib.startswith("libc-"):
        if re.search(r"malloc|free|calloc|realloc|_int_|tcache|posix_memalign|aligned_alloc", fn):
            return "libc: malloc/free"
        if re.search(r"mem(cpy|move|set|cmp)|str", fn):
            return "libc: memcpy/memset/str*"
        return "libc: other (syscall wrappers, locks, ...)"
    if lib.startswith("libm.") or lib.startswith("libmvec"):
        return "model: libm"
    if lib.startswith("libsndfile") or lib.startswith("libsoxr") or lib.startswith("libFLAC") or lib.startswith("libvorbis") or lib.startswith("libogg"):
        return "audio: libsndfile/soxr"
    if lib == "maas":
        module = module_of(fn)
        if module is None:
            if fn.startswith("__swift_"):
                return "Swift runtime: metadata, casts, other"
            target = c_targets.get(fn)
            if target == "CMaaSKernels":
                return "model: maas C kernels"
            if target == "CMaaSAudioKernels":
                return "audio: maas C kernels"
            if target is not None:
                return "C in maas: " + target
            if re.search(r"lstm|gru|gemm|dense|conv|relu|sigmoid|tanh|softmax|exp|kernel", fn, re.I):
                return "model: maas C kernels"
            if re.search(r"mfcc|mel|fft|window|audio|resample", fn, re.I):
                return "audio: maas C kernels"
            return "C in maas: other"
        if module == "MaaSEngine":
            return "model: MaaSEngine (Swift)"
        if module.startswith("NIO") or module.startswith("_NIO"):
            return "SwiftNIO"
        if module.startswith("MaaS") or module in ("ProtoWire", "maas"):
            return "maas: " + module
        if module == "Swift":
            return "Swift generics specialized in maas"
        return "other Swift: " + module
    return "other: " + lib


def demangle(symbols):
    if not symbols:
        return {}
    try:
        out = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(symbols),
                             capture_output=True, text=True, check=True).stdout.splitlines()
        if len(out) == len(symbols):
            return dict(zip(symbols, out))
    except (OSError, subprocess.CalledProcessError):
        pass
    return {s: s for s in symbols}


def main():
    short_path, long_path, extra, server_path, bench_path, calls, top, mode, path_taken = sys.argv[1:10]
    c_targets = {}
    with open(sys.argv[10]) as f:
        for line in f:
            symbol, target = line.split()
            c_targets[symbol] = target
    callers = sys.argv[11] if len(sys.argv) > 11 else ""
    extra, calls, top = int(extra), int(calls), int(top)
    _, short_total, _, _ = total(short_path)
    _, long_total, _, _ = total(long_path)
    engine = (long_total - short_total) / extra
    costs, server_total, edge_costs, edge_calls = total(server_path)
    if server_total == 0:
        sys.exit(f"callgrind_report.py: {server_path} counted nothing: callgrind_control never turned instrumentation on")
    bench = json.load(open(bench_path))

    per_call = server_total / calls
    print(f"# Instructions per call: maas server, {mode} input, {path_taken} path, {calls} calls at concurrency 1")
    print()
    print(f"- client: {bench.get('ok', '?')} answered OK, {bench.get('failed', '?')} failed {bench.get('errors') or ''}")
    if bench.get("ok") != calls:
        print(f"  (not all {calls} calls were answered OK: the counts below include failed calls)")
    print(f"- engine in process, batch-1 run (T=44): {engine:,.0f} instructions")
    print(f"- server, per call (user space, all threads): {per_call:,.0f} instructions, "
          f"{per_call / engine:.2f}× the engine's run; above it: {per_call - engine:,.0f}")
    print()
    groups = collections.Counter()
    for (obj, fn), cost in costs.items():
        groups[group_of(obj, fn, c_targets)] += cost
    print("| where | instructions per call | share |")
    print("|---|---|---|")
    for group, cost in sorted(groups.items(), key=lambda item: -item[1]):
        if cost / calls >= 1:
            print(f"| {group} | {cost / calls:,.0f} | {100 * cost / server_total:.1f} % |")
    model = sum(cost for group, cost in groups.items() if group.startswith("model:"))
    print(f"| **model (the groups marked model)** | **{model / calls:,.0f}** | {100 * model / server_total:.1f} % |")
    print(f"| **everything else** | **{(server_total - model) / calls:,.0f}** | {100 * (server_total - model) / server_total:.1f} % |")
    print()
    ranked = sorted(costs.items(), key=lambda item: -item[1])[:top]
    names = demangle([fn for (_, fn), _ in ranked])
    print(f"Top {top} functions by their own instructions per call:")
    print()
    print("| instructions per call | function | object |")
    print("|---|---|---|")
    for (obj, fn), cost in ranked:
        print(f"| {cost / calls:,.1f} | {short(names.get(fn, fn), 110)} | {obj.rsplit('/', 1)[-1]} |")

    if callers:
        pattern = re.compile(callers)
        edges = sorted(((edge, cost) for edge, cost in edge_costs.items() if pattern.search(edge[1])),
                       key=lambda item: -item[1])[:top]
        names = demangle(sorted({name for edge, _ in edges for name in edge}))
        print()
        print(f"Calls into functions matching `{callers}` (mangled names), by the instructions they cost per call:")
        print()
        print("| instructions per call (inclusive) | calls per call | callee | caller |")
        print("|---|---|---|---|")
        for (caller, callee), cost in edges:
            print(f"| {cost / calls:,.1f} | {edge_calls[(caller, callee)] / calls:.2f} | "
                  f"{short(names.get(callee, callee))} | {short(names.get(caller, caller))} |")


def short(name, limit=90):
    name = name.replace("|", "\\|")
    return name if len(name) <= limit else name[:limit - 3] + "..."


if __name__ == "__main__":
    main()
