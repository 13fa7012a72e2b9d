#!/usr/bin/env python3
"""Rewrites the folded legacy `try` form of the legacy exception-handling
spec tests, `(try L? BT? (do I*) (catch T I*)* (catch_all I*)? [(delegate L)])`,
into the flat form `try L? BT? I* (catch T I*)* (catch_all I*)? end` (or
`... delegate L`), which the `wast` crate still parses; everything else is
kept byte for byte."""
import sys

def parse(src):
    """A tree of (start, end, children) for each parenthesised list."""
    i, n = 0, len(src)
    stack = [(0, None, [])]
    while i < n:
        c = src[i]
        if src.startswith(';;', i):
            i = src.find('\n', i)
            i = n if i < 0 else i
            continue
        if src.startswith('(;', i):
            depth = 0
            while i < n:
                if src.startswith('(;', i):
                    depth += 1; i += 2
                elif src.startswith(';)', i):
                    depth -= 1; i += 2
                    if depth == 0:
                        break
                else:
                    i += 1
            continue
        if c == '"':
            i += 1
            while src[i] != '"':
                i += 2 if src[i] == '\\' else 1
            i += 1
            continue
        if c == '(':
            stack.append((i, None, []))
        elif c == ')':
            start, _, kids = stack.pop()
            stack[-1][2].append((start, i + 1, kids))
        i += 1
    return stack[0][2]

def head(src, node):
    start, end, _ = node
    j = start + 1
    while src[j].isspace():
        j += 1
    k = j
    while k < end and not src[k].isspace() and src[k] not in '()':
        k += 1
    return src[j:k], k

def render(src, node):
    start, end, kids = node
    name, after = head(src, node)
    if name == 'try':
        return render_try(src, node, after)
    out, pos = [], start
    for kid in kids:
        out.append(src[pos:kid[0]])
        out.append(render(src, kid))
        pos = kid[1]
    out.append(src[pos:end])
    return ''.join(out)

def inner(src, node, skip):
    """The rendered contents of `node` after its head and `skip` chars."""
    start, end, kids = node
    out, pos = [], skip
    for kid in kids:
        if kid[0] < skip:
            continue
        out.append(src[pos:kid[0]])
        out.append(render(src, kid))
        pos = kid[1]
    out.append(src[pos:end - 1])
    return ''.join(out)

def render_try(src, node, after):
    start, end, kids = node
    parts = ['try']
    clauses = [k for k in kids if head(src, k)[0] in ('do', 'catch', 'catch_all', 'delegate')]
    first = clauses[0][0] if clauses else end - 1
    # Label and block type: everything between `try` and the first clause.
    pos = after
    for kid in kids:
        if kid[0] >= first:
            break
        parts.append(src[pos:kid[0]] + src[kid[0]:kid[1]])
        pos = kid[1]
    parts.append(src[pos:first])
    delegated = False
    for clause in clauses:
        name, a = head(src, clause)
        if name == 'do':
            parts.append(inner(src, clause, a))
        elif name == 'delegate':
            parts.append(' delegate' + src[a:clause[1] - 1])
            delegated = True
        else:
            parts.append(' ' + name + inner(src, clause, a))
    if not delegated:
        parts.append(' end')
    return ''.join(parts)

src = sys.stdin.read()
out, pos = [], 0
for node in parse(src):
    out.append(src[pos:node[0]])
    out.append(render(src, node))
    pos = node[1]
out.append(src[pos:])
sys.stdout.write(''.join(out))
