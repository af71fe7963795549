#!/usr/bin/env python3
"""Wraps C# lines longer than 120 characters without changing any token.

Usage: python3 tools/style/wrap120.py FILE.cs...          rewrites the files in place, logs what it left alone
       python3 tools/style/wrap120.py --verify REV FILE.cs...  checks each file's tokens against git revision REV

Only whitespace changes, plus splits of over-long string literals into "a " + "b" (an interpolated piece keeps
its $ when it holds a brace). Comments wrap at word boundaries with their own prefix; a trailing comment of a long
line moves onto its own line above it. Code breaks are chosen by a small cost search: after an embedded
statement's header, after an expression body's =>, at commas, before ?: && || ?? + and other binary operators,
after an opening bracket, before a chained .Call(. A line holding a one-line block ({ a; b; }) is logged, not
wrapped: such blocks read better expanded by hand. The --verify mode compares token streams (comments word by
word, split strings joined) and names the first difference.
"""
import bisect
import re
import sys

LIMIT = 120
KEYWORDS_NOCALL = {'if', 'while', 'for', 'foreach', 'switch', 'using', 'lock', 'fixed', 'catch', 'when', 'return',
                   'throw', 'in', 'is', 'and', 'or', 'not', 'await', 'yield', 'case', 'else', 'var', 'out', 'ref'}
STMT_KW = {'if', 'while', 'for', 'foreach', 'using', 'lock', 'fixed'}
OPS = ['>>>=', '<<=', '??=', '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '++', '--', '+=', '-=', '*=', '/=',
       '%=', '&=', '|=', '^=', '->', '::', '?.', '<<', '..']


class Tok:
    __slots__ = ('kind', 'text', 'start', 'end', 'segs', 'prefix')

    def __init__(self, kind, text, start, end, segs=None, prefix=''):
        self.kind, self.text, self.start, self.end, self.segs, self.prefix = kind, text, start, end, segs, prefix

    def __repr__(self):
        return f'{self.kind}:{self.text!r}'


def parse_string(src, i):
    """Parses a string literal at i; returns (end, segs, prefix) where segs is a list of ('lit'|'hole', text),
    or segs None for raw strings."""
    j = i
    prefix = ''
    while src[j] in '$@':
        prefix += src[j]
        j += 1
    dollars = prefix.count('$')
    verbatim = '@' in prefix
    interp = dollars > 0
    q = 0
    while j + q < len(src) and src[j + q] == '"':
        q += 1
    if q >= 3:  # raw string
        close = '"' * q
        k = src.index(close, j + q)
        end = k + q
        while end < len(src) and src[end] == '"':
            end += 1
        return end, None, prefix
    j += 1  # opening quote
    segs = []
    lit = ''
    while True:
        c = src[j]
        if c == '"':
            if verbatim and j + 1 < len(src) and src[j + 1] == '"':
                lit += '""'
                j += 2
                continue
            j += 1
            break
        if c == '\\' and not verbatim:
            lit += src[j:j + 2]
            j += 2
            continue
        if c == '\n' and not verbatim:
            raise ValueError('newline in string at %d' % i)
        if interp and c == '{':
            if src[j + 1] == '{':
                lit += '{{'
                j += 2
                continue
            if lit:
                segs.append(('lit', lit))
                lit = ''
            k = j + 1
            depth = 1
            while depth:
                ch = src[k]
                if ch == '{':
                    depth += 1
                    k += 1
                elif ch == '}':
                    depth -= 1
                    k += 1
                elif ch == '"' or (ch in '$@' and src[k + 1] in '"$@'):
                    k, _, _ = parse_string(src, k)
                elif ch == "'":
                    k = parse_char(src, k)
                else:
                    k += 1
            segs.append(('hole', src[j:k]))
            j = k
            continue
        if interp and c == '}' and src[j + 1] == '}':
            lit += '}}'
            j += 2
            continue
        lit += c
        j += 1
    if lit:
        segs.append(('lit', lit))
    if j < len(src) and src.startswith('u8', j):
        j += 2
    return j, segs, prefix


def parse_char(src, i):
    j = i + 1
    if src[j] == '\\':
        j += 2
        while src[j] != "'":
            j += 1
        return j + 1
    return j + 2


def lex(src):
    toks = []
    i = 0
    n = len(src)
    line_start = True
    while i < n:
        c = src[i]
        if c in ' \t':
            j = i
            while j < n and src[j] in ' \t':
                j += 1
            toks.append(Tok('ws', src[i:j], i, j))
            i = j
            continue
        if c == '\n':
            toks.append(Tok('nl', c, i, i + 1))
            i += 1
            line_start = True
            continue
        was_line_start = line_start
        line_start = False
        if src.startswith('///', i) or src.startswith('//', i):
            j = src.find('\n', i)
            j = n if j < 0 else j
            toks.append(Tok('doc' if src.startswith('///', i) and not src.startswith('////', i) else 'comment',
                            src[i:j], i, j))
            i = j
            continue
        if src.startswith('/*', i):
            j = src.index('*/', i) + 2
            toks.append(Tok('block', src[i:j], i, j))
            i = j
            continue
        if c == '#' and was_line_start:
            j = src.find('\n', i)
            j = n if j < 0 else j
            toks.append(Tok('pp', src[i:j], i, j))
            i = j
            continue
        if c == '"' or (c in '$@' and i + 1 < n and src[i + 1] in '"$@'):
            j, segs, prefix = parse_string(src, i)
            toks.append(Tok('str', src[i:j], i, j, segs, prefix))
            i = j
            continue
        if c == "'":
            j = parse_char(src, i)
            toks.append(Tok('char', src[i:j], i, j))
            i = j
            continue
        if c.isalpha() or c == '_' or (c == '@' and i + 1 < n and (src[i + 1].isalpha() or src[i + 1] == '_')):
            j = i + 1
            while j < n and (src[j].isalnum() or src[j] == '_'):
                j += 1
            toks.append(Tok('id', src[i:j], i, j))
            i = j
            continue
        if c.isdigit() or (c == '.' and i + 1 < n and src[i + 1].isdigit()):
            m = re.compile(r'(0[xX][0-9a-fA-F_]+|0[bB][01_]+|[0-9_]*\.?[0-9_]+([eE][+-]?[0-9]+)?)[a-zA-Z]*').match(
                src, i)
            j = m.end()
            toks.append(Tok('num', src[i:j], i, j))
            i = j
            continue
        for op in OPS:
            if src.startswith(op, i):
                toks.append(Tok('op', op, i, i + len(op)))
                i += len(op)
                break
        else:
            toks.append(Tok('op', c, i, i + 1))
            i += 1
    return toks


# ---------------------------------------------------------------- code lines

class Atom:
    __slots__ = ('text', 'space', 'tok', 'adepth')

    def __init__(self, text, space, tok):
        self.text, self.space, self.tok, self.adepth = text, space, tok, 0


def render(atoms):
    out = ''
    for k, a in enumerate(atoms):
        if k and a.space:
            out += ' '
        out += a.text
    return out


def lit_split_points(segs):
    """Offsets (within the literal body, as reconstructed from segs) where a string may be split: after a space, or
    where none, after a comma or at a hole boundary."""
    spaces, others = [], []
    off = 0
    for kind, text in segs:
        if kind == 'lit':
            for m in re.finditer(' ', text):
                spaces.append(off + m.end())
            for m in re.finditer(',', text):
                others.append(off + m.end())
        elif off:
            others.append(off)
        off += len(text)
    return sorted(set(spaces + others))


def split_string(tok_text, prefix, segs, at):
    """Splits a string literal at body offset `at`; returns (piece1, piece2)."""
    body = ''.join(t for _, t in segs)
    b1, b2 = body[:at], body[at:]
    quote_pre = prefix

    def piece(b):
        p = quote_pre
        if '$' in p and '{' not in b and '}' not in b:
            p = p.replace('$', '')
        return p + '"' + b + '"'
    suffix = tok_text[tok_text.rindex('"') + 1:]
    return piece(b1), piece(b2) + suffix


def analyse(atoms):
    """Returns per-atom depth before the atom, generic depth, and ternary info."""
    depth = 0
    gdepth = 0
    depths = []
    gdepths = []
    stack = []
    for k, a in enumerate(atoms):
        t = a.text
        if t in (')', ']', '}'):
            depth -= 1
        if t == '>' and not a.space and gdepth > 0:
            gdepth -= 1
        depths.append(depth)
        gdepths.append(gdepth)
        if t in ('(', '[', '{'):
            depth += 1
        if t == '<' and not a.space and k > 0 and atoms[k - 1].tok.kind == 'id' and k + 1 < len(atoms) \
                and not atoms[k + 1].space:
            gdepth += 1
    return depths, gdepths


def is_operand_end(a):
    return a.tok.kind in ('id', 'num', 'str', 'char') or a.text in (')', ']')


def candidates(atoms, must_split, same=False):
    """Returns (pos, eff_depth, rank, kind, extra) break candidates: the new line starts at atom pos."""
    depths, gdepths = analyse(atoms)
    n = len(atoms)
    cands = []
    first = atoms[0].text
    # statement headers
    hdr = 0
    if first == 'else' and n > 1 and atoms[1].text == 'if':
        hdr = 1
    if atoms[hdr].text in STMT_KW and hdr + 1 < n and atoms[hdr + 1].text == '(':
        d0 = depths[hdr + 1]
        for k in range(hdr + 2, n):
            if atoms[k].text == ')' and depths[k] == d0:
                if k + 1 < n and atoms[k + 1].text not in ('{', ';'):
                    cands.append((k + 1, -100, 0, 'stmt', None))
                break
    elif first == 'else' and n > 1 and atoms[1].text not in ('{', 'if'):
        cands.append((1, -100, 0, 'stmt', None))
    # ternary tracking per depth
    open_q = {}
    for k in range(1, n):
        a = atoms[k]
        prev = atoms[k - 1]
        d = depths[k]
        if gdepths[k] > 0:
            continue
        t = a.text
        if prev.text == ',' and a.space:
            cands.append((k, d, 1, 'comma', None))
        if prev.text in ('(', '[') and t not in (')', ']') and gdepths[k - 1] == 0:
            pp = atoms[k - 2] if k >= 2 else None
            callish = False
            if prev.text == '(' and pp is not None and not prev.space:
                if (pp.tok.kind == 'id' and pp.text not in KEYWORDS_NOCALL) or pp.text in ('>', ']', ')'):
                    callish = True
            if prev.text == '[':
                callish = True
            if callish:
                cands.append((k, d, 8, 'open', None))
        if t == '=>' and k + 1 < n:
            if d <= 0 and not same:
                cands.append((k + 1, d, 0, 'arrow', None))
            else:
                cands.append((k + 1, d, 2, 'lambda', None))
        if a.space and t == '?' and is_operand_end(prev):
            cands.append((k, d, 3, 'ternary', None))
            open_q[d] = open_q.get(d, 0) + 1
        if a.space and t == ':' and open_q.get(d, 0) > 0:
            cands.append((k, d, 3, 'ternary', None))
            open_q[d] -= 1
        if a.space and t == ':' and d == 0 and k + 1 < n and atoms[k + 1].text in ('base', 'this') \
                and prev.text == ')':
            cands.append((k, -50, 0, 'ctor', None))
        if a.space and t == 'where' and d == 0 and k + 2 < n and atoms[k + 2].text == ':':
            cands.append((k, -51 if not any(c[3] == 'where' for c in cands) else -50, 0, 'where', None))
        if a.space and t == '??':
            cands.append((k, d, 4, 'op', None))
        if a.space and t == '||':
            cands.append((k, d, 5, 'op', None))
        if a.space and t == '&&':
            cands.append((k, d, 6, 'op', None))
        if a.space and t in ('+', '-') and is_operand_end(prev) and k + 1 < n and atoms[k + 1].space:
            cands.append((k, d, 7, 'op', None))
        if a.space and t in ('==', '!=', '<=', '>=', '<', '>', 'is') and k + 1 < n and atoms[k + 1].space:
            cands.append((k, d, 8.5, 'op', None))
        if a.space and t in ('*', '/', '%') and is_operand_end(prev) and k + 1 < n and atoms[k + 1].space:
            cands.append((k, d, 8.6, 'op', None))
        if prev.text in ('=', '+=', '-=', '*=', '/=', '|=', '&=', '??=') and a.space:
            cands.append((k, d + 1, 9, 'assign', None))
        if t == '.' and not a.space and prev.text == ')' and k + 2 < n and atoms[k + 1].tok.kind == 'id':
            cands.append((k, d + 1, 5, 'dot', None))
    forbidden = set()
    for k in range(n - 1):
        if atoms[k].text == 'for' and atoms[k + 1].text == '(':
            d0 = depths[k + 1]
            for j in range(k + 2, n):
                forbidden.add(j)
                if atoms[j].text == ')' and depths[j] == d0:
                    break
        if atoms[k].text == 'foreach' and atoms[k + 1].text == '(':
            for j in range(k + 2, n):
                if atoms[j].text == 'in':
                    break
                forbidden.add(j)
    cands = [c for c in cands if c[0] not in forbidden]
    for k in must_split:
        if gdepths[k] == 0:
            for off in lit_split_points(atoms[k].tok.segs):
                cands.append((k, depths[k], 7, 'strsplit', off))
    return cands


def line_width(indent, atoms):
    return len(indent) + len(render(atoms))


def enclosing_close(cur, local, pos):
    """Index of the closing bracket of the group holding the break before atom pos, or None."""
    d = local[pos] if cur[pos].text not in (')', ']', '}') else local[pos] + 1
    for j in range(pos, len(cur)):
        if cur[j].text in (')', ']', '}') and local[j] == d - 1:
            return j
    return None


def enclosing_open(cur, local, pos):
    """Index of the opening bracket of the group holding the break before atom pos, or None."""
    d = local[pos] if cur[pos].text not in (')', ']', '}') else local[pos] + 1
    for j in range(pos - 1, -1, -1):
        if cur[j].text in ('(', '[', '{') and local[j] == d - 1:
            return j
    return None


def wrap_code(indent, atoms, log, same=False):
    """Returns the wrapped lines (the cheapest of a bounded search over break choices) or None."""
    depths, _ = analyse(atoms)
    for a, d in zip(atoms, depths):
        a.adepth = d
    nodes = [0]

    def rec(cur, prefix, base, samebase, first_depth, nlines):
        if line_width(prefix, cur) <= LIMIT:
            return 0.0, [prefix + render(cur)]
        if nlines > 10 or nodes[0] > 3000:
            return None
        nodes[0] += 1
        cont_len = len(base) + (0 if samebase else 4)
        must = set()
        for k, a in enumerate(cur):
            if a.tok.kind == 'str' and a.tok.segs is not None and len(a.text) > LIMIT - cont_len - 5:
                must.add(k)
        cands = candidates(cur, must, samebase)
        local, _ = analyse(cur)
        mind = min(local)
        off = cur[0].adepth
        opts = []
        for pos, d, rank, kind, extra in cands:
            if kind == 'strsplit':
                a = cur[pos]
                p1, p2 = split_string(a.text, a.tok.prefix, a.tok.segs, extra)
                if len(p1) < 12 or len(p2) < 12:
                    continue
                head = render(cur[:pos] + [Atom(p1, a.space, a.tok)])
            else:
                if pos <= 0 or pos >= len(cur):
                    continue
                head = render(cur[:pos])
            if len(prefix) + len(head) > LIMIT:
                continue
            flat = kind in ('stmt', 'where', 'ctor')
            dd = 0 if flat else max(0, d - mind)
            cost = 10 + rank + 2 * dd - len(head) * 0.001
            if kind == 'stmt':
                cost -= 15
            elif kind == 'arrow' and d <= 0:
                cost -= 7
            elif kind == 'ternary' and cur[pos].text == ':':
                cost += 3
            elif kind in ('comma', 'open', 'lambda'):
                close = enclosing_close(cur, local, pos)
                if close is not None and close + 1 < len(cur) and cur[close + 1].text == '.':
                    cost += 12
                if close is not None:
                    opener = enclosing_open(cur, local, pos)
                    if opener is not None and len(render(cur[opener:close + 1])) < 40:
                        cost += 10
            opts.append((cost, pos, d, kind, extra, head))
        opts.sort(key=lambda o: o[0])
        best = None
        for cost, pos, d, kind, extra, head in opts[:4]:
            if kind == 'strsplit':
                a = cur[pos]
                p1, p2 = split_string(a.text, a.tok.prefix, a.tok.segs, extra)
                t2 = Tok('str', p2, 0, 0, None, '')
                t2.segs = parse_string(p2, 0)[1]
                t2.prefix = p2[:p2.index('"')]
                plus = Atom('+', True, Tok('op', '+', 0, 0))
                a2 = Atom(p2, True, t2)
                plus.adepth = a2.adepth = a.adepth
                rest = [plus, a2] + cur[pos + 1:]
            else:
                rest = cur[pos:]
            absd = d + off if d > -50 else d
            if kind in ('stmt', 'arrow') and d <= 0:
                nb = base + '    '
                r = rec(rest, nb, nb, False, None, nlines + 1)
            else:
                fd = absd if first_depth is None else first_depth
                level = 0 if absd <= fd or kind in ('where', 'ctor') else 1
                ind = base + ' ' * ((0 if samebase else 4) + 4 * level)
                r = rec(rest, ind, base, samebase, fd, nlines + 1)
            if r is None:
                continue
            total = cost + r[0]
            if best is None or total < best[0]:
                best = (total, [prefix + head] + r[1])
        return best

    res = rec(atoms, indent, indent, same, 0 if same else None, 0)
    if res is None:
        log.append('NOFIT: ' + indent + render(atoms))
        return None
    return res[1]


# ---------------------------------------------------------------- comments

def words_of(text):
    """Splits comment text at spaces, keeping XML tags (which may hold spaces) whole."""
    raw = text.split(' ')
    words = []
    buf = None
    for w in raw:
        if buf is not None:
            buf += ' ' + w
            if '>' in w:
                words.append(buf)
                buf = None
            continue
        lt = w.rfind('<')
        if lt >= 0 and '>' not in w[lt:]:
            buf = w
            continue
        words.append(w)
    if buf is not None:
        words.append(buf)
    return words


def fill(prefix, words):
    lines = []
    cur = ''
    for w in words:
        if cur and len(prefix) + len(cur) + 1 + len(w) > LIMIT:
            lines.append(prefix + cur)
            cur = w
        else:
            cur = w if not cur else cur + ' ' + w
    if cur:
        lines.append(prefix + cur)
    return lines


COMMENT_RE = re.compile(r'^(\s*)(///|//)( ?)(.*)$')


def wrap_comment_block(lines, i, log):
    """Wraps the comment line i with following plain lines of the same paragraph; returns (new_lines, consumed)."""
    m = COMMENT_RE.match(lines[i])
    ind, mark, sp, text = m.groups()
    prefix = ind + mark + ' '
    if mark == '///':
        mm = re.match(r'^<(summary|remarks|returns)>(.*)</\1>$', text)
        if mm and not sp == '':
            tag, inner = mm.groups()
            inner_lines = fill(prefix, words_of(inner))
            return [prefix + '<' + tag + '>'] + inner_lines + [prefix + '</' + tag + '>'], 1
    words = words_of(text)
    consumed = 1
    # pull in following plain lines of the same paragraph
    while i + consumed < len(lines):
        m2 = COMMENT_RE.match(lines[i + consumed])
        if not m2:
            break
        ind2, mark2, sp2, text2 = m2.groups()
        if ind2 != ind or mark2 != mark or not text2 or sp2 != ' ':
            break
        if mark == '///' and (text2.startswith('<') or text.rstrip().endswith('>') and re.search(r'</\w+>$', text)):
            break
        if re.match(r'^([-*]|\d+[.)])\s', text2) or text2.startswith('  '):
            break
        if re.search(r'</\w+>$', ' '.join(words)):
            break
        words += words_of(text2)
        consumed += 1
    new = fill(prefix if sp else ind + mark, words)
    if any(len(x) > LIMIT for x in new):
        log.append('LONGWORD: ' + lines[i])
    return new, consumed


# ---------------------------------------------------------------- files

def process(path, log):
    src = open(path, encoding='utf-8-sig').read()
    bom = open(path, 'rb').read(3) == b'\xef\xbb\xbf'
    lines = src.split('\n')
    if not any(len(l) > LIMIT for l in lines):
        return False
    toks = lex(src)
    # map line -> tokens; mark lines covered by multi-line tokens
    starts = [0]
    for l in lines:
        starts.append(starts[-1] + len(l) + 1)
    line_toks = {}
    multi = set()
    for t in toks:
        li = bisect.bisect_right(starts, t.start) - 1
        lj = bisect.bisect_right(starts, max(t.end - 1, t.start)) - 1
        if lj != li:
            for x in range(li, lj + 1):
                multi.add(x)
        line_toks.setdefault(li, []).append(t)
    inner = {}
    stack = []
    li = 0
    for t in toks:
        if t.kind == 'nl':
            li += 1
            inner[li] = stack[-1] if stack else None
        elif t.kind == 'op' and t.text in '([{':
            stack.append(t.text)
        elif t.kind == 'op' and t.text in ')]}' and stack:
            stack.pop()
    out = []
    i = 0
    changed = False
    while i < len(lines):
        line = lines[i]
        if len(line) <= LIMIT or i in multi:
            if len(line) > LIMIT:
                log.append(f'MULTI {path}:{i + 1}')
            out.append(line)
            i += 1
            continue
        lt = [t for t in line_toks.get(i, []) if t.kind not in ('ws', 'nl')]
        if lt and lt[0].kind in ('doc', 'comment') and len(lt) == 1:
            new, consumed = wrap_comment_block(lines, i, log)
            out.extend(new)
            i += consumed
            changed = True
            continue
        if any(t.kind in ('pp', 'block') for t in lt):
            log.append(f'SKIP {path}:{i + 1}')
            out.append(line)
            i += 1
            continue
        indent = line[:len(line) - len(line.lstrip(' '))]
        trailing = None
        if lt and lt[-1].kind in ('comment', 'doc'):
            trailing = lt[-1]
            lt = lt[:-1]
        atoms = []
        prev_end = None
        for t in lt:
            space = prev_end is not None and t.start > prev_end
            atoms.append(Atom(t.text, space, t))
            prev_end = t.end
        block = False
        for k, a in enumerate(atoms):
            if a.text == '{':
                for j in range(k + 1, len(atoms)):
                    if atoms[j].text == '}':
                        break
                    if atoms[j].text == ';' and atoms[j - 1].text not in ('get', 'set', 'init'):
                        block = True
        if block:
            log.append(f'BLOCK {path}:{i + 1}')
            out.append(line)
            i += 1
            continue
        new = []
        if trailing is not None:
            new.extend(fill(indent + '// ', words_of(trailing.text[2:].lstrip(' '))))
        stripped = line.lstrip(' ')
        same = inner.get(i) in ('(', '[') or stripped.startswith(('+ ', '- ', '&& ', '|| ', '?? ', 'where '))
        code = wrap_code(indent, atoms, log, same) if line_width(indent, atoms) > LIMIT else [indent + render(atoms)]
        if code is None:
            log.append(f'   at {path}:{i + 1}')
            out.append(line)
            i += 1
            continue
        new.extend(code)
        out.extend(new)
        changed = True
        i += 1
    if changed:
        data = '\n'.join(out)
        with open(path, 'w', encoding='utf-8-sig' if bom else 'utf-8', newline='') as f:
            f.write(data)
    return changed


def normalized_tokens(src):
    """Tokens without whitespace; comments as their words run together; split strings joined."""
    out = []
    for t in lex(src):
        if t.kind in ('ws', 'nl'):
            continue
        if t.kind in ('comment', 'doc'):
            w = ''.join((t.text[3:] if t.kind == 'doc' else t.text[2:]).split())
            if out and out[-1][0] == 'c':
                out[-1] = ('c', out[-1][1] + w)
            else:
                out.append(('c', w))
        elif t.kind == 'str' and t.segs is not None:
            item = ('str', t.prefix.replace('$', ''), ''.join(x for _, x in t.segs))
            if len(out) >= 2 and out[-1] == ('op', '+') and out[-2][0] == 'str' and out[-2][1] == item[1]:
                out.pop()
                item = ('str', item[1], out.pop()[2] + item[2])
            out.append(item)
        else:
            out.append((t.kind, t.text))
    return out


def verify(rev, paths):
    """Prints each file whose tokens differ from git revision rev; returns the count."""
    import subprocess
    bad = 0
    for p in paths:
        old = subprocess.run(['git', 'show', f'{rev}:{p}'], capture_output=True, text=True, check=True).stdout
        a, b = normalized_tokens(old.lstrip('\ufeff')), normalized_tokens(open(p, encoding='utf-8-sig').read())
        if a != b:
            bad += 1
            at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            print(f'DIFF {p}: token {at}: {a[at] if at < len(a) else None} -> {b[at] if at < len(b) else None}')
    print(f'verified {len(paths)} files, {bad} differ')
    return bad


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--verify':
        sys.exit(1 if verify(sys.argv[2], sys.argv[3:]) else 0)
    log = []
    for p in sys.argv[1:]:
        try:
            process(p, log)
        except (ValueError, IndexError) as e:
            log.append(f'ERROR {p}: {e!r}')
    for line in log:
        print(line)
