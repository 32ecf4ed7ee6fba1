"""The code stays readable: the page's scripts, one feature each, share one global, and no
function, in the scripts or in Python, grows past a screenful."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "static" / "front" / "js"
TEMPLATE = ROOT / "templates" / "front" / "index.html"
# The first scripts draw the first view's zones before the rest of the page has loaded: the
# head's one (async, so that it blocks neither the first paint nor the parser) and those it
# loads at once (views.FIRST_SCRIPTS), which the head preloads.
HEAD_SCRIPTS = ["startup.js", "zones-layer.js"]
JS_MAX_LINES = 80
PY_MAX_LINES = 60
PY_DIRS = ["mapsite", "geo_data", "bench"]

# A regular expression literal can follow these (elsewhere a slash divides).
REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {"return", "typeof"}


def _code_only(source: str) -> str:
    """`source` with its comments, strings and regular expressions blanked (lines kept)."""
    out, i, n, last = [], 0, len(source), ""
    while i < n:
        ch, pair = source[i], source[i : i + 2]
        if pair in ("//", "/*"):
            end = source.find("\n" if pair == "//" else "*/", i + 2)
            end = n if end < 0 else end + (0 if pair == "//" else 2)
        elif ch in "'\"`" or (ch == "/" and last in REGEX_AFTER):
            end, escaped = i + 1, False
            while end < n and (escaped or source[end] != ch):
                escaped = not escaped and source[end] == "\\"
                end += 1
            end += 1
            last = "x"
        else:
            out.append(ch)
            if not ch.isspace():
                word = re.match(r"[A-Za-z_$][\w$]*", source[i:])
                if word:
                    out.append(source[i + 1 : i + len(word.group())])
                    i += len(word.group())
                    last = word.group()
                    continue
                last = ch
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", source[i:end]))
        i = end
    return "".join(out)


def _js_functions(source: str) -> list[tuple[int, int]]:
    """(first line, number of lines) of every function in a script."""
    code = _code_only(source)
    found = []
    for match in re.finditer(r"\bfunction\b[^{]*\{", code):
        depth, pos = 0, match.end() - 1
        while True:
            depth += {"{": 1, "}": -1}.get(code[pos], 0)
            if depth == 0:
                break
            pos += 1
        first = code.count("\n", 0, match.start()) + 1
        found.append((first, code.count("\n", match.start(), pos) + 1))
    return found


def test_the_page_loads_every_script_the_head_ones_first_and_the_rest_after_the_zones():
    from mapsite.front.views import FIRST_SCRIPTS, LATER_SCRIPTS

    template = TEMPLATE.read_text()
    tags = re.findall(r"<script src=\"\{% static '([\w/.-]+)' %\}\"( async[^>]*)?>", template)
    # No other script tag in the page; fetched at high priority, as the preloads are.
    assert tags == [("front/js/startup.js", ' async fetchpriority="high"')]
    assert (
        '{% for src in config.firstScripts %}<link rel="preload" href="{{ src }}" as="script">'
        in template
    )
    first = [path.rsplit("/", 1)[1] for path in FIRST_SCRIPTS if path.startswith("front/js/")]
    assert ["startup.js", *first] == HEAD_SCRIPTS
    assert FIRST_SCRIPTS[-2:] == ["leaflet/leaflet.js", "leaflet/leaflet.extras.js"]
    later = [f"{name}.js" for name in LATER_SCRIPTS]
    assert sorted(HEAD_SCRIPTS + later) == sorted(p.name for p in SCRIPTS.glob("*.js"))
    assert later[-1] == "page.js"  # it starts the page, once the others are defined


def test_each_script_is_one_closure_and_the_page_has_one_global():
    for path in SCRIPTS.glob("*.js"):
        code = _code_only(path.read_text())
        blocks = re.findall(r"^\(function \(\) \{\n.*?^\}\)\(\);$", code, re.S | re.M)
        assert len(blocks) == 1 and code.strip() == blocks[0], path.name
        globals_set = set(re.findall(r"\bwindow\.(\w+)\s*=(?!=)", code))
        assert globals_set <= {"PolicyMap"}, (path.name, globals_set)


def test_no_script_function_is_longer_than_a_screenful():
    assert _js_functions("function a() {\n  var s = '}';\n  return /}/;\n}\n") == [(1, 4)]
    for path in SCRIPTS.glob("*.js"):
        # The file's own closure is exempt: it is the module, not a function.
        for first, lines in _js_functions(path.read_text())[1:]:
            assert lines <= JS_MAX_LINES, f"{path.name}:{first} is {lines} lines"


def test_no_python_function_is_longer_than_a_screenful():
    for folder in PY_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = node.end_lineno - node.lineno + 1
                    where = f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
                    assert lines <= PY_MAX_LINES, f"{where} is {lines} lines"
