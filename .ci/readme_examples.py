"""Run the README's Python quickstart and plugin example as a newcomer would, from the current folder."""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

text = Path("README.md").read_text()
quickstart = re.search(r"## Python quickstart\n\n```python\n(.*?)```", text, re.S).group(1)
plugin = re.search(r"```python\n(# my_plugins.py\n.*?)```", text, re.S).group(1)
conditional = re.search(r"## Conditional MI and transfer entropy\n\n.*?```python\n(.*?)```", text, re.S).group(1)
with tempfile.TemporaryDirectory() as scratch:
    # The quickstart at reduced size (fewer reps, smaller n); it writes runs/demo under a scratch folder.
    code = (
        quickstart.replace("reps=10", "reps=2")
        .replace("10000]", "2000]")
        .replace('out="runs/demo"', f'out="{scratch}/demo"')
    )
    exec(compile(code, "README quickstart", "exec"), {})
    exec(compile(conditional.replace("reps=5", "reps=2"), "README conditional quickstart", "exec"), {})
    (Path(scratch) / "my_plugins.py").write_text(plugin)
    command = [
        sys.executable,
        "-m",
        "mibench",
        "--plugin",
        f"{scratch}/my_plugins.py",
        "run",
        "-e",
        "pearson",
        "-s",
        "independent_uniform",
        "-n",
        "500",
        "--reps",
        "2",
        "--out",
        f"{scratch}/plugin",
        "--quiet",
    ]
    subprocess.run(command, check=True)
print("README examples: ok")
