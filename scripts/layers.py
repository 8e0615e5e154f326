#!/usr/bin/env python3
"""Checks that src/ reads top-down (ARCHITECTURE.md): no import circle between files, and
no module that reaches up to a layer above its own.

It reads every `crate::…` and `super::…` path in the code of src/**/*.rs (comments and
strings left out; `use` trees with braces expanded), resolves each to the file that
defines it, and reports
  - every circle of files (a strongly connected set of two or more), and
  - every use of a module from a lower layer of LAYERS.
A mod.rs naming its own submodules (declaring them, re-exporting from them, calling them)
is the tree itself, not an import: those edges are left out of the circle check.

Exit 0 when both lists are empty, 1 otherwise. Usage: scripts/layers.py [SRC_DIR]
"""

import re
import sys
from pathlib import Path

# Top-level modules by layer, highest first; a module may use its own layer and the
# layers below it. commands → pipeline → report/plot → plan → model → estate → io.
LAYERS = [
    ["main", "lib", "cli"],
    ["commands"],
    ["pipeline", "check", "compare", "demo", "verify", "api"],
    ["report", "plot", "names"],
    ["plan"],
    ["model"],
    ["estate", "scenario", "import"],
    ["io", "money", "error"],
]
LAYER_OF = {m: i for i, group in enumerate(LAYERS) for m in group}


def strip(code: str) -> str:
    """The code with comments, strings and char literals blanked."""
    code = re.sub(r'r#*"(?:.|\n)*?"#*', '""', code)
    code = re.sub(r'"(?:\\.|[^"\\])*"', '""', code)
    code = re.sub(r"'(?:\\.|[^'\\])'", "' '", code)
    code = re.sub(r"/\*(?:.|\n)*?\*/", "", code)
    return re.sub(r"//[^\n]*", "", code)


def expand(tree: str):
    """The paths of a `use` tree such as `a::{b, c::{d, e}}`."""
    tree = re.sub(r"\s+", "", tree)
    depth, start, parts = 0, 0, []
    i = tree.find("{")
    if i < 0:
        return [re.sub(r"as\w+$", "", tree)] if tree else []
    prefix, inner = tree[:i], tree[i + 1 : tree.rindex("}")]
    for j, ch in enumerate(inner):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:j])
            start = j + 1
    parts.append(inner[start:])
    return [prefix + p2 for p in parts if p for p2 in expand(p)] or [prefix.rstrip(":")]


def module_of(src: Path, f: Path):
    """The module path of a file: src/plan/mod.rs → [plan], src/plan/term.rs → [plan, term]."""
    parts = list(f.relative_to(src).with_suffix("").parts)
    if parts[-1] == "mod" or (len(parts) == 1 and parts[0] in ("lib", "main")):
        parts = parts[:-1] if parts[-1] == "mod" else []
    return parts


def resolve(files, path):
    """The deepest file that holds a module path's prefix."""
    for n in range(len(path), 0, -1):
        key = tuple(path[:n])
        if key in files:
            return files[key]
    return files[()]


def inline_mods(code: str):
    """The (start, end) spans of the inline `mod name { … }` blocks of a file."""
    spans = []
    for m in re.finditer(r"\bmod\s+\w+\s*\{", code):
        depth, i = 0, m.end() - 1
        while i < len(code):
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            if depth == 0:
                break
            i += 1
        spans.append((m.start(), i))
    return spans


def edges_of(src: Path, files, f: Path):
    """(file, module path) of every `crate::` or `super::` path the file names."""
    code = strip(f.read_text(encoding="utf-8"))
    me = module_of(src, f)
    spans = inline_mods(code)
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", code):
        paths += [(m.start(), p) for p in expand(m.group(1))]
    paths += [(m.start(), m.group(1)) for m in re.finditer(r"\b((?:crate|super)(?:::\w+)+)", code)]
    for at, p in paths:
        segs = [s for s in p.split("::") if s]
        if not segs or segs[0] not in ("crate", "super", "self"):
            continue
        if segs[0] == "crate":
            target = segs[1:]
        else:
            # Inside inline modules (`mod tests { … }`) the first `super`s stay in the file.
            inner = sum(1 for a, b in spans if a < at < b)
            base = list(me)
            while segs and segs[0] in ("super", "self"):
                if segs.pop(0) == "super":
                    if inner:
                        inner -= 1
                    else:
                        base = base[:-1]
            target = base + segs
        yield resolve(files, target), target


def scc(nodes, adj):
    """Tarjan's strongly connected components."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in adj.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            visit(v)
    return out


def main():
    src = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent / "src")
    all_files = sorted(src.rglob("*.rs"))
    files = {tuple(module_of(src, f)): f for f in all_files if f.name != "main.rs"}
    adj, up = {}, []
    for f in all_files:
        me = module_of(src, f)
        top = me[0] if me else f.stem
        for g, target in edges_of(src, files, f):
            if g == f:
                continue
            them = module_of(src, g)
            # A mod.rs and the submodules below it are one module's tree.
            if f.name == "mod.rs" and them[: len(me)] == me:
                continue
            adj.setdefault(f, set()).add(g)
            other = them[0] if them else "lib"
            if other in LAYER_OF and top in LAYER_OF and LAYER_OF[other] < LAYER_OF[top]:
                up.append(f"{f.relative_to(src)} uses {'::'.join(target)} ({other} is above {top})")
    circles = [sorted(str(x.relative_to(src)) for x in c) for c in scc(all_files, adj) if len(c) > 1]
    for c in circles:
        print("circle: " + " ↔ ".join(c))
    for u in sorted(set(up)):
        print("upward: " + u)
    unknown = sorted({module_of(src, f)[0] for f in all_files if module_of(src, f)} - set(LAYER_OF))
    for m in unknown:
        print(f"unlayered: src/{m} has no layer in scripts/layers.py")
    if circles or up or unknown:
        return 1
    print(f"layers: {len(all_files)} files, no circle, nothing reaches up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
