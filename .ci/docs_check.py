#!/usr/bin/env python3
"""The docs check without Quarto: what `nbdev_docs` would publish, page by page.

    python .ci/docs_check.py [--strict-api] [--shots] [--out DIR]

`nbdev_proc_nbs` writes the processed pages to _proc/; each page must then convert to HTML (into --out),
with --shots also to a non-blank Chromium screenshot; show no errors; document every name in its module's
`__all__` (a docstring and a show_doc entry; without --strict-api these are warnings); show no local or
temporary paths, no nested links `[[x](..)](..)` and no object repr as a signature default. nbs/sidebar.yml
must list exactly the notebooks there are. Prints `page: problem` lines and a summary; exits 1 on a problem.
"""
import argparse, importlib, inspect, os, re, shutil, subprocess, sys, tempfile, warnings
from pathlib import Path
import nbformat, yaml
from nbconvert import HTMLExporter
from nbdev.config import get_config
from nbdev.doclinks import nbglob

warnings.filterwarnings('ignore')  # nbformat's "missing cell id" on every processed page
ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r'```.*?```|`[^`]*`', re.S)  # fenced and inline code in markdown
LOCAL_PATH = re.compile(r'(?<![\w.:/~-])(?:/tmp|/work|/home|/root)/\S*|file://\S*')
NESTED_LINK = re.compile(r'\[\[[^\]]*\]\([^)]*\)\]\([^)]*\)')
REPR_DEFAULT = re.compile(r'=\s*([A-Za-z_][\w.]*\([^()]*?\w=[^,)]*|<[\w. ]+ at 0x[0-9a-f]+>)')  # `Cfg(a=1, ...)`, `<object at 0x..>`
PUNCT = ':,.)`\'"'  # trailing punctuation, not part of a path
HEADING = re.compile(r'^#{2,4} +(\S+)', re.M)

def text(v): return v if isinstance(v, str) else ''.join(v)

def proc_nbs():
    "Run nbdev_proc_nbs as the docs build does; its error, if any (it stops at the first failing cell)."
    env = dict(os.environ, PATH=f'{Path(sys.executable).parent}{os.pathsep}{os.environ["PATH"]}', MPLBACKEND='Agg')
    with tempfile.TemporaryDirectory() as stub:
        # nbdev_proc_nbs first installs Quarto when none is on PATH (network, sudo): a stub `quarto` stops that.
        if not shutil.which('quarto', path=env['PATH']):
            (Path(stub)/'quarto').write_text('#!/bin/sh\nexit 1\n'); (Path(stub)/'quarto').chmod(0o755)
            env['PATH'] = f'{stub}{os.pathsep}{env["PATH"]}'
        # all pages afresh; not `--force`, which nbdev also hands to nbdev_sidebar: it would overwrite nbs/sidebar.yml
        shutil.rmtree(ROOT/'_proc', ignore_errors=True)
        r = subprocess.run(['nbdev_proc_nbs'], cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode == 0: return
    where = re.search(r'Error in notebook: (.*) in cell (\d+)', log := r.stdout + r.stderr)
    why = re.findall(r'^\w+(?:Error|Exception): .*', log, re.M) or [log[-500:]]
    if not where: yield why[0]; return
    page = next((p.relative_to(get_config().nbs_path) for p in nbglob(func=Path) if f'# {where[1]}' in p.read_text()), where[1])
    yield f"{page} fails in cell {where[2]}: {why[0]}"

def texts(c):
    "What a cell shows as text: its markdown, or its outputs' text (images left out)."
    if c.cell_type == 'markdown': yield text(c.source)
    for o in c.get('outputs', []):
        if 'text' in o: yield text(o['text'])
        yield from (text(v) for mime, v in o.get('data', {}).items() if mime.startswith('text/'))

def outputs(nb): return ((c, t) for c in nb.cells for t in texts(c))
def is_show_doc(c): return c.cell_type == 'code' and 'show_doc(' in text(c.source)

def check_processed(nb):
    for c in nb.cells:
        for o in c.get('outputs', []):
            if o.get('output_type') == 'error': yield f"error output: {o.get('ename')}: {o.get('evalue', '')[:100]}"
            elif 'Traceback (most recent call last)' in text(o.get('text', '')): yield 'traceback on stderr'

def check_html(nb, html_path, shots):
    html_path.write_text(HTMLExporter(embed_images=True).from_notebook_node(nb)[0])
    if not shots: return
    png = html_path.with_suffix('.png')
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([shots, '--headless', '--no-sandbox', '--disable-gpu', f'--user-data-dir={prof}',
                        '--host-resolver-rules=MAP * ~NOTFOUND', f'--screenshot={png}', '--window-size=1280,1600',
                        html_path.resolve().as_uri()], capture_output=True, timeout=120)
    from PIL import Image
    if not png.exists(): yield 'no screenshot'
    elif len(set(Image.open(png).convert('L').getextrema())) == 1: yield 'blank screenshot'

def show_doc_headings(nb): return {h for c in nb.cells if is_show_doc(c) for t in texts(c) for h in HEADING.findall(t)}

def check_api(nb, src, lib):
    "Every name in the module's `__all__`: a docstring if it is callable, and a show_doc entry (a constant: a `mention`)."
    m = re.search(r'#\|\s*default_exp\s+([\w.]+)', src.read_text() if src.exists() else '')  # the notebook's JSON
    if not m: return
    try: mod = importlib.import_module(f'{lib}.{m[1]}')
    except Exception as e: yield f'cannot import {lib}.{m[1]}: {type(e).__name__}: {e}'; return
    shown, prose = show_doc_headings(nb), '\n'.join(t for c, t in outputs(nb) if c.cell_type == 'markdown')
    for name in getattr(mod, '__all__', []):
        obj = getattr(mod, name, None)
        if callable(obj):
            doc = vars(obj).get('__doc__') if inspect.isclass(obj) else obj.__doc__
            if not doc or doc.startswith(f'{name}('): yield f'`{name}` has no docstring'  # (a dataclass's own is its signature)
            if name not in shown: yield f'`{name}` has no show_doc entry'
        elif name not in shown and f'`{name}`' not in prose: yield f'constant `{name}` is neither shown nor mentioned'

def check_text(nb):
    seen = set()
    for c, t in outputs(nb):
        prose = CODE.sub('', t) if c.cell_type == 'markdown' else t  # a command shown in prose may name a work folder; an output may not
        seen |= {f'local or temporary path: {p[:80].rstrip(PUNCT)}' for p in LOCAL_PATH.findall(prose)}
        seen |= {f'nested link: {l[:100]}' for l in NESTED_LINK.findall(t)}
    for c in filter(is_show_doc, nb.cells):
        for t in (text(o['data']['text/markdown']) for o in c.outputs if 'text/markdown' in o.get('data', {})):
            sig = ' '.join(l.lstrip('> ').strip() for l in t.splitlines() if l.startswith('>'))  # the signature
            seen |= {f"repr as a default in `{''.join(HEADING.findall(t)[:1])}`: ={d[:40]}..." for d in REPR_DEFAULT.findall(sig)}
    yield from sorted(seen)

def check_sidebar(nbs_path, pages):
    def entries(x):
        if isinstance(x, str): yield x
        elif isinstance(x, dict): yield from entries(x.get('href') or x.get('contents') or [])
        elif isinstance(x, list): yield from (e for i in x for e in entries(i))
    side = set(entries(yaml.safe_load((nbs_path/'sidebar.yml').read_text())['website']['sidebar']['contents']))
    for p in sorted(side - pages): yield f'lists {p}, which does not exist'
    for p in sorted(pages - side): yield f'does not list {p}'

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--strict-api', action='store_true', help='undocumented public names are failures, not warnings')
    ap.add_argument('--shots', action='store_true', help="screenshot each page with headless Chromium (Debian's chromium)")
    ap.add_argument('--no-shots', action='store_true', help='no screenshots (the default; kept for older callers)')
    ap.add_argument('--out', default='_docs_check', help='folder for the HTML pages (default _docs_check)')
    a = ap.parse_args()
    os.chdir(ROOT)
    cfg = get_config()
    shots = a.shots and not a.no_shots and (shutil.which('chromium') or shutil.which('chromium-browser') or 'none')
    if shots == 'none': sys.exit("docs_check: --shots needs Debian's chromium (apt-get install chromium)")
    out = ROOT/a.out
    shutil.rmtree(out, ignore_errors=True); out.mkdir(parents=True)
    problems, warns = [f'nbdev_proc_nbs: {p}' for p in proc_nbs()], []
    stopped = ' (nbdev_proc_nbs stopped)' if problems else ''
    pages = {p.relative_to(cfg.nbs_path).as_posix() for p in nbglob(cfg.nbs_path, func=Path)}
    problems += [f'sidebar.yml: {p}' for p in check_sidebar(cfg.nbs_path, pages)]
    for page in sorted(pages):
        pp = cfg.config_path/'_proc'/page
        if not pp.exists(): problems.append(f'{page}: not processed{stopped}'); continue
        nb = nbformat.read(pp, as_version=4)
        found = [*check_processed(nb), *check_text(nb)]
        try: found += check_html(nb, out/page.replace('/', '__').replace('.ipynb', '.html'), shots)
        except Exception as e: found.append(f'HTML conversion failed: {type(e).__name__}: {e}')
        api = list(check_api(nb, cfg.nbs_path/page, cfg.lib_name))
        problems += [f'{page}: {p}' for p in found + (api if a.strict_api else [])]
        warns += [] if a.strict_api else [f'{page}: (warning) {p}' for p in api]
    print('\n'.join(problems + warns))
    bad = len({p.split(':')[0] for p in problems})
    print(f'{len(pages)} pages checked (HTML in {a.out}/): {len(problems)} problems on {bad} pages, {len(warns)} warnings')
    return 1 if problems else 0

if __name__ == '__main__':
    sys.exit(main())
