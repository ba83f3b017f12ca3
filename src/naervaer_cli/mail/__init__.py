"""Mail for the cron job: who gets which flagged pupils, composing, sending, and the sent-log."""
