"""Checks the generated Python bindings and the README's Python examples against them.

Usage: python3 build-tools/check-python-bindings.py <pacmak python outdir> README.md

Offline there is no jsii runtime for Python (PyPI is not reachable), so the examples cannot run.
This checks what can be checked without it: every generated module compiles, every README
```python block parses, names it imports from the package exist, and the keyword arguments it passes
to the package's classes and static methods are parameters the bindings declare. Exits 1 otherwise.
"""
import ast
import pathlib
import py_compile
import re
import sys

MODULE = "cdk_cognito_custom_auth"


def main(outdir: str, readme: str) -> int:
    errors = []
    package = pathlib.Path(outdir, "src", MODULE)
    sources = sorted(package.rglob("*.py"))
    if not sources:
        print(f"no generated Python sources under {package}", file=sys.stderr)
        return 1
    for source in sources:
        try:
            py_compile.compile(str(source), doraise=True, cfile=str(source) + "c")
            pathlib.Path(str(source) + "c").unlink()
        except py_compile.PyCompileError as error:
            errors.append(f"{source}: {error.msg}")

    # class name -> {method name -> parameter names}; "__init__" is the constructor
    api = {}
    for node in ast.parse((package / "__init__.py").read_text()).body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            methods = {}
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    args = item.args
                    methods[item.name] = {a.arg for a in args.args + args.kwonlyargs + args.posonlyargs}
            api[node.name] = methods

    blocks = re.findall(r"```python\n(.*?)```", pathlib.Path(readme).read_text(), re.S)
    if not blocks:
        errors.append(f"{readme} has no ```python example")
    for number, block in enumerate(blocks, start=1):
        where = f"{readme} Python example {number}"
        try:
            tree = ast.parse(block)
        except SyntaxError as error:
            errors.append(f"{where}: {error}")
            continue
        imported = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == MODULE:
                for alias in node.names:
                    if alias.name not in api:
                        errors.append(f"{where}: {MODULE} has no {alias.name}")
                    imported[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            target = None
            if isinstance(node.func, ast.Name) and node.func.id in imported:
                target = (imported[node.func.id], "__init__")
            elif (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                  and node.func.value.id in imported):
                target = (imported[node.func.value.id], node.func.attr)
            if target is None or target[0] not in api:
                continue
            cls, method = target
            if method not in api[cls]:
                errors.append(f"{where}: {cls} has no {method}")
                continue
            for keyword in node.keywords:
                if keyword.arg is not None and keyword.arg not in api[cls][method]:
                    errors.append(f"{where}: {cls}.{method} has no parameter {keyword.arg}")

    if errors:
        print("Python bindings check failed:\n  - " + "\n  - ".join(errors), file=sys.stderr)
        return 1
    print(f"Python bindings: {len(sources)} modules compile; {len(blocks)} README example(s) use names the bindings declare.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
