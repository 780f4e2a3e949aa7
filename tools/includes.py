#!/usr/bin/env python3
"""includes.py [--fix] - each C file and header of Grid includes exactly the
project headers whose names it uses, so the includes are the dependency graph.

A header's names: the functions, variables, macros, struct/enum tags, enum
constants and typedefs it declares. A file uses a header when it names one of
them (comments and strings aside). Prints each file whose project includes
differ from that set and exits 1; --fix rewrites the include block instead.
A module X is X.c with X.h; a circle among modules (X uses Y.h, Y uses
... X.h) fails too: dependencies point one way."""
import os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(ROOT)
# headers that are not modules' APIs: generated tables, included by one file
PRIVATE = {'syscalls.h'}
# the unit tests and fuzzers, which include the headers as ../../NAME
EXTRA = ['tests/unit/unit.c', 'tests/fuzz/fuzz_config.c', 'tests/fuzz/fuzz_state.c']

def strip(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    return re.sub(r"'(\\.|[^'\\\n])*'", "''", text)

def declared(text):
    t = strip(text)
    names = set()
    names |= {'struct ' + m for m in re.findall(r'\bstruct\s+(\w+)\s*\{', t)}
    names |= {'enum ' + m for m in re.findall(r'\benum\s+(\w+)\s*\{', t)}
    for body in re.findall(r'\benum\s*\w*\s*\{([^}]*)\}', t):
        names |= set(re.findall(r'\b([A-Z_][A-Z0-9_]*)\b\s*(?:=[^,]*)?(?:,|$)', body))
    names |= set(re.findall(r'^#define\s+(\w+)', t, re.M)) - {'JSMN_PARENT_LINKS', 'JSMN_HEADER'}
    names -= {n for n in names if n.startswith('GRID_') and n.endswith('_H')}
    names |= set(re.findall(r'\btypedef\b[^;]*?\(\s*\*\s*(\w+)\s*\)', t))
    names |= set(re.findall(r'\btypedef\b[^;(]*?\b(\w+)\s*;', t))
    # functions and variables declared at file level (depth 0, ending in ;)
    depth, stmt = 0, ''
    for ch in t:
        if ch == '{':
            depth += 1
        elif ch == '}':
            depth -= 1
            stmt = ''
            continue
        if depth:
            continue
        stmt += ch
        if ch == ';':
            s = stmt.strip()
            stmt = ''
            if s.startswith(('typedef', '#')) or not s:
                continue
            m = re.search(r'(\w+)\s*\((?:[^()]|\([^()]*\))*\)\s*(?:__attribute__\s*\(\(.*\)\))?\s*;$', s, re.S)
            if m:
                names.add(m.group(1))
                continue
            m = re.search(r'(\w+)\s*(?:\[[^\]]*\])?\s*;$', s)
            if m and s.startswith('extern'):
                names.add(m.group(1))
        elif ch == '\n' and stmt.lstrip().startswith('#'):
            stmt = ''
    return names

def members_out(t):
    """struct bodies without their members' names (a field `tok` is not tok())"""
    def body(m):
        out = []
        for stmt in m.group(2).split(';'):
            for part in stmt.split(','):
                dims = ' '.join(re.findall(r'\[([^\]]*)\]', part))
                part = re.sub(r'\[[^\]]*\]|:\s*\d+', '', part)
                out.append(dims)
                part = re.sub(r'(\w+)\s*\)\s*\(', r'\1', part)  # a function pointer's name
                ids = re.findall(r'\w+', part)
                out.append(' '.join(ids[:-1]) if len(ids) > 1 else part)
        return m.group(1) + '{' + ';'.join(out) + '}'
    return re.sub(r'(\b(?:struct|union)\s*\w*\s*)\{([^{}]*)\}', body, t)

def used(text):
    t = members_out(re.sub(r'(->|\.)\s*\w+', ' ', strip(text)))
    toks = set(re.findall(r'\b\w+\b', t))
    toks |= {'struct ' + m for m in re.findall(r'\bstruct\s+(\w+)', t)}
    # a forward declaration needs no header (pointers only)
    toks -= {'struct ' + m for m in re.findall(r'^struct\s+(\w+)\s*;', t, re.M)}
    toks |= {'enum ' + m for m in re.findall(r'\benum\s+(\w+)', t)}
    return toks

def main():
    fix = '--fix' in sys.argv
    headers = sorted(f for f in os.listdir('.') if f.endswith('.h') and f not in PRIVATE)
    sources = sorted(f for f in os.listdir('.') if f.endswith('.c')) + headers + EXTRA
    names = {h: declared(open(h).read()) for h in headers}
    bad = 0
    graph = {}
    for f in sources:
        text = open(f).read()
        # a file's own declarations do not count as uses of another header
        own = f[:-2] + '.h' if f.endswith('.c') and f not in EXTRA else f
        body = strip(text)
        u = used(text)
        want = {h for h in headers if h != f and names[h] & u}
        if own in headers and f != own:
            want.add(own)
        # grid.h only where nothing else brings countof or the versions in
        pre = '../../' if f in EXTRA else ''
        have = [h[len(pre):] for h in re.findall(r'^#include "([^"]+)"', text, re.M)]
        have_set = {h for h in have if h not in PRIVATE}
        graph[f] = want
        if have_set != want:
            bad += 1
            if fix:
                lines = text.split('\n')
                idx = [i for i, l in enumerate(lines) if re.match(r'#include "([^"]+)"', l) and
                       re.match(r'#include "([^"]+)"', l).group(1)[len(pre):] not in PRIVATE]
                new = ['#include "%s%s"' % (pre, h) for h in sorted(want)]
                if idx:
                    first = idx[0]
                    lines = [l for i, l in enumerate(lines) if i not in idx]
                else:
                    sysinc = [i for i, l in enumerate(lines) if l.startswith('#include <')]
                    guard = [i for i, l in enumerate(lines) if l.startswith('#define GRID_')]
                    first = (sysinc or guard)[-1] + 1
                    new = [''] + new
                lines[first:first] = new
                open(f, 'w').write('\n'.join(lines))
            else:
                print('%s: includes %s; uses %s' % (f, ' '.join(sorted(have_set - want)) or '-',
                                                  ' '.join(sorted(want - have_set)) or '-'))
    # modules: X.c with its header X.h; an edge X -> Y when X.c uses Y.h
    edges = {f[:-2]: sorted(h[:-2] for h in deps if h != 'grid.h' and h[:-2] + '.c' in graph and h[:-2] != f[:-2])
             for f, deps in graph.items() if f.endswith('.c') and f not in EXTRA}
    state = {}
    def visit(m, path):
        state[m] = 1
        for n in edges.get(m, []):
            if state.get(n) == 1:
                return path[path.index(n):] + [n] if n in path else [m, n]
            if n not in state:
                c = visit(n, path + [n])
                if c:
                    return c
        state[m] = 2
        return None
    for m in sorted(edges):
        if m not in state:
            c = visit(m, [m])
            if c:
                print('circle: ' + ' -> '.join(c))
                bad += 1
                break
    return 1 if bad else 0

sys.exit(main())
