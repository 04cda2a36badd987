"""The API section of a library notebook's page: each name in its module's `__all__`, with its signature, its docstring and
the parameters' own comments (fastcore's docments), generated from the installed code when the site is built."""
import importlib, inspect
from fastcore.docments import docments

def _anno(a) -> str: return a if isinstance(a, str) else inspect.formatannotation(a)

def _short(v, n=80) -> str:
    r = v.__name__ if inspect.isclass(v) else repr(v)
    return r if len(r) <= n else r[:n - 3] + '...'

def signature(name: str, obj) -> str | None:
    "`name(a: int = 1, ...) -> T` with the annotations as written (they are strings under `from __future__ import annotations`)"
    try: sig = inspect.signature(obj)
    except (TypeError, ValueError): return None
    ps, star = [], False
    for p in sig.parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star: ps.append('*'); star = True
        s = {p.VAR_POSITIONAL: '*', p.VAR_KEYWORD: '**'}.get(p.kind, '') + p.name
        if p.annotation is not p.empty: s += f': {_anno(p.annotation)}'
        if p.default is not p.empty: s += f' = {_short(p.default)}'
        if p.kind is p.VAR_POSITIONAL: star = True
        ps.append(s)
    ret = '' if sig.return_annotation in (sig.empty, None, 'None') else f' -> {_anno(sig.return_annotation)}'
    return f'{name}({", ".join(ps)}){ret}'

def _params(obj) -> list[str]:
    "One line per documented parameter: name, type, default, its comment"
    try: docs = docments(obj, full=True)
    except Exception: return []
    out = []
    for k, d in docs.items():
        if not d.get('docment'): continue
        bits = [f'`{_anno(d["anno"])}`'] if d.get('anno') not in (None, inspect._empty) else []
        if d.get('default') not in (inspect._empty,): bits.append(f'default `{_short(d["default"], 60)}`')
        head = '**returns**' if k == 'return' else f'**{k}**'
        out.append(f'- {head}' + (f' ({", ".join(bits)})' if bits else '') + f': {d["docment"]}')
    return out

def _methods(cls) -> list[str]:
    out = []
    for k, f in vars(cls).items():
        if k.startswith('_') or not callable(getattr(cls, k, None)) or inspect.isclass(f): continue
        f = getattr(cls, k); doc = (inspect.getdoc(f) or '').split('\n')[0]
        sig = signature(k, f)
        if sig: out.append(f'- `{sig}`' + (f': {doc}' if doc else ''))
    return out

def entry(name: str, obj) -> list[str]:
    lines = [f'### `{name}`', '']
    if inspect.isclass(obj) or inspect.isroutine(obj):
        sig = signature(name, obj)
        if sig: lines += ['```python', sig, '```', '']
        doc = inspect.getdoc(obj)
        if doc: lines += [doc, '']
        ps = _params(obj)
        if ps: lines += ps + ['']
        if inspect.isclass(obj):
            ms = _methods(obj)
            if ms: lines += ['Methods:', ''] + ms + ['']
    else: lines += [f'`{name} = {_short(obj, 200)}`', '']
    return lines

def api_markdown(module: str) -> str:
    "The API section for `actgen.<module>`: every exported name, in `__all__`'s order"
    mod = importlib.import_module(f'actgen.{module}')
    names = list(getattr(mod, '__all__', []))
    lines = [f'## API: `actgen.{module}`', '',
             f'What `actgen.{module}` exports (its `__all__`), generated from the code: signatures, docstrings, and each '
             "parameter's comment.", '']
    for n in names: lines += entry(n, getattr(mod, n))
    return '\n'.join(lines).rstrip() + '\n'
