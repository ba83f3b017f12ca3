"""Rules: pure functions of (records, policy, reference date, calendar) → flags."""
