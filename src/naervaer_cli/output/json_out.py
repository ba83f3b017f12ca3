"""The scan result as JSON: exactly `naervaer_cli.scan.to_json`, the §10 contract."""

from __future__ import annotations

import json

from naervaer_cli.result import ScanResult


def render_json(result: ScanResult) -> str:
    """§10 JSON. Key order is the contract's (no sorting); Norwegian letters stay readable."""
    from naervaer_cli.scan import to_json

    return json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n"
