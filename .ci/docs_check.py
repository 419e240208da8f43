#!/usr/bin/env python3
"""Check the docs build without Quarto: nbdev's processing, nbconvert's HTML, headless Chromium's eyes.

    .venv/bin/python .ci/docs_check.py [--strict-api] [--no-proc] [--no-shots] [--only TEXT ...] [--jobs N] [--out DIR]

1. `nbdev_proc_nbs --force` writes the processed notebooks to `_proc/` (what `nbdev_docs` hands Quarto).
   It runs in-process with two of nbdev's side steps turned off: the Quarto install (`_ensure_quarto`,
   Quarto is not needed for this check) and the rewrite of `<lib>/_modidx.py` (`nbdev_export` owns that).
2. Each processed notebook gets a light Quarto-like pass (front matter -> title block, `#| echo: false`,
   `#| output: false`, `#| include: false` honoured, `#|` lines and `{...}` link attributes dropped), then
   nbconvert's HTML exporter writes `<out>/<page>.html` (images embedded).
3. Headless Chromium, with the network shut off, screenshots the top of each page to `<out>/<page>.png`.
4. Checked per page: HTML present and not trivial; screenshot present and not blank; a title (h1);
   no error outputs or tracebacks in the processed notebook; every image output is an <img>; every
   show_doc output is an API heading in the HTML. Warnings (failures with --strict-api): names in the
   module's `__all__`, and public methods of its public classes, that have neither a show_doc entry nor
   a `backticked` mention in the notebook's prose.

Prints a table, the missing API entries, and ends with `N pages ok, M failed`. Exit status: 0 when every
page passes, 1 when any fails, 2 when the check itself could not run (no Chromium, no venv).
The GitHub docs workflow (.github/workflows/deploy.yaml) stays nbdev's own Quarto build; this is a local check.
"""
import argparse, ast, base64, html as htmllib, importlib, inspect, json, os, re, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT/'.venv'/'bin'/'python'

try: import nbdev, nbconvert, bs4, PIL, yaml  # noqa: F401  (all come with the dev install)
except ImportError:
    if VENV_PY.exists() and Path(sys.prefix).resolve() != VENV_PY.parent.parent.resolve() and not os.environ.get('DOCS_CHECK_REEXEC'):
        os.environ['DOCS_CHECK_REEXEC'] = '1'
        os.execv(str(VENV_PY), [str(VENV_PY), __file__, *sys.argv[1:]])
    sys.exit("docs_check: needs nbdev, nbconvert, beautifulsoup4, pillow and pyyaml: run it with .venv/bin/python "
             "(set up by `bash .ci/run test`)\n0 pages ok, 1 failed")

import nbformat, nbformat.validator, warnings
warnings.filterwarnings('ignore', message='Cell is missing an id field')
from bs4 import BeautifulSoup
from PIL import Image

IMG_MIMES = ('image/png', 'image/jpeg', 'image/gif', 'image/webp')
# nbconvert's display priority: an output shows its first available type from this list
PRIORITY = ('application/vnd.jupyter.widget-view+json', 'application/javascript', 'text/html', 'text/markdown',
            'image/svg+xml', 'text/latex', 'image/png', 'image/jpeg', 'text/plain')
W, H = 1280, 1600

def find_chromium():
    for name in (os.environ.get('CHROMIUM'), 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'):
        if name and shutil.which(name): return shutil.which(name)

# ---------------------------------------------------------------- 1. nbdev_proc_nbs
PROC_CODE = """
import nbdev.doclinks, nbdev.quarto as q
nbdev.doclinks._build_modidx = lambda *a, **k: None   # nbdev_export owns <lib>/_modidx.py
q._ensure_quarto = lambda: None                       # Quarto is not used by this check
q.nbdev_proc_nbs.__wrapped__(force=True, n_workers={n})
"""

def run_proc_nbs(jobs, timeout):
    env = dict(os.environ, PATH=f"{ROOT/'.venv'/'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
               MPLBACKEND='Agg', OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    t = time.time()
    try:
        r = subprocess.run([sys.executable, '-c', PROC_CODE.format(n=jobs)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=timeout)
        ok, log = r.returncode == 0, r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        ok, log = False, f"timed out after {timeout}s\n{e.stdout or ''}{e.stderr or ''}"
    print(f"nbdev_proc_nbs: {'ok' if ok else 'FAILED'} in {time.time()-t:.0f}s")
    if not ok: print('\n'.join('  | '+l for l in log.strip().splitlines()[-25:]))
    return ok

# ---------------------------------------------------------------- 2. processed notebook -> HTML
DIRECTIVE = re.compile(r'^\s*#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')
SHOW_DOC = re.compile(r'^\s*show_doc\(', re.M)
API_HEAD = re.compile(r'^(#{2,4}) +(.+?)\s*$', re.M)

def src(c): return c['source'] if isinstance(c['source'], str) else ''.join(c['source'])
def txt(v): return v if isinstance(v, str) else ''.join(v)

def directives(c):
    d = {}
    for l in src(c).splitlines():
        m = DIRECTIVE.match(l)
        if m: d[m[1]] = m[2].strip().strip('"\'').lower()
    return d

def shown_mime(o):
    data = o.get('data', {})
    return next((m for m in PRIORITY if m in data), next(iter(data), None))

def quartoish(nb):
    "What Quarto would do before rendering, just enough for nbconvert: title block, cell options."
    meta = {}
    cells = []
    for i, c in enumerate(nb.cells):
        if i == 0 and c.cell_type == 'raw' and src(c).lstrip().startswith('---'):
            try: meta = yaml.safe_load(src(c).strip().strip('-')) or {}
            except Exception: meta = {}
            block = (f"# {meta['title']}\n\n" if meta.get('title') else '') + (f"*{meta['description']}*" if meta.get('description') else '')
            if block: cells.append(nbformat.v4.new_markdown_cell(block))
            continue
        if c.cell_type == 'code':
            d = directives(c)
            if d.get('include') == 'false': continue
            tags = set(c.metadata.get('tags', []))
            if d.get('echo') == 'false': tags.add('remove_input')
            if d.get('output') == 'false': tags.add('remove_output')
            c.metadata['tags'] = sorted(tags)
            c.source = '\n'.join(l for l in src(c).splitlines() if not DIRECTIVE.match(l)).strip('\n')
            for o in c.get('outputs', []):
                md = o.get('data', {}).get('text/markdown')
                if md is not None: o['data']['text/markdown'] = re.sub(r'(\]\([^)]*\))\{[^}]*\}', r'\1', txt(md))
        cells.append(c)
    nb.cells = cells
    return nb, meta

def to_html(nb, resources_dir):
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config
    cfg = Config()
    cfg.TagRemovePreprocessor.remove_input_tags = ('remove_input',)
    cfg.TagRemovePreprocessor.remove_all_outputs_tags = ('remove_output',)
    cfg.TagRemovePreprocessor.remove_cell_tags = ('remove_cell',)
    ex = HTMLExporter(config=cfg, embed_images=True, exclude_input_prompt=True, exclude_output_prompt=True)  # no In/Out prompts, as on Quarto's pages
    ex.register_preprocessor(TagRemovePreprocessor(config=cfg), enabled=True)
    body, _ = ex.from_notebook_node(nb, resources={'metadata': {'path': str(resources_dir)}})
    return body

# ---------------------------------------------------------------- 3. screenshot
def screenshot(chromium, html_path, png_path, timeout=90):
    png_path.unlink(missing_ok=True)
    prof = tempfile.mkdtemp(prefix='docs_check_chromium_')
    cmd = [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars',
           '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--mute-audio',
           f'--user-data-dir={prof}', '--host-resolver-rules=MAP * ~NOTFOUND',  # offline: CDN scripts fail fast
           f'--screenshot={png_path}', f'--window-size={W},{H}', html_path.resolve().as_uri()]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        err = '' if r.returncode == 0 else f'chromium exit {r.returncode}: {r.stderr.strip().splitlines()[-1:]}'
    except subprocess.TimeoutExpired: err = f'chromium timed out ({timeout}s)'
    finally: shutil.rmtree(prof, ignore_errors=True)
    return err

def look_at(png_path):
    "Problems seen in the screenshot: missing, wrong size, blank, or no dark text near the top."
    if not png_path.exists() or png_path.stat().st_size == 0: return ['no screenshot'], ''
    im = Image.open(png_path).convert('L')
    if im.size != (W, H): return [f'screenshot is {im.size[0]}x{im.size[1]}'], ''
    hist = im.histogram()
    inked = sum(hist[:200]) / (W * H)                         # anything drawn on the white page
    top = im.crop((0, 0, W, 400)).histogram()                 # the first 400 px: the title block
    dark_top = sum(top[:128]) / (W * 400)
    probs = []
    if sum(1 for n in hist if n) < 2 or inked < 0.0002: probs.append('screenshot blank')
    elif dark_top < 0.0005: probs.append('no text at the top of the screenshot')
    return probs, f'{inked*100:.1f}% ink'

# ---------------------------------------------------------------- 4. checks
def nb_facts(nb):
    "Errors, image outputs, show_doc entries and prose of a processed notebook."
    f = dict(errors=[], stderr=0, images=0, showdoc_cells=0, api=[], empty_showdoc=0, prose='')
    for c in nb.cells:
        if c.cell_type == 'markdown':
            f['prose'] += src(c) + '\n'
            f['images'] += len(re.findall(r'!\[[^\]]*\]\([^)]+\)|<img\b', src(c)))
            continue
        if c.cell_type != 'code': continue
        is_sd = bool(SHOW_DOC.search(src(c)))
        f['showdoc_cells'] += is_sd
        heads = []
        for o in c.get('outputs', []):
            t = o.get('output_type')
            if t == 'error':
                f['errors'].append(f"{o.get('ename', 'Error')}: {o.get('evalue', '')}"[:120])
            elif t == 'stream' and o.get('name') == 'stderr':
                f['stderr'] += 1
                if 'Traceback (most recent call last)' in txt(o.get('text', '')):
                    f['errors'].append('traceback on stderr: ' + txt(o['text']).strip().splitlines()[-1][:100])
            elif t in ('execute_result', 'display_data'):
                m = shown_mime(o)
                if m in IMG_MIMES: f['images'] += 1
                elif m == 'text/html': f['images'] += len(re.findall(r'<img\b', txt(o['data'][m])))
                md = o.get('data', {}).get('text/markdown')
                if is_sd and md is not None: heads += [h for _, h in API_HEAD.findall(txt(md))]
        if is_sd and not heads: f['empty_showdoc'] += 1
        f['api'] += heads
    return f

def html_facts(html):
    soup = BeautifulSoup(html, 'html.parser')
    for a in soup.select('a.anchor-link'): a.decompose()
    body = soup.body or soup
    heads = [h.get_text(' ', strip=True) for h in body.find_all(['h2', 'h3', 'h4'])]
    imgs = body.find_all('img')
    return dict(h1=[h.get_text(' ', strip=True) for h in body.find_all('h1')], heads=heads, imgs=len(imgs),
                bad_imgs=sum(not (i.get('src') or '').startswith(('data:image/', 'http')) for i in imgs),
                text=len(body.get_text(' ', strip=True)))

def default_exp(nb_path):
    for c in nbformat.read(nb_path, as_version=4).cells:
        if c.cell_type == 'code':
            m = re.search(r'^\s*#\|\s*default_exp\s+(\S+)', src(c), re.M)
            if m: return m[1]

def public_api(modname, lib):
    """Public names of a module (`__all__`) and the public methods its public classes define; a method that
    overrides a framework hook (a name a torch or fastai base class already has: `forward`, `before_epoch`,
    `create_item`, ...) is left to the class's prose."""
    mod = importlib.import_module(f'{lib}.{modname}')
    names = []
    for n in getattr(mod, '__all__', []):
        if n.startswith('_'): continue
        names.append(n)
        obj = getattr(mod, n, None)
        if not inspect.isclass(obj): continue
        for k, v in vars(obj).items():
            if k.startswith('_'): continue
            f = v.__func__ if isinstance(v, (staticmethod, classmethod)) else v
            if not inspect.isfunction(f) or not (f.__module__ or '').startswith(lib): continue
            if any(hasattr(base, k) for base in obj.__mro__[1:] if not base.__module__.startswith(lib)): continue
            if k.startswith(('before_', 'after_')) and any(b.__name__ == 'Callback' and b.__module__.startswith('fastai') for b in obj.__mro__): continue  # fastai events
            names.append(f'{n}.{k}')
    return names

def documented(name, api_heads, prose):
    if name in api_heads: return True
    short = name.split('.')[-1]
    pats = [re.escape(name)] + ([rf'\.?{re.escape(short)}'] if '.' in name else [])
    return any(re.search(rf'`(?:{p})(?:\(.*?\))?`', prose) for p in pats)

def executed_in_processing(notebook: Path) -> list[int]:
    """Cells that nbdev's docs processing runs although they are not exports: those holding an import
    (anywhere in them) beside other code. They run without the cells before them, so they usually fail
    there; keep imports in cells of their own."""
    found = []
    for i, c in enumerate(json.loads(notebook.read_text())['cells']):
        source = ''.join(c['source'])
        if c['cell_type'] != 'code' or re.search(r'^#\|\s*(export|exporti|exports|exec_doc)\b', source, re.M) or 'nbdev_export()' in source: continue
        try: tree = ast.parse('\n'.join(l for l in source.split('\n') if not l.lstrip().startswith(('%', '!'))))
        except SyntaxError: continue
        nodes = list(ast.walk(tree))
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in nodes) and any(isinstance(n, (ast.Expr, ast.Assign)) for n in nodes): found.append(i)
    return found

# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--strict-api', action='store_true', help='fail pages whose public names lack a show_doc entry or mention')
    ap.add_argument('--no-proc', action='store_true', help="use the _proc/ already there instead of running nbdev_proc_nbs")
    ap.add_argument('--only', nargs='+', metavar='TEXT', help='check only pages whose notebook name contains TEXT')
    ap.add_argument('--jobs', type=int, default=2, help='processes for nbdev_proc_nbs and Chromium (default 2)')
    ap.add_argument('--out', default='_docs_check', help='output folder for HTML and screenshots (default _docs_check)')
    ap.add_argument('--proc-timeout', type=int, default=600, help='seconds allowed for nbdev_proc_nbs (default 600)')
    ap.add_argument('--no-shots', action='store_true', help='skip the screenshots (where no Chromium can be had); every other check runs')
    a = ap.parse_args()
    t0 = time.time()
    os.chdir(ROOT)

    chromium = None if a.no_shots else find_chromium()
    if not chromium and not a.no_shots:
        print("docs_check: headless Chromium not found. Install Debian's package:\n"
              "    sudo apt-get install -y chromium\n(or point CHROMIUM=/path/to/chrome at another build)\n0 pages ok, 1 failed")
        return 2

    from nbdev.config import get_config
    from nbdev.doclinks import nbglob
    cfg = get_config()
    nbs_path, proc = cfg.nbs_path, cfg.config_path/'_proc'
    pages = sorted(Path(p) for p in nbglob(nbs_path, func=Path))
    if a.only: pages = [p for p in pages if any(s in p.name for s in a.only)]
    if not pages: print('docs_check: no notebooks to check\n0 pages ok, 1 failed'); return 2

    proc_ok = True if a.no_proc else run_proc_nbs(a.jobs, a.proc_timeout)
    out = ROOT/a.out
    shutil.rmtree(out, ignore_errors=True); out.mkdir(parents=True)

    rows = {}
    for p in pages:
        rel = p.relative_to(nbs_path)
        name = str(rel.with_suffix('')).replace(os.sep, '__')
        r = rows[p] = dict(page=str(rel), name=name, probs=[], size=0, shot='-', images='-', api='-', note='', missing=[])
        pp = proc/rel
        mixed = executed_in_processing(p)
        if mixed: r['probs'].append(f'cells {mixed}: an import beside other code (nbdev runs such cells when building the docs: give imports a cell of their own)')
        if not pp.exists():
            r['probs'].append('not processed' + ('' if proc_ok else ' (nbdev_proc_nbs failed)')); continue
        try:
            nb = nbformat.read(pp, as_version=4)
            f = nb_facts(nb)
            nb, meta = quartoish(nb)
            html = to_html(nb, pp.parent)
        except Exception as e:
            r['probs'].append(f'HTML export failed: {type(e).__name__}: {e}'[:150]); continue
        hp = out/f'{name}.html'
        hp.write_text(html, encoding='utf-8')
        h = html_facts(html)
        r['size'], r['html'] = hp.stat().st_size, hp
        if h['text'] < 200: r['probs'].append(f"HTML nearly empty ({h['text']} chars of text)")
        if not h['h1']: r['probs'].append('no title (h1)')
        r['probs'] += [f'error output: {e}' for e in f['errors']]
        if f['stderr']: r['note'] = f"{f['stderr']} stderr output(s)"
        r['images'] = f"{h['imgs']}/{f['images']}"
        if h['imgs'] < f['images']: r['probs'].append(f"{f['images']-h['imgs']} image output(s) missing from the HTML")
        if h['bad_imgs']: r['probs'].append(f"{h['bad_imgs']} <img> not embedded")
        # API entries: every show_doc output is a heading on the page; every show_doc of the source is there
        n_src = sum(bool(SHOW_DOC.search(src(c))) for c in nbformat.read(p, as_version=4).cells if c.cell_type == 'code')
        shown = [x for x in f['api'] if x in h['heads']]
        r['api'] = f"{len(shown)}/{f['showdoc_cells']}"
        if f['empty_showdoc']: r['probs'].append(f"{f['empty_showdoc']} show_doc cell(s) without output")
        if len(shown) < len(f['api']): r['probs'].append(f"API heading(s) not rendered: {', '.join(x for x in f['api'] if x not in h['heads'])[:100]}")
        if f['showdoc_cells'] < n_src: r['probs'].append(f"{n_src - f['showdoc_cells']} show_doc cell(s) lost in processing")
        mod = default_exp(p)
        if mod:
            try: names = public_api(mod, cfg.lib_name)
            except Exception as e: r['probs'].append(f'cannot import {cfg.lib_name}.{mod}: {type(e).__name__}: {e}'[:150]); names = []
            r['missing'] = [n for n in names if not documented(n, set(f['api']), f['prose'])]
            if r['missing'] and a.strict_api: r['probs'].append(f"{len(r['missing'])} public name(s) undocumented")

    todo = [r for r in rows.values() if r.get('html')] if chromium else []
    for r in rows.values():
        if r.get('html') and not chromium: r['shot'] = 'skip'
    with ThreadPoolExecutor(max(1, a.jobs)) as ex:
        errs = list(ex.map(lambda r: screenshot(chromium, r['html'], out/f"{r['name']}.png"), todo))
    for r, err in zip(todo, errs):
        probs, ink = look_at(out/f"{r['name']}.png")
        if err and probs: probs = [err]
        r['probs'] += probs
        r['shot'] = 'ok' if not probs else 'BAD'
        r['note'] = ', '.join(x for x in (ink, r['note']) if x)

    # ------------------------------------------------------------ report
    lines = []
    w = max(len(r['page']) for r in rows.values())
    lines.append(f"{'page':<{w}}  {'size':>7}  {'shot':<4}  {'images':>6}  {'API':>7}  problems / notes")
    lines.append('-' * (w + 50))
    for r in rows.values():
        size = f"{r['size']/1024:.0f}K" if r['size'] else '-'
        status = '; '.join(r['probs']) if r['probs'] else 'ok'
        lines.append(f"{r['page']:<{w}}  {size:>7}  {r['shot']:<4}  {r['images']:>6}  {r['api']:>7}  {status}"
                     + (f"  ({r['note']})" if r['note'] else ''))
    miss = {r['page']: r['missing'] for r in rows.values() if r['missing']}
    n_miss = sum(map(len, miss.values()))
    lines.append('')
    lines.append(f"Public names with no show_doc entry and no `mention` in their notebook: {n_miss}"
                 + ('' if a.strict_api or not n_miss else ' (a warning; --strict-api fails on them)'))
    for pg, ns in miss.items(): lines.append(f"  {pg} ({len(ns)}): {', '.join(ns)}")
    ok = sum(not r['probs'] for r in rows.values()); bad = len(rows) - ok
    lines.append('')
    lines.append(f"HTML and screenshots in {out}/ ({time.time()-t0:.0f}s)")
    lines.append(f"{ok} pages ok, {bad} failed")
    report = '\n'.join(lines)
    print(report)
    (out/'report.txt').write_text(report + '\n')
    return 1 if bad else 0

if __name__ == '__main__':
    sys.exit(main())
