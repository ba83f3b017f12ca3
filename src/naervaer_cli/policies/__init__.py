"""Policy files shipped with naervaer (TOML)."""
