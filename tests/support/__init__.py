"""What the tests, the benchmarks and the docs hooks share: the registry reader, named answer
sets, rendering, process helpers and the Docker stack harness.

Import it from the repository root (`python -m pytest`, `python -m benchmarks.<name>`,
`python -m mkdocs build -f docs/mkdocs.yml`): the root is then on the import path.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# What Copier reads of the repository: the questions, the shared Jinja fragments, the tree.
TEMPLATE_PARTS = ("copier.yml", "includes/", "template/")
