"""What the docs tests share: the tutorials and how an executed one is read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TUTORIALS = ROOT / "docs" / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("*.ipynb"))



@dataclass
class Executed:
    """One tutorial after execution: the notebook, its error (None if it ran), its scratch space."""

    path: Path
    notebook: Any
    error: str | None
    scratch: Path

    def text(self) -> str:
        """Everything the notebook printed or returned as text."""
        parts = []
        for cell in self.notebook.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream":
                    parts.append(out["text"])
                elif "data" in out and "text/plain" in out["data"]:
                    parts.append(out["data"]["text/plain"])
        return "\n".join(parts)

    def images(self) -> int:
        return sum("image/png" in out.get("data", {}) for cell in self.notebook.cells
                   for out in cell.get("outputs", []))
